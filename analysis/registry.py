"""Which motivation model is in use, and loading it once per process.

The store keeps every model version (artifact bytes and metrics), so several app
processes on one PostgreSQL database always use the same active model. A new
database gets the model shipped with the code, trained on the project's corpus.
"""

from __future__ import annotations

import threading

from analysis.motivation import DEFAULT_ARTIFACT, MotivationModel
from data.errors import ConflictError
from data.records import SYSTEM
from data.store import Store

__all__ = ["DEFAULT_ARTIFACT", "ModelCache", "ensure_active_model"]


def ensure_active_model(store: Store) -> str:
    """The active model's version, installing the shipped default if the database has none."""
    version = store.active_model_version()
    if version is not None:
        return version
    data = DEFAULT_ARTIFACT.read_bytes()
    model = MotivationModel.from_bytes(data)
    try:
        store.add_model_version(SYSTEM, model.version, data, metrics=model.meta.get("metrics", {}),
                                notes="Shipped with Motive: trained on the project's labelled corpus.", activate=True,
                                trained_on=())
    except ConflictError:  # another process installed it first, or it exists but was retired
        if store.active_model_version() is None:
            store.activate_model(SYSTEM, model.version)
    return store.active_model_version() or model.version


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
        """The active model; when that changes, the others leave memory (an erasure may have deleted one)."""
        version = ensure_active_model(store)
        if version not in self._models:
            with self._lock:
                for stale in [v for v in self._models if v != version]:
                    del self._models[stale]
        return self.get(store, version)
