"""The two meeting slots a recap proposes when no next step was agreed.

Fifteen deals qualified on one day must not all offer "Wed 10:00 or Thu 14:00": a buyer who
talks to two of our reps, or a rep who gets three yeses, finds the calendar double-booked. The
slots spread over the next working days and the working hours, in half-hour steps, away from the
slots already offered to other open deals, and no pair of slots goes to more than `MAX_SHARED`
deals. The choice is pure and deterministic (no clock, no randomness): the deal and its day decide
where to look first, the slots already taken decide the rest.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from dealcoach.domain.workdays import WorkCalendar
from dealcoach.records import Slot

FIRST_DAY = 2  # working days after the recap: time for the buyer to read it and answer
DAYS = 5  # working days the slots spread over
DAY_STARTS, DAY_ENDS = 9 * 60, 17 * 60  # a slot starts at 9:00 at the earliest, 16:30 at the latest
LUNCH = (12 * 60, 13 * 60)
STEP = 30  # minutes
MAX_SHARED = 3  # deals one pair of slots may go to

STARTS = tuple(
    minute for minute in range(DAY_STARTS, DAY_ENDS, STEP) if not LUNCH[0] <= minute < LUNCH[1]
)


def propose(
    seed: str, after: date, cal: WorkCalendar, taken: Iterable[Sequence[Slot]]
) -> tuple[Slot, Slot]:
    """Two slots on two working days after `after` (the day the recap goes out).

    The least-used slots win; among equals, the order `seed` gives (the deal and its meeting).
    """
    taken = [tuple(pair) for pair in taken]
    used = Counter(slot for pair in taken for slot in pair)
    shared = Counter(_pair(pair) for pair in taken if len(pair) == 2)
    days = sorted({cal.add(after, FIRST_DAY + i) for i in range(DAYS)})
    slots = [Slot(day, minute) for day in days for minute in STARTS]

    rank = {
        slot: (used[slot], zlib.crc32(f"{seed}|{slot.day.toordinal()}|{slot.minute}".encode()))
        for slot in slots
    }
    by_rank = sorted(slots, key=rank.__getitem__)
    full = {pair for pair, count in shared.items() if count >= MAX_SHARED}
    one_day = len(days) == 1  # the calendar's very end: two times on one day

    def later(first: Slot, second: Slot) -> bool:
        after_first = second.day > first.day or (one_day and second.minute > first.minute)
        return after_first and (first, second) not in full

    firsts = [s for s in slots if s.day < days[-1]] or slots[:-1]  # a later day must follow
    pairs = []
    for first in firsts:
        second = next((s for s in by_rank if later(first, s)), None)
        if second is not None:
            pairs.append((first, second))
    every_pair_full = (slots[0], slots[-1])  # past 3 deals on every pair: share the least bad
    return min(
        pairs,
        key=lambda pair: (used[pair[0]] + used[pair[1]], *rank[pair[0]]),
        default=every_pair_full,
    )


def _pair(pair: Sequence[Slot]) -> tuple[Slot, Slot]:
    first, second = sorted(pair)
    return first, second
