import pytest

from data.settings import Settings, SettingsError


def test_defaults_use_an_sqlite_file_under_data():
    s = Settings.from_env({})
    assert s.is_sqlite and s.database_url.endswith("data/motive.db")


def test_unknown_motive_setting_fails_and_names_it():
    with pytest.raises(SettingsError, match="MOTIVE_DATABSE_URL"):
        Settings.from_env({"MOTIVE_DATABSE_URL": "sqlite://"})


@pytest.mark.parametrize(
    "env, key",
    [
        ({"MOTIVE_SESSION_HOURS": "forever"}, "MOTIVE_SESSION_HOURS"),
        ({"MOTIVE_SESSION_HOURS": "0"}, "MOTIVE_SESSION_HOURS"),
        ({"MOTIVE_DATABASE_URL": "motive.db"}, "MOTIVE_DATABASE_URL"),
        ({"MOTIVE_DATABASE_URL": "mysql://x/y"}, "MOTIVE_DATABASE_URL"),
        ({"MOTIVE_SQLITE_SYNCHRONOUS": "OFF"}, "MOTIVE_SQLITE_SYNCHRONOUS"),
        ({"MOTIVE_CLIENT_ADDRESS_HEADER": "X-Forwarded-For: 10.0.0.1"}, "MOTIVE_CLIENT_ADDRESS_HEADER"),
    ],
)
def test_malformed_setting_fails_and_names_the_key(env, key):
    with pytest.raises(SettingsError, match=key):
        Settings.from_env(env)


def test_every_setting_is_in_the_readmes_configuration_table():
    from pathlib import Path

    from data.settings import _KNOWN

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for key in _KNOWN:
        assert f"| `{key}` |" in readme, f"README.md's configuration table does not list {key}"
