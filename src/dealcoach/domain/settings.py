"""The rep's settings as plain data: country, home currency, exchange rates, cadences, stale days.

The domain reads them and never where they come from; `home/config.py` loads them from config.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from dealcoach.vocabulary import NumberFormat


@dataclass(frozen=True)
class Cadence:
    """How hard one strategy follows up; every value can be changed in config.toml.

    The bounds of each value are checked where config.toml is read (`home/config_file.py`).
    """

    first: int = 1  # business days from the meeting to the recap
    spacing: tuple[int, ...] = (5,)  # business days between unanswered touches
    ceiling: int = 3  # unanswered touches before the deal goes quiet
    other_stakeholder: int = 0  # extra touches to another stakeholder
    check_back_days: int = 90  # nurture check-back, in days


DEFAULT_CADENCES: dict[str, Cadence] = {
    "acceleration": Cadence(first=1, spacing=(2, 3, 5), ceiling=3, check_back_days=42),
    "decision_support": Cadence(first=1, spacing=(5,), ceiling=3, other_stakeholder=1),
    "selectivity": Cadence(first=1, spacing=(3,), ceiling=2),
}

DEFAULT_STALE_DAYS = {"lead": 14, "qualified": 21, "prospect": 30, "opportunity": 45, "closing": 21}


@dataclass(frozen=True)
class Settings:
    """The rep's settings; a plain record so that a day without config.toml never loads pydantic."""

    country: str = "US"
    home_currency: str = "USD"
    rates: dict[str, Decimal] = field(default_factory=dict)
    cadence: dict[str, Cadence] = field(default_factory=lambda: dict(DEFAULT_CADENCES))
    stale_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_STALE_DAYS))
    number_format: NumberFormat = NumberFormat.us  # which mark groups thousands in `48,000`

    def in_home(self, value: Decimal | None, currency: str | None) -> Decimal | None:
        """A value in the rep's home currency, or None when it cannot be compared (no rate)."""
        if value is None:
            return None
        currency = currency or self.home_currency
        if currency == self.home_currency:
            return value
        rate = self.rates.get(currency)
        return value * rate if rate is not None else None
