"""`qualify`: the answers (from a file, or from the interview on the terminal) stored, the deal
planned and judged in the same write, the draft discarded once it is safe.

The questions are asked by an `Interviewer` the command hands in (`dealcoach.prompts`), loaded only
when there is an interview to run, so this module imports no terminal library (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dealcoach.answers.schema import Answers
    from dealcoach.domain.workdays import WorkCalendar
    from dealcoach.records import Outcome
    from dealcoach.store.connection import Row
    from dealcoach.store.store import Store
    from dealcoach.workflow.context import Context


class Interviewer(Protocol):
    """The terminal side of the interview; `dealcoach.prompts` is one."""

    def has_terminal(self) -> bool: ...

    def offer_resume(self, draft: Mapping[str, Any]) -> bool: ...

    def run_interview(
        self,
        *,
        today: date,
        prefill: Mapping[str, Any] | None,
        draft: Mapping[str, Any] | None,
        quick: bool,
        save_draft: Callable[[dict[str, Any]], None],
        number_format: str,
        calendar: WorkCalendar | None = None,
    ) -> dict[str, Any]: ...


class Notes(Protocol):
    """What the rep is told on the way, before the result (on stderr)."""

    def same_account(self, account: str, deal_ids: list[int]) -> None: ...

    def reopened(self, deal_id: int) -> None: ...

    def read_as(self, text: str) -> None: ...

    def odd_date(self, text: str) -> None: ...


@dataclass(frozen=True)
class Qualified:
    """The deal as stored after the interview, its new plan and verdict, and the answers."""

    deal: Row
    outcome: Outcome
    answers: Answers
    interactive: bool  # the answers came from the interview (its screen goes to stderr with --json)


def qualify(
    ctx: Context,
    deal: str | None,
    *,
    quick: bool,
    resume: bool,
    answers: str | None,
    interviewer: Callable[[], Interviewer],
    notes: Notes,
) -> Qualified:
    """Qualify a new deal (`deal` None) or re-qualify one; a closed deal is reopened."""
    from dealcoach.answers import file as answers_file
    from dealcoach.errors import BadInput
    from dealcoach.workflow.replan import replan

    today = ctx.today
    settings = ctx.settings
    if answers is not None and (quick or resume):
        raise BadInput("--answers replaces the interview; drop --quick and --resume")
    with ctx.open_store() as store:
        deal_id = store.deals.resolve(deal) if deal else None
        if answers is not None:
            parsed = answers_file.load(answers, today, settings.number_format, note=notes.read_as)
            kind, draft_key = "answers", None
            _note_odd_dates(ctx, parsed, notes)
            if deal_id is None:
                same = store.deals.named(parsed.deal.account)
                if same:
                    notes.same_account(parsed.deal.account, [row["id"] for row in same])
        else:
            parsed, kind, draft_key, deal_id = _interview(
                store,
                interviewer(),
                deal_id,
                today,
                quick,
                resume,
                settings.home_currency,
                settings.number_format,
                ctx.calendar,
            )
        if parsed.deal.currency is None:
            parsed.deal.currency = settings.home_currency
        with store.db.write():
            if deal_id is not None and store.deals.get(deal_id)["status"] != "open":
                from dealcoach.workflow.relearn import refresh

                store.deals.reopen(deal_id)
                refresh(ctx, store)  # one closed deal fewer to learn from
                notes.reopened(deal_id)
            deal_id = store.interviews.save(parsed, today=today, kind=kind, deal_id=deal_id)
            outcome = replan(store, deal_id, today, settings, ctx.calendar)
        from dealcoach.workflow.learning import odds, with_odds

        row = with_odds(store.deals.get(deal_id), odds(store))
    if draft_key is not None:
        from dealcoach.home import drafts

        drafts.discard(draft_key)
    return Qualified(row, outcome, parsed, interactive=draft_key is not None)


def _note_odd_dates(ctx: Context, parsed: Answers, notes: Notes) -> None:
    """A step or next step dated on a day off, after the decision date or over a year away: kept,
    with a note, as the interview echoes it."""
    from dealcoach.domain.date_checks import warning_line, warnings

    decision = parsed.when.decision_date
    dated = [(f"step {step.step!r}", step.date) for step in parsed.what]
    dated.append(("next step", parsed.next_step.date))
    for label, day in dated:
        if day is None:
            continue
        found = warnings(day, today=ctx.today, decision_date=decision, cal=ctx.calendar)
        if found:
            notes.odd_date(f"{label} on {day:%a} {day.isoformat()}: {warning_line(found)}")


def _interview(
    store: Store,
    asker: Interviewer,
    deal_id: int | None,
    today: date,
    quick: bool,
    resume: bool,
    currency: str,
    number_format: str,
    calendar: WorkCalendar,
) -> tuple[Answers, str, str, int | None]:
    """Ask the questions; Ctrl-C keeps the draft and exits 130."""
    from dealcoach.answers import file as answers_file
    from dealcoach.errors import BadInput, Interrupted
    from dealcoach.home import drafts

    if not asker.has_terminal():
        raise BadInput(
            "no terminal to ask the questions on: use --answers FILE (or - for JSON on stdin)"
        )
    if resume and deal_id is not None:
        key = drafts.key_for(deal_id)
        draft = drafts.load(key)
        if draft is None:
            raise BadInput(
                f"no unfinished interview for D{deal_id}; run dealcoach qualify D{deal_id}"
            )
    elif resume:
        newest = drafts.newest()
        if newest is None:
            raise BadInput("no unfinished interview to resume; run dealcoach qualify")
        key, draft = newest
        if key != "new":
            deal_id = int(key.removeprefix("D"))
    else:
        key = drafts.key_for(deal_id)
        draft = drafts.load(key)
    prefill = store.interviews.latest_answers(deal_id) if deal_id is not None else None
    if prefill is not None and deal_id is not None:
        prefill = _with_signal_in_force(store, deal_id, prefill, currency)
    defaults = {"deal": {"currency": currency}}
    if quick and prefill is None:
        if deal_id is None:
            raise BadInput("--quick re-qualifies a known deal: dealcoach qualify DEAL --quick")
        quick = False  # an imported deal has no interview yet: ask the full one
    try:
        if draft is not None and not resume and not asker.offer_resume(draft):
            draft = None
        if draft is not None:
            quick = draft.get("mode") == "quick"
        document = asker.run_interview(
            today=today,
            prefill=prefill.to_document() if prefill is not None else defaults,
            draft=draft,
            quick=quick,
            save_draft=lambda doc: drafts.save(key, doc),
            number_format=number_format,
            calendar=calendar,
        )
    except (KeyboardInterrupt, EOFError):
        again = "dealcoach qualify --resume"
        raise Interrupted(
            f"interrupted; your answers so far are kept: run {again} to go on"
        ) from None
    parsed = answers_file.validate(document, today, "interview")
    return parsed, ("quick" if quick else "full"), key, deal_id


def _with_signal_in_force(store: Store, deal_id: int, prefill: Answers, currency: str) -> Answers:
    """A stop signal logged since the last interview is the default: Enter keeps it."""
    from dealcoach.answers.schema import Signals
    from dealcoach.domain.verdict import stop_in_force

    stop, until = stop_in_force(store.plans.facts(deal_id, home_currency=currency), prefill)
    return prefill.model_copy(update={"signals": Signals(stop_reason=stop, until=until)})
