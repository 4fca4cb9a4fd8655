"""Which motivation model is in use, and loading it once per process.

The store keeps every model version (artifact bytes and metrics), so several app
processes on one PostgreSQL database always use the same active model. A new
database gets the model shipped with the code, trained on the project's corpus.
"""

from __future__ import annotations

import threading

from analysis.motivation import MotivationModel
from data.errors import ConflictError
from data.records import SYSTEM
from data.store import Store
from pathlib import Path

DEFAULT_ARTIFACT = Path(__file__).resolve().parent / "models" / "motivation-default.skops"


def ensure_active_model(store: Store) -> str:
    """The active model's version, installing the shipped default if the database has none."""
    version = store.active_model_version()
    if version is not None:
        return version
    data = DEFAULT_ARTIFACT.read_bytes()
    model = MotivationModel.from_bytes(data)
    try:
        store.add_model_version(SYSTEM, model.version, data, metrics=model.meta.get("metrics", {}),
                                notes="Shipped with Motive: trained on the project's labelled corpus.", activate=True)
    except ConflictError:  # another process installed it first, or it exists but was retired
        if store.active_model_version() is None:
            store.activate_model(SYSTEM, model.version)
    return store.active_model_version() or model.version


def active_or_shipped() -> tuple[MotivationModel, str]:
    """The active model of the database MOTIVE_DATABASE_URL names (read only: nothing is created or
    upgraded), or the shipped artifact when there is no database yet or it holds no model."""
    from sqlalchemy.engine import make_url

    from data.errors import StoreError, StoreUnavailable
    from data.settings import Settings

    settings = Settings.from_env()
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    if settings.is_sqlite:
        path = make_url(settings.database_url).database
        if not path or not Path(path).exists():
            return MotivationModel.from_bytes(DEFAULT_ARTIFACT.read_bytes()), "shipped; no database yet"
    store = Store(settings, upgrade=False)
    try:
        version = store.active_model_version()
        if version is None:
            return MotivationModel.from_bytes(DEFAULT_ARTIFACT.read_bytes()), f"shipped; {where} has no active model"
        return MotivationModel.from_bytes(store.model_artifact(version)), f"active model of {where}"
    except StoreUnavailable as exc:  # an unreachable database must not be mistaken for "no model"
        from analysis.motivation import ModelError

        raise ModelError(f"cannot read the active model from {where}: {exc}") from None
    except StoreError:
        raise
    except Exception as exc:  # an unreadable database must not be mistaken for "no model"
        from analysis.motivation import ModelError

        raise ModelError(f"cannot read the active model from {where}: {type(exc).__name__}") from None
    finally:
        store.engine.dispose()


class ModelCache:
    """Loaded models by version; loading is serialised so two sessions never load one model twice."""

    def __init__(self) -> None:
        self._models: dict[str, MotivationModel] = {}
        self._lock = threading.Lock()

    def get(self, store: Store, version: str) -> MotivationModel:
        model = self._models.get(version)
        if model is None:
            with self._lock:
                model = self._models.get(version)
                if model is None:
                    model = MotivationModel.from_bytes(store.model_artifact(version))
                    self._models[version] = model
        return model

    def active(self, store: Store) -> MotivationModel:
        return self.get(store, ensure_active_model(store))
