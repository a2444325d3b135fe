"""Loading the rep's settings from config.toml in the data folder, with a cache of the checked file."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from dealcoach.domain.settings import Cadence, Settings
from dealcoach.errors import BadInput
from dealcoach.home import paths
from dealcoach.vocabulary import NumberFormat

SETTINGS_CACHE = "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """The settings from config.toml, or the defaults when there is none.

    Checking a config.toml needs pydantic (about 100 ms on every command), so the checked
    settings are kept in the data folder's cache, keyed by the file's text and this version of
    dealcoach; an edited file is checked again.
    """
    path = path or paths.config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {path}: {exc}; fix or remove the file") from None
    key = _cache_key(text)
    cached = _read_cached(key)
    if cached is not None:
        return cached
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML ({exc}); fix or remove the file") from None
    except RecursionError:
        raise BadInput(f"{path}: nested too deeply for settings; fix or remove the file") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise BadInput(
            f"{path}: a number longer than 4,300 digits; fix or remove the file"
        ) from None
    from dealcoach.home.config_file import settings_from

    settings = settings_from(data, path)
    _write_cached(key, settings)
    return settings


def _cache_key(text: str) -> str:
    import hashlib

    from dealcoach import __version__

    return hashlib.sha256(f"{__version__}\0{text}".encode()).hexdigest()


def _read_cached(key: str) -> Settings | None:
    from dealcoach.home import cache as data_cache

    document = data_cache.read(SETTINGS_CACHE)
    try:
        if document["key"] != key:
            return None
        kept = document["settings"]
        return Settings(
            country=kept["country"],
            home_currency=kept["home_currency"],
            rates={code: Decimal(rate) for code, rate in kept["rates"].items()},
            cadence={
                name: Cadence(**{**values, "spacing": tuple(values["spacing"])})
                for name, values in kept["cadence"].items()
            },
            stale_days=dict(kept["stale_days"]),
            number_format=NumberFormat(kept["number_format"]),
        )
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return None  # no cache, another file's, or damaged: check the file again


def _write_cached(key: str, settings: Settings) -> None:
    """Best effort: without a writable data folder the next command checks the file again."""
    from dataclasses import asdict

    from dealcoach.home import cache as data_cache

    kept = asdict(settings)
    kept["rates"] = {code: str(rate) for code, rate in settings.rates.items()}
    kept["number_format"] = settings.number_format.value
    data_cache.write(SETTINGS_CACHE, {"key": key, "settings": kept})
