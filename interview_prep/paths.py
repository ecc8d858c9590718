"""Where prep keeps the user's files: progress in the data folder, the bank index in the cache folder."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "PREP_HOME"


def default_data_dir() -> Path:
    import platformdirs  # only commands that touch user files pay for it

    return Path(platformdirs.user_data_dir("prep"))


def resolve_data_dir(override: Path | None = None) -> Path:
    """The data folder: `override`, else $PREP_HOME, else the platform default."""
    if override is not None:
        return Path(override).expanduser()
    from_environment = os.environ.get(HOME_ENV)
    if from_environment:
        return Path(from_environment).expanduser()
    return default_data_dir()


def cache_dir(data_dir: Path | None = None) -> Path:
    """Where the bank index lives: the user cache folder, or `cache` under PREP_HOME / --data-dir."""
    if data_dir is not None or os.environ.get(HOME_ENV):
        return resolve_data_dir(data_dir) / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("prep"))


def config_dir() -> Path:
    """Where settings live (the examiner's): the user config folder, or `config` under PREP_HOME."""
    from_environment = os.environ.get(HOME_ENV)
    if from_environment:
        return Path(from_environment).expanduser() / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir("prep"))
