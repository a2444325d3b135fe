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

    def rank(slot: Slot) -> tuple[int, int]:
        mark = f"{seed}|{slot.day.toordinal()}|{slot.minute}".encode()
        return used[slot], zlib.crc32(mark)

    firsts = [s for s in slots if s.day < days[-1]] or slots[:-1]  # a later day must follow
    first = min(firsts, key=rank)
    seconds = [
        s
        for s in slots
        if (s.day > first.day or (len(days) == 1 and s.minute > first.minute))
        and shared[(first, s)] < MAX_SHARED
    ]
    return first, min(seconds, key=rank)


def _pair(pair: Sequence[Slot]) -> tuple[Slot, Slot]:
    first, second = sorted(pair)
    return first, second
