"""What config.toml may hold, checked by pydantic: loaded only when the rep has such a file."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dealcoach.domain.settings import DEFAULT_CADENCES, DEFAULT_STALE_DAYS, Settings
from dealcoach.domain.settings import Cadence as CadenceSettings
from dealcoach.errors import BadInput
from dealcoach.vocabulary import NumberFormat


class Cadence(BaseModel):  # named as the rep reads it in an error message
    """The bounds of each value; the defaults (`config.DEFAULT_CADENCES`) are merged in first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first: int = Field(ge=0, le=10)
    spacing: tuple[int, ...] = Field(min_length=1)
    ceiling: int = Field(ge=1, le=10)
    other_stakeholder: int = Field(ge=0, le=3)
    check_back_days: int = Field(ge=1, le=730)

    @field_validator("spacing")
    @classmethod
    def _positive(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(step < 1 or step > 60 for step in value):
            raise ValueError("each spacing must be 1..60 business days")
        return value


class SettingsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str = "US"
    home_currency: str = "USD"
    rates: dict[str, Decimal] = Field(default_factory=dict)
    cadence: dict[str, Cadence] = Field(default_factory=dict)
    stale_days: dict[str, int] = Field(default_factory=dict)
    number_format: NumberFormat = NumberFormat.us

    @field_validator("cadence", mode="before")
    @classmethod
    def _merge_cadence(cls, value: object) -> object:
        """A strategy's table overrides the values it names; the others keep their defaults."""
        if not isinstance(value, dict):
            return value
        unknown = set(value) - set(DEFAULT_CADENCES)
        if unknown:
            raise ValueError(f"unknown strategy {sorted(unknown)[0]!r}")
        merged: dict[str, object] = {}
        for name, default in DEFAULT_CADENCES.items():
            given = value.get(name, {})
            merged[name] = {**asdict(default), **given} if isinstance(given, dict) else given
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


def settings_from(data: dict[str, Any], path: Path) -> Settings:
    """The settings a parsed config.toml describes, or one line that names the bad key."""
    try:
        checked = SettingsFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadInput(f"{path}: {where}: {first['msg']}; fix or remove the file") from None
    defaults = Settings()
    return Settings(
        country=checked.country,
        home_currency=checked.home_currency,
        rates=dict(checked.rates),
        cadence={
            name: CadenceSettings(**cadence.model_dump())
            for name, cadence in checked.cadence.items()
        }
        or defaults.cadence,
        stale_days=dict(checked.stale_days) or defaults.stale_days,
        number_format=checked.number_format,
    )
