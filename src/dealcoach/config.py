"""The rep's settings (config.toml in the data folder): country, home currency, cadences."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dealcoach import paths
from dealcoach.errors import BadInput


class Cadence(BaseModel):
    """How hard one strategy follows up; every value can be changed in config.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first: int = Field(1, ge=0, le=10, description="business days from the meeting to the recap")
    spacing: tuple[int, ...] = Field(
        (5,), min_length=1, description="business days between unanswered touches"
    )
    ceiling: int = Field(
        3, ge=1, le=10, description="unanswered touches before the deal goes quiet"
    )
    other_stakeholder: int = Field(
        0, ge=0, le=3, description="extra touches to another stakeholder"
    )
    check_back_days: int = Field(90, ge=1, le=730, description="nurture check-back, in days")

    @field_validator("spacing")
    @classmethod
    def _positive(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(step < 1 or step > 60 for step in value):
            raise ValueError("each spacing must be 1..60 business days")
        return value


DEFAULT_CADENCES: dict[str, Cadence] = {
    "acceleration": Cadence(first=1, spacing=(2, 3, 5), ceiling=3, check_back_days=42),
    "decision_support": Cadence(first=1, spacing=(5,), ceiling=3, other_stakeholder=1),
    "selectivity": Cadence(first=1, spacing=(3,), ceiling=2),
}

DEFAULT_STALE_DAYS = {"lead": 14, "qualified": 21, "prospect": 30, "opportunity": 45, "closing": 21}


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str = "US"
    home_currency: str = "USD"
    rates: dict[str, Decimal] = Field(default_factory=dict)
    cadence: dict[str, Cadence] = Field(default_factory=lambda: dict(DEFAULT_CADENCES))
    stale_days: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_STALE_DAYS))

    @field_validator("cadence", mode="before")
    @classmethod
    def _merge_cadence(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        merged: dict[str, object] = {}
        for name, default in DEFAULT_CADENCES.items():
            given = value.get(name, {})
            merged[name] = {**default.model_dump(), **given} if isinstance(given, dict) else given
        unknown = set(value) - set(DEFAULT_CADENCES)
        if unknown:
            raise ValueError(f"unknown strategy {sorted(unknown)[0]!r}")
        return merged

    @field_validator("stale_days", mode="before")
    @classmethod
    def _merge_stale(cls, value: object) -> object:
        if isinstance(value, dict):
            return {**DEFAULT_STALE_DAYS, **value}
        return value

    @field_validator("stale_days")
    @classmethod
    def _stale_range(cls, value: dict[str, int]) -> dict[str, int]:
        for stage, days in value.items():
            if not 1 <= days <= 3650:
                raise ValueError(f"{stage}: {days} days; use 1 to 3650")
        return value

    @field_validator("country", "home_currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.strip().upper()

    def in_home(self, value: Decimal | None, currency: str | None) -> Decimal | None:
        """A value in the rep's home currency, or None when it cannot be compared (no rate)."""
        if value is None:
            return None
        currency = currency or self.home_currency
        if currency == self.home_currency:
            return value
        rate = self.rates.get(currency)
        return value * rate if rate is not None else None


def load_settings(path: Path | None = None) -> Settings:
    """The settings from config.toml, or the defaults when there is none."""
    path = path or paths.config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {path}: {exc}; fix or remove the file") from None
    try:
        return Settings.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML ({exc}); fix or remove the file") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadInput(f"{path}: {where}: {first['msg']}; fix or remove the file") from None
