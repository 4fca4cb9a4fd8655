import subprocess
import sys

import pytest

from data.errors import AccessDenied, AuthError, ConflictError, ValidationError
from data.schema import users
from tests.conftest import PASSWORD, ROOT, make_user


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


def test_repeated_failures_lock_the_account(store, admin):
    for _ in range(store.settings.max_login_failures):
        with pytest.raises(AuthError):
            store.authenticate("admin", "not the password")
    with pytest.raises(AuthError, match="locked"):
        store.authenticate("admin", PASSWORD)


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
    with pytest.raises(AuthError, match="deactivated"):
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
