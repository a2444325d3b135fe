"""When a snoozed follow-up comes back: `--for` counts from the later of today and the day it would
come due, the snooze ends on a working day, and a snooze that would not move it is refused."""

from __future__ import annotations

from datetime import date

from dealcoach.dates import parse_duration
from dealcoach.domain.workdays import WorkCalendar
from dealcoach.errors import BadInput


def snoozed_until(
    due: date,
    today: date,
    cal: WorkCalendar,
    *,
    until: date | None = None,
    span: str = "",
    what: str = "the follow-up",
) -> date:
    """The day the follow-up due on `due` (its snooze counted) comes back.

    `until` is the date the rep named; otherwise `span` (`2w`) counts from the later of today
    and `due`, so that a week more is always a week later than it would have been.
    """
    day = cal.on_or_after(
        until if until is not None else later_than_today(max(today, due), span, today)
    )
    if day <= due:
        raise BadInput(
            f"{what} is due {due:%a %Y-%m-%d}, not before {day:%a %Y-%m-%d};"
            " give a later date or --for a span"
        )
    return day


def later_than_today(start: date, span: str, today: date) -> date:
    """`--for 2w` from `start`; the day must be after today."""
    day = parse_duration(span, start)
    if day <= today:
        raise BadInput(
            f"{day.isoformat()} is not after today ({today.isoformat()}); give a later date"
        )
    return day
