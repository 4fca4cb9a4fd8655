import hashlib
import json
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from data import passwords
from data.errors import AccessDenied, AuthError, ConflictError, ValidationError
from data.schema import audit_log, users
from data.store import accounts, base
from tests.conftest import PASSWORD, ROOT, app_as, make_user
from ui.state import Keys

ATTACKER, OFFICE, HOTEL = "203.0.113.66", "198.51.100.7", "192.0.2.44"


def test_password_is_stored_salted_and_slow(store, admin):
    with store.reading() as conn:
        stored = conn.execute(users.select().where(users.c.id == admin.id)).first().password_hash
    assert PASSWORD not in stored and stored.startswith("bcrypt-sha256$$2b$")
    other = make_user(store, "twin", "hr")
    with store.reading() as conn:
        assert conn.execute(users.select().where(users.c.id == other.id)).first().password_hash != stored


def test_right_password_signs_in_and_wrong_one_does_not(store, admin):
    assert store.authenticate("ADMIN", PASSWORD).id == admin.id
    with pytest.raises(AuthError, match="Unknown username or wrong password"):
        store.authenticate("admin", "wrong password!!")
    with pytest.raises(AuthError, match="Unknown username or wrong password"):
        store.authenticate("nobody", PASSWORD)


class Clock:
    """Moves the store's clock (audit entries included) forward without waiting."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = timedelta()
        real = base.utcnow
        for module in (base, accounts):
            monkeypatch.setattr(module, "utcnow", lambda: real() + self.offset)

    def advance(self, minutes: int) -> None:
        self.offset += timedelta(minutes=minutes)


def _guess(store, username: str, source: str | None, times: int, password: str = "not the password") -> None:
    for _ in range(times):
        with pytest.raises(AuthError, match="Unknown username or wrong password"):
            store.authenticate(username, password, source=source)


def test_repeated_failures_pause_sign_in_from_that_address_only(store, admin, monkeypatch):
    clock = Clock(monkeypatch)
    _guess(store, "admin", ATTACKER, store.settings.max_login_failures)
    _guess(store, "admin", ATTACKER, 1, password=PASSWORD)  # even the right password, while paused
    assert store.authenticate("admin", PASSWORD, source=OFFICE).id == admin.id
    clock.advance(store.settings.lockout_minutes + 1)
    assert store.authenticate("admin", PASSWORD, source=ATTACKER).id == admin.id


def test_an_attackers_five_guesses_every_fifteen_minutes_never_stop_the_real_admin(store, admin, monkeypatch):
    clock = Clock(monkeypatch)
    for _ in range(8):  # two hours of it
        _guess(store, "admin", ATTACKER, store.settings.max_login_failures)
        assert store.authenticate("admin", PASSWORD, source=OFFICE).id == admin.id
        assert store.sign_in_pauses(admin)[admin.id].sources == 1  # the attacker's address, paused again
        clock.advance(store.settings.lockout_minutes)


def test_guesses_from_many_addresses_pause_only_addresses_the_account_never_signed_in_from(store, admin, monkeypatch):
    Clock(monkeypatch)
    store.authenticate("admin", PASSWORD, source=OFFICE)
    for i in range(accounts.ACCOUNT_FACTOR * store.settings.max_login_failures):
        _guess(store, "admin", f"203.0.113.{i}", 1)
    _guess(store, "admin", HOTEL, 1, password=PASSWORD)
    assert store.authenticate("admin", PASSWORD, source=OFFICE).id == admin.id
    # Signing in from the office restarts only the office's count: new addresses stay paused.
    _guess(store, "admin", HOTEL, 1, password=PASSWORD)
    assert store.sign_in_pauses(admin)[admin.id].new_sources
    store.lift_sign_in_pause(admin, admin.id)
    assert store.authenticate("admin", PASSWORD, source=HOTEL).id == admin.id


def test_every_refused_sign_in_gets_the_same_answer_after_the_same_password_check(store, admin, interviewer,
                                                                                 monkeypatch):
    """Unknown, wrong, paused and deactivated-with-the-right-password cost one bcrypt check of one cost each."""
    checks: list[str] = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda pw, stored: checks.append(stored[:21]) or real(pw, stored))
    _guess(store, "admin", ATTACKER, store.settings.max_login_failures)
    store.set_active(admin, interviewer.id, False)
    answers = []
    for username, password, source in [("nobody", PASSWORD, OFFICE), ("admin", "wrong password!!", OFFICE),
                                       ("admin", PASSWORD, ATTACKER), ("ivan", PASSWORD, OFFICE)]:
        checks.clear()
        with pytest.raises(AuthError) as refused:
            store.authenticate(username, password, source=source)
        answers.append(str(refused.value))
        assert len(checks) == 1 and checks[0].startswith("bcrypt-sha256$$2b$04$"), (username, source, checks)
    assert len(set(answers)) == 1 and "deactivated" not in answers[0] and "locked" not in answers[0]


def test_a_failed_sign_in_keeps_an_unknown_username_only_as_a_keyed_hash(store, admin):
    typed = "Tr0ub4dor&3-in-the-wrong-box"
    for attempt in (typed, typed, "someone else", "ADMIN"):
        with pytest.raises(AuthError):
            store.authenticate(attempt, "wrong password!!", source=OFFICE)
    with store.reading() as conn:
        rows = conn.execute(select(audit_log.c.detail).where(audit_log.c.action == "auth.sign_in_failed")
                            .order_by(audit_log.c.id)).scalars().all()
    assert typed.lower() not in json.dumps(rows).lower() and "someone else" not in json.dumps(rows)
    first, again, other, known = (json.loads(r) for r in rows)
    assert "username" not in first and first["username_hmac"] == again["username_hmac"] != other["username_hmac"]
    plain = {hashlib.sha256(f"username:{typed.lower()}".encode()).hexdigest()[:16],
             hashlib.sha256(typed.lower().encode()).hexdigest()[:16]}
    assert first["username_hmac"] not in plain  # keyed: a dictionary of guesses cannot reverse it
    assert known["username"] == "admin" and "username_hmac" not in known
    assert OFFICE not in json.dumps(rows) and first["source"] == known["source"]  # the address, also keyed


def test_the_users_page_lifts_a_pause_on_sign_in(store, admin, interviewer):
    _guess(store, "ivan", ATTACKER, store.settings.max_login_failures)
    at = app_as(store, admin, "ui/pages/users.py")
    at.selectbox(key=Keys.USR_PICK).select(interviewer.id).run()
    assert not at.exception
    at.button(key=Keys.USR_UNPAUSE).click().run()
    assert not at.exception and interviewer.id not in store.sign_in_pauses(admin)
    assert store.authenticate("ivan", PASSWORD, source=ATTACKER).id == interviewer.id
    lifted = store.audit_entries(admin, action="user.sign_in_unlocked")[0][0]
    assert (lifted.actor, lifted.entity_id, lifted.detail["sources"]) == ("admin", interviewer.id, 1)


def test_the_only_administrator_paused_everywhere_gets_back_in_through_the_command_line(db_url, store, admin):
    for i in range(accounts.ACCOUNT_FACTOR * store.settings.max_login_failures):
        _guess(store, "admin", f"203.0.113.{i}", 1)
    _guess(store, "admin", None, store.settings.max_login_failures)  # and from the admin's own machine
    _guess(store, "admin", None, 1, password=PASSWORD)
    _guess(store, "admin", HOTEL, 1, password=PASSWORD)
    done = subprocess.run([sys.executable, "-m", "motive", "users", "unlock", "ADMIN"], cwd=ROOT,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 0 and "admin can sign in again" in done.stdout, done.stderr
    assert store.authenticate("admin", PASSWORD).id == admin.id
    assert store.authenticate("admin", PASSWORD, source=HOTEL).id == admin.id
    assert store.audit_entries(admin, action="user.sign_in_unlocked")[0][0].actor == "command line"


def test_first_admin_only_once(store, admin):
    with pytest.raises(ConflictError):
        store.bootstrap_admin("second", PASSWORD)


def test_short_password_is_refused(store, admin):
    with pytest.raises(ValidationError, match="at least 12"):
        store.create_user("bob", "short", "hr", actor=admin)


def test_only_admins_manage_accounts(store, admin, interviewer):
    with pytest.raises(AccessDenied):
        store.create_user("bob", PASSWORD, "admin", actor=interviewer)
    with pytest.raises(AccessDenied):
        store.set_role(interviewer, interviewer.id, "admin")


def test_last_admin_cannot_be_demoted_or_deactivated(store, admin):
    with pytest.raises(ConflictError, match="last active administrator"):
        store.set_role(admin, admin.id, "hr")
    with pytest.raises(ConflictError):
        store.set_active(admin, admin.id, False)


def test_session_survives_until_signed_out(store, admin):
    token = store.create_session(admin)
    assert store.user_for_session(token).id == admin.id
    store.end_session(token)
    with pytest.raises(AuthError):
        store.user_for_session(token)


def test_changing_password_ends_other_sessions(store, admin):
    here, elsewhere = store.create_session(admin), store.create_session(admin)
    store.change_password(admin, PASSWORD, "a brand new passphrase", keep_token=here)
    assert store.user_for_session(here).id == admin.id
    with pytest.raises(AuthError):
        store.user_for_session(elsewhere)


def test_deactivated_user_loses_sessions_and_sign_in(store, admin, interviewer):
    token = store.create_session(interviewer)
    store.set_active(admin, interviewer.id, False)
    with pytest.raises(AuthError):
        store.user_for_session(token)
    with pytest.raises(AuthError, match="Unknown username or wrong password"):  # the password stays a secret
        store.authenticate("ivan", PASSWORD)


def _cli(*args, env):
    return subprocess.run([sys.executable, "-m", "data.users", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)


def test_command_line_creates_an_account_from_the_environment(db_url, store, monkeypatch):
    import os

    env = {**os.environ, "MOTIVE_PASSWORD": "from the environment"}
    done = _cli("add", "carol", "--role", "recruiter", env=env)
    assert done.returncode == 0, done.stderr
    assert store.authenticate("carol", "from the environment").role == "recruiter"


def test_command_line_without_password_fails_clearly(db_url, store):
    import os

    env = {k: v for k, v in os.environ.items() if k != "MOTIVE_PASSWORD"}
    done = _cli("add", "dave", "--role", "hr", env=env)
    assert done.returncode == 1 and "MOTIVE_PASSWORD" in done.stderr


def test_the_sign_in_source_is_the_proxys_last_entry_only_when_a_header_is_configured(monkeypatch):
    from types import SimpleNamespace

    import ui.auth

    headers = {"X-Forwarded-For": f"{OFFICE}, {ATTACKER}"}  # the client wrote the first, our proxy the last
    monkeypatch.setattr(ui.auth, "st", SimpleNamespace(context=SimpleNamespace(headers=headers, ip_address=HOTEL)))
    assert ui.auth.client_address("X-Forwarded-For") == ATTACKER
    assert ui.auth.client_address(None) == HOTEL
    assert ui.auth.client_address("X-Real-IP") == HOTEL  # configured but absent: the connection's address


def test_a_new_password_from_an_administrator_lifts_the_pause(store, admin, interviewer):
    _guess(store, "ivan", None, store.settings.max_login_failures)
    store.reset_password(admin, interviewer.id, "a fresh long passphrase")
    assert store.authenticate("ivan", "a fresh long passphrase").id == interviewer.id
