"""Reading an amount as a rep writes it: `48000`, `48,000.50`, `1.234,56`, `48.000`.

With both a comma and a dot, the last one is the decimal mark and the other groups thousands.
With one separator followed by exactly three digits, the rep's `number_format` decides (`us`:
comma groups thousands; `eu`: dot groups thousands). One mark repeated can only group. Anything
else that is not a plain number is refused with the forms that work, so a value is never stored
a thousand times too small. Standard library only: the answers schema and the interview share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dealcoach.vocabulary import NumberFormat

_GROUPED = {mark: re.compile(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+") for mark in ",."}
_THREE_AFTER_DOT = re.compile(r"\d+\.\d{3}")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class AmountError(ValueError):
    """An amount that cannot be read without guessing; the message lists the forms that work."""


@dataclass(frozen=True)
class Amount:
    value: Decimal
    interpreted: bool  # separators were read (grouping or a comma decimal mark): echo the value


def forms(number_format: NumberFormat) -> str:
    """The forms that work, for a refusal."""
    grouped = "48,000" if number_format == NumberFormat.us else "48.000"
    return (
        f"expected an amount such as 48000, 48000.50, {grouped}, 48,000.50 or 48.000,50 "
        f"(1.234,56 is 1234.56; number_format in config.toml is {number_format.value})"
    )


def read_amount(text: str, number_format: NumberFormat = NumberFormat.us) -> Amount:
    """The amount `text` stands for, or AmountError."""
    written = text.strip()
    commas, dots = written.count(","), written.count(".")
    plain = not commas and (dots == 0 or not _THREE_AFTER_DOT.fullmatch(written))
    if plain and _PLAIN.fullmatch(written):
        return Amount(_decimal(written, number_format), interpreted=False)
    if commas and dots:
        mark = "," if written.rfind(",") > written.rfind(".") else "."
        group = "." if mark == "," else ","
        whole, _, cents = written.rpartition(mark)
        if group in cents or mark in whole or not cents.isdigit() or not _groups(whole, group):
            raise AmountError(forms(number_format))
        return Amount(_decimal(f"{whole.replace(group, '')}.{cents}", number_format), True)
    mark = "," if commas else "."
    count = commas or dots
    if count > 1:
        if not _groups(written, mark):
            raise AmountError(forms(number_format))
        return Amount(_decimal(written.replace(mark, ""), number_format), True)
    whole, _, after = written.partition(mark)
    if len(after) != 3 or not after.isdigit() or not whole.isdigit():
        raise AmountError(forms(number_format))
    groups_with = "," if number_format == NumberFormat.us else "."
    if mark == groups_with:
        if not _groups(written, mark):
            raise AmountError(forms(number_format))
        return Amount(_decimal(whole + after, number_format), True)
    return Amount(_decimal(f"{whole}.{after}", number_format), True)


def _groups(text: str, mark: str) -> bool:
    """`1,234,567` with `,`: one to three digits, then groups of exactly three."""
    return _GROUPED[mark].fullmatch(text) is not None


def _decimal(text: str, number_format: NumberFormat) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise AmountError(forms(number_format)) from None
