"""How raw features become levels, learned from the training rows alone.

A text feature is a category when training shows at most 30 distinct values; a number is cut into
up to 5 bins at the training data's quantiles, each bin holding enough deals to say something. A
feature that reads the same on every deal says nothing and is left out, with the reason. Every
feature has an unknown level, for None and for values the training never saw.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from dealcoach.learn.facts import FIELD_PREFIX
from dealcoach.learn.model import number_text

__all__ = [
    "MAX_BINS",
    "MAX_CATEGORIES",
    "Code",
    "Encoding",
    "amount_text",
    "learn_encoding",
]

Raw = str | float | None
MAX_CATEGORIES = 30  # more distinct values than this: an id or free text, not a category
MAX_BINS = 5
MIN_BIN_DEALS = 5  # and at least 5 % of the known values: fewer says nothing about a bin
MIN_BIN_SHARE = 0.05


@dataclass(frozen=True)
class Code:
    """One kept feature: its levels (a category's values, or a number's bins in words)."""

    name: str
    kind: str  # category | number
    levels: tuple[str, ...]
    edges: tuple[float, ...] = ()  # numbers: bin i holds edges[i-1] <= x < edges[i]
    _index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {v: i for i, v in enumerate(self.levels)})

    @property
    def unknown(self) -> int:
        """The index of the unknown level: after the known ones."""
        return len(self.levels)

    def level(self, raw: Raw) -> int:
        """The level index of a raw value."""
        if raw is None:
            return self.unknown
        if self.kind == "number":
            if not _is_number(raw) or _nan(raw):
                return self.unknown
            return bisect_right(self.edges, float(raw))  # type: ignore[arg-type]
        key = raw if isinstance(raw, str) else number_text(float(raw))
        return self._index.get(key, self.unknown)


@dataclass(frozen=True)
class Encoding:
    """The kept features in order, and the ones left out with the reason."""

    codes: tuple[Code, ...]
    left_out: tuple[tuple[str, str], ...] = ()

    def levels(self, rows: Iterable[Mapping[str, Raw]]) -> list[list[int]]:
        """Each row's level index per kept feature."""
        codes = self.codes
        return [[c.level(row.get(c.name)) for c in codes] for row in rows]

    def without(self, names: Mapping[str, str]) -> Encoding:
        """The same encoding with more features left out, each with its reason."""
        kept = tuple(c for c in self.codes if c.name not in names)
        return Encoding(kept, self.left_out + tuple(names.items()))


def learn_encoding(rows: Sequence[Mapping[str, Raw]]) -> Encoding:
    """The encoding the training rows support, features in name order (built-ins first)."""
    names = sorted({n for row in rows for n in row}, key=lambda n: (n.startswith(FIELD_PREFIX), n))
    codes: list[Code] = []
    left_out: list[tuple[str, str]] = []
    for name in names:
        values = [row.get(name) for row in rows]
        code, why = _code(name, values)
        if code is None:
            left_out.append((name, why))
        else:
            codes.append(code)
    return Encoding(tuple(codes), tuple(left_out))


def _code(name: str, values: list[Raw]) -> tuple[Code | None, str]:
    known = [v for v in values if v is not None and not (_is_number(v) and _nan(v))]
    numbers = [float(v) for v in known if _is_number(v)]  # type: ignore[arg-type]
    missing = len(values) - len(known)
    if not known or (len(set(known)) == 1 and not missing):
        return None, "the same on every deal"
    if len(numbers) * 2 > len(known):  # mostly numbers: the odd text cell is unknown
        return _number_code(name, numbers, missing)
    texts = [v if isinstance(v, str) else number_text(float(v)) for v in known]
    counted = Counter(texts)
    if len(counted) > MAX_CATEGORIES:
        return None, f"too many values ({len(counted)})"
    levels = tuple(sorted(counted, key=lambda v: (-counted[v], v)))
    return Code(name, "category", levels), ""


def _number_code(name: str, numbers: list[float], missing: int) -> tuple[Code | None, str]:
    numbers.sort()
    edges = _edges(numbers)
    if not edges and not missing:
        return None, "too few deals differ"
    integer = all(x == int(x) for x in numbers)
    bounds = [None, *edges, None]
    words = tuple(bin_text(name, low, high, integer=integer) for low, high in pairwise(bounds))
    return Code(name, "number", words, tuple(edges)), ""


def _edges(numbers: list[float]) -> list[float]:
    """Cut points at the quantiles, merged until every bin holds enough deals."""
    n = len(numbers)
    least = max(MIN_BIN_DEALS, math.ceil(MIN_BIN_SHARE * n))
    edges = sorted({numbers[(n * k) // MAX_BINS] for k in range(1, MAX_BINS)} - {numbers[0]})
    while edges:
        cuts = [0, *(_rank(numbers, e) for e in edges), n]
        sizes = [b - a for a, b in pairwise(cuts)]
        smallest = min(range(len(sizes)), key=lambda i: (sizes[i], i))
        if sizes[smallest] >= least:
            break
        # merge the smallest bin into its smaller neighbour by dropping the edge between them
        if smallest == 0:
            drop = 0
        elif smallest == len(sizes) - 1:
            drop = smallest - 1
        else:
            drop = smallest - 1 if sizes[smallest - 1] <= sizes[smallest + 1] else smallest
        del edges[drop]
    return edges


def _rank(numbers: list[float], edge: float) -> int:
    """How many sorted numbers fall below an edge (one equal to it belongs to the bin above)."""
    return bisect_left(numbers, edge)


def bin_text(name: str, low: float | None, high: float | None, *, integer: bool) -> str:
    """A bin in a rep's words: `under 50,000`, `50,000–120,000`, `3 or more`."""
    if name == "value":  # log10(1 + amount): back to an amount
        show = amount_text
        low = None if low is None else 10**low - 1
        high = None if high is None else 10**high - 1
        integer = False
    else:
        show = _plain
    if low is None and high is None:
        return "any"
    if low is None:
        return f"under {show(high)}"  # type: ignore[arg-type]
    if high is None:
        return f"{show(low)} or more"
    if integer:
        top = math.ceil(high) - 1
        return show(low) if top <= low else f"{show(low)}–{show(top)}"
    return f"{show(low)}–{show(high)}"


def amount_text(amount: float) -> str:
    """An amount rounded to two significant figures, with thousands separators."""
    if amount <= 0:
        return "0"
    rounded = float(f"{amount:.2g}")
    return f"{rounded:,.0f}" if rounded >= 1 else f"{rounded:g}"


def _plain(number: float) -> str:
    if number == int(number):
        return f"{int(number):,}"
    return f"{float(f'{number:.3g}'):,g}"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _nan(value: Raw) -> bool:
    return not math.isfinite(float(value))  # type: ignore[arg-type]
