"""Helpers for the real-browser tests: a Streamlit server on loopback and Debian's Chromium."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from tests.oidc_provider import OIDCProvider

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run app.py` on a fixed loopback port, which can be killed and started again."""

    def __init__(self, env: dict[str, str], port: int | None = None, args: tuple[str, ...] = ()) -> None:
        self.env = env
        self.args = args
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "StreamlitServer":
        cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.headless=true", f"--server.port={self.port}", "--server.address=127.0.0.1",
               "--browser.gatherUsageStats=false", "--server.fileWatcherType=none", *self.args]
        # Loopback only: nothing the server fetches (an identity provider's discovery) goes through a proxy.
        env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost", **self.env}
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    out = self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""
                    raise RuntimeError(f"streamlit did not start:\n{out}") from None
                time.sleep(0.3)

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing; what a power cut or the OOM killer does."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@contextmanager
def streamlit_process(env: dict[str, str]) -> Iterator[StreamlitServer]:
    server = StreamlitServer(env).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def streamlit_server(env: dict[str, str]) -> Iterator[str]:
    """Run `streamlit run app.py` on a free loopback port until the block ends; yields its URL."""
    with streamlit_process(env) as server:
        yield server.url


@contextmanager
def sso_server(env: dict[str, str], secrets_dir: Path) -> Iterator[tuple[StreamlitServer, "OIDCProvider"]]:
    """The app with single sign-on against a real OIDC provider, both on loopback, until the block ends.

    Configured as docs/deployment.md says: an `[auth]` section in a secrets.toml (mode 600) with
    redirect_uri, cookie_secret, client_id, client_secret and server_metadata_url; here the file is
    outside the work tree and named with `--secrets.files`, so no developer's own secrets are read.
    """
    from tests.oidc_provider import OIDCProvider

    port = free_port()
    redirect_uri = f"http://127.0.0.1:{port}/oauth2callback"
    provider = OIDCProvider("motive-test", secrets.token_urlsafe(24), (redirect_uri,)).start()
    path = secrets_dir / "secrets.toml"
    path.write_text("[auth]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in {
        "redirect_uri": redirect_uri,
        "cookie_secret": secrets.token_urlsafe(32),
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "server_metadata_url": f"{provider.issuer}/.well-known/openid-configuration",
    }.items()))
    path.chmod(0o600)
    server = StreamlitServer(env, port=port, args=(f"--secrets.files={path}",))
    try:
        server.start()
        yield server, provider
    finally:
        server.stop()
        provider.stop()


@contextmanager
def chromium_page(width: int = 1400, height: int = 1000):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def sign_in(page, username: str, password: str) -> None:
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
