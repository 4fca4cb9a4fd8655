"""A small OpenID Connect provider on loopback, for the real-browser single-sign-on tests.

It speaks the authorization-code flow the way an organisation's identity provider does, so
Streamlit's `st.login` (Authlib's client) runs unchanged against it: discovery at
`/.well-known/openid-configuration`, an authorize endpoint whose login form the browser fills in,
a token endpoint that checks the client's secret, the redirect URI, the single-use code and the
PKCE verifier, and returns an RS256-signed id_token (Authlib's joserfc), the JWKS holding the key
that verifies it, userinfo for the access token, and an end-session endpoint for sign-out.
It is served by uvicorn in a thread on 127.0.0.1 and remembers no sign-in between requests, so
every sign-in shows the form. `calls` records each endpoint asked, in order, for the tests.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import uvicorn
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.browser import free_port

LIFETIME = 300
"""Seconds an authorization code, access token and id_token stay good."""


@dataclass(frozen=True)
class Grant:
    """What an authorization code stands for: who signed in, for which request."""

    email: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    expires: float


@dataclass
class OIDCProvider:
    """One registered client (`client_id`, `client_secret`, `redirect_uris`) and a fresh RS256 key."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    port: int = field(default_factory=free_port)
    calls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"},
                                       private=True)
        self._codes: dict[str, Grant] = {}
        self._tokens: dict[str, tuple[str, float]] = {}
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- the endpoints ------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/authorize", self.authorize, methods=["GET", "POST"]),
            Route("/token", self.token, methods=["POST"]),
            Route("/jwks", self.jwks),
            Route("/userinfo", self.userinfo, methods=["GET", "POST"]),
            Route("/end-session", self.end_session),
        ])

    async def discovery(self, request: Request) -> Response:
        self.calls.append("discovery")
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/end-session",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        })

    async def authorize(self, request: Request) -> Response:
        params = dict(await request.form()) if request.method == "POST" else dict(request.query_params)
        self.calls.append(f"authorize:{request.method}")
        if params.get("client_id") != self.client_id or params.get("redirect_uri") not in self.redirect_uris:
            # Never redirect to an address the client did not register: say so here instead.
            return HTMLResponse("<h1>Unknown client or redirect URI</h1>", status_code=400)
        if params.get("response_type") != "code" or "openid" not in str(params.get("scope", "")).split():
            return self._back(params, error="unsupported_response_type")
        if params.get("code_challenge") and params.get("code_challenge_method") != "S256":
            return self._back(params, error="invalid_request")
        if request.method == "GET":
            return HTMLResponse(self._login_form(params))
        email = str(params.get("email", "")).strip()
        if "@" not in email:
            return HTMLResponse(self._login_form(params, problem="Type an e-mail address."), status_code=400)
        code = secrets.token_urlsafe(24)
        self._codes[code] = Grant(email=email, client_id=self.client_id, redirect_uri=str(params["redirect_uri"]),
                                  scope=str(params["scope"]), nonce=params.get("nonce"),
                                  code_challenge=params.get("code_challenge"),
                                  code_challenge_method=params.get("code_challenge_method"),
                                  expires=time.time() + LIFETIME)
        return self._back(params, code=code)

    async def token(self, request: Request) -> Response:
        self.calls.append("token")
        form = await request.form()
        client_id, client_secret = _client_credentials(request, form)
        if client_id != self.client_id or not secrets.compare_digest(client_secret or "", self.client_secret):
            return _token_error("invalid_client", 401)
        if form.get("grant_type") != "authorization_code":
            return _token_error("unsupported_grant_type")
        grant = self._codes.pop(str(form.get("code", "")), None)  # single use, whatever happens next
        if grant is None or grant.expires < time.time() or grant.client_id != client_id:
            return _token_error("invalid_grant")
        if form.get("redirect_uri") != grant.redirect_uri:
            return _token_error("invalid_grant")
        if grant.code_challenge is not None:
            verifier = str(form.get("code_verifier", ""))
            if not verifier or create_s256_code_challenge(verifier) != grant.code_challenge:
                return _token_error("invalid_grant")
        now = int(time.time())
        access_token = secrets.token_urlsafe(24)
        self._tokens[access_token] = (grant.email, now + LIFETIME)
        claims = {"iss": self.issuer, "sub": _subject(grant.email), "aud": self.client_id, "iat": now,
                  "exp": now + LIFETIME, "auth_time": now, "email": grant.email, "email_verified": True,
                  "name": grant.email.split("@")[0], "at_hash": _at_hash(access_token)}
        if grant.nonce:
            claims["nonce"] = grant.nonce
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key, algorithms=["RS256"])
        return JSONResponse({"access_token": access_token, "token_type": "Bearer", "expires_in": LIFETIME,
                             "scope": grant.scope, "id_token": id_token},
                            headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    async def jwks(self, request: Request) -> Response:
        self.calls.append("jwks")
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def userinfo(self, request: Request) -> Response:
        self.calls.append("userinfo")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        email, expires = self._tokens.get(token, ("", 0.0)) if scheme.lower() == "bearer" else ("", 0.0)
        if not email or expires < time.time():
            return JSONResponse({"error": "invalid_token"}, status_code=401,
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return JSONResponse({"sub": _subject(email), "email": email, "email_verified": True,
                             "name": email.split("@")[0]})

    async def end_session(self, request: Request) -> Response:
        self.calls.append("end_session")
        target = request.query_params.get("post_logout_redirect_uri")
        hint = request.query_params.get("id_token_hint")
        if hint:
            try:
                jwt.decode(hint, self.key, algorithms=["RS256"])
            except (JoseError, ValueError):
                return HTMLResponse("<h1>Bad id_token_hint</h1>", status_code=400)
        if target not in self.redirect_uris:
            return HTMLResponse("<h1>Signed out</h1>")
        return RedirectResponse(target, status_code=302)

    # -- running --------------------------------------------------------------------------------

    def start(self) -> "OIDCProvider":
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="oidc-provider", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the test OIDC provider did not start on port {self.port}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    # -- pieces ---------------------------------------------------------------------------------

    def _back(self, params: dict, **answer: str) -> Response:
        """Send the browser back to the client's registered redirect URI with `answer` and its state."""
        if params.get("state"):
            answer["state"] = str(params["state"])
        return RedirectResponse(f"{params['redirect_uri']}?{urlencode(answer)}", status_code=302)

    def _login_form(self, params: dict, problem: str = "") -> str:
        hidden = "".join(f'<input type="hidden" name="{html.escape(str(k))}" value="{html.escape(str(v))}">'
                         for k, v in params.items() if k != "email")
        warning = f'<p role="alert">{html.escape(problem)}</p>' if problem else ""
        return ("<!doctype html><html lang='en'><head><title>Test identity provider</title></head><body>"
                "<main><h1>Test identity provider</h1>" + warning +
                '<form method="post" action="/authorize">' + hidden +
                '<label for="email">E-mail</label> <input id="email" name="email" type="email" autocomplete="off">'
                ' <button type="submit">Continue</button></form></main></body></html>')


def _client_credentials(request: Request, form) -> tuple[str | None, str | None]:
    """client_secret_basic (Authlib's default) or client_secret_post."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(value).decode().partition(":")
        except ValueError:
            return None, None
        return client_id, secret
    return form.get("client_id"), form.get("client_secret")


def _token_error(error: str, status: int = 400) -> Response:
    return JSONResponse({"error": error}, status_code=status, headers={"Cache-Control": "no-store"})


def _subject(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:24]


def _at_hash(access_token: str) -> str:
    """OIDC Core 3.1.3.6: the left half of SHA-256 over the access token, base64url without padding."""
    digest = hashlib.sha256(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()
