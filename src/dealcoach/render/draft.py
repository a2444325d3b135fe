"""The message `dealcoach draft` prints: plain text, ready to paste into a mail client and edit."""

from __future__ import annotations

from datetime import date

from dealcoach.render.text import clean
from dealcoach.render.views import DraftView


def draft_text(view: DraftView, today: date | None = None) -> str:
    """Greeting, the deliverable, the buyer step it serves, the one question; no markup.

    User text has its control characters escaped (`clean`), so a pasted name cannot carry a
    terminal escape into the rep's mail.
    """
    first = view.who.split()[0] if view.who.strip() else ""
    greeting = f"Hi {clean(first)}," if first[:1].isupper() else "Hi,"
    bring = clean(view.bring).strip().rstrip(".")
    items = [item.strip() for item in bring.split("; ") if item.strip()]
    if len(items) > 1:  # a recap brings several things: one line each, easy to edit
        body = [f"- {item[:1].upper()}{item[1:]}" for item in items]
    else:
        body = [f"{bring[:1].upper()}{bring[1:]}." if bring else ""]
    parts = [greeting, "", *body]
    if view.milestone:
        when = ""
        if view.milestone_date is not None:
            same_year = today is None or view.milestone_date.year == today.year
            when = view.milestone_date.strftime(" on %a %b %d" if same_year else " on %a %b %d %Y")
        step = f"This is for your {clean(view.milestone)}{when}."
        if step.lower().removesuffix(".") not in bring.lower():
            parts += ["", step]
    parts += ["", clean(view.question), "", "Best regards,"]
    return "\n".join(line.rstrip() for line in parts) + "\n"
