"""Every @st.cache_resource factory: configuration in, long-lived object out."""

from __future__ import annotations

import streamlit as st

from data.settings import Settings
from data.store import Store
from analysis.motivation import MotivationModel
from analysis.registry import ModelCache
from rubric import Rubric, load_kits


def settings() -> Settings:
    """Read on every run (cheap), so a bad value fails on start-up, naming the key."""
    return Settings.from_env()


@st.cache_resource(show_spinner=False)
def store(config: Settings) -> Store:
    """One store (and connection pool) per database for the whole server process."""
    return Store(config)


@st.cache_resource(show_spinner=False)
def kits(config: Settings) -> dict[str, Rubric]:
    return load_kits(config.kits_dir)


@st.cache_resource(show_spinner=False)
def model_cache(config: Settings) -> ModelCache:
    return ModelCache()


def motivation_model(config: Settings) -> MotivationModel:
    """The active model (loaded once per process, per version)."""
    return model_cache(config).active(store(config))


@st.cache_resource(show_spinner=False, ttl=6 * 3600)
def retention_pass(config: Settings) -> int:
    """Anonymise candidates past their position's retention period: on start, then at most every six hours.

    The scheduled `python -m data.retention` does the same for deployments that sleep.
    """
    return store(config).apply_retention().total
