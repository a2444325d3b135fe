"""The plan as a calendar (RFC 5545), through the icalendar library: one VEVENT per follow-up.

The UID is `<id>@dealcoach`, DTSTAMP the follow-up's last change and SEQUENCE its change count,
so a calendar that subscribes to the file updates an event instead of adding a second one; sent
(`done`) and `dropped` follow-ups stay in the file as STATUS:CANCELLED so their events go away.
Pure apart from importing icalendar, which only this path needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dealcoach import __version__

PRODID = f"-//dealcoach//dealcoach {__version__}//EN"
CANCELLED = ("done", "dropped")
SUMMARY_BRING = 90  # characters of `bring` in the title line


def calendar(rows: Iterable[Mapping[str, Any]], *, name: str = "dealcoach follow-ups") -> bytes:
    """The whole calendar as bytes (CRLF lines, folded at 75 octets, as RFC 5545 wants)."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for row in rows:
        cal.add_component(event(row))
    return bytes(cal.to_ical())


def event(row: Mapping[str, Any]) -> Any:
    """One follow-up as an all-day event on the day it is due (its snooze date if later)."""
    from icalendar import Event

    day = when(row)
    changed = date.fromisoformat(str(row["changed"]))
    item = Event()
    item.add("uid", f"{row['id']}@dealcoach")
    item.add("dtstamp", datetime(changed.year, changed.month, changed.day, tzinfo=UTC))
    item.add("dtstart", day)
    item.add("dtend", day + timedelta(days=1))
    item.add("sequence", int(row["sequence"]))
    item.add("summary", summary(row))
    item.add("description", description(row))
    item.add("status", "CANCELLED" if row["status"] in CANCELLED else "CONFIRMED")
    item.add("transp", "TRANSPARENT")  # a reminder, not a meeting: the day stays free
    item.add("categories", ["dealcoach"])
    return item


def when(row: Mapping[str, Any]) -> date:
    due = date.fromisoformat(str(row["due"]))
    snoozed = row.get("snoozed_until")
    if snoozed and row["status"] == "planned":
        return max(due, date.fromisoformat(str(snoozed)))
    return due


def summary(row: Mapping[str, Any]) -> str:
    """What to bring, and for whom: the line a calendar shows."""
    whom = " · ".join(part for part in (row.get("who") or "", row.get("account") or "") if part)
    bring = " ".join(str(row.get("bring") or row.get("purpose") or "follow-up").split())
    if len(bring) > SUMMARY_BRING:
        bring = bring[: SUMMARY_BRING - 1].rstrip() + "…"  # the whole of it is in DESCRIPTION
    return f"Bring: {bring}" + (f" — for {whom}" if whom else "")


def description(row: Mapping[str, Any]) -> str:
    """Purpose, the buyer step it serves, the message outline, and how to mark it sent."""
    lines = [
        f"Bring: {row.get('bring') or '-'}",
        f"Purpose: {str(row.get('purpose') or '').replace('_', ' ')}",
    ]
    if row.get("milestone"):
        dated = f" ({row['milestone_date']})" if row.get("milestone_date") else ""
        lines.append(f"Buyer step: {row['milestone']}{dated}")
    if row.get("channel"):
        lines.append(f"Channel: {row['channel']}")
    if row.get("outline"):
        lines += ["", str(row["outline"])]
    if row["status"] == "planned":
        lines += ["", f"When sent: dealcoach done F{row['id']}"]
    else:
        lines += ["", f"F{row['id']} is {row['status']}."]
    return "\n".join(lines)
