"""`dealcoach qualify`: right after a meeting, the interview, the plan and the verdict."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Any

import typer

from dealcoach.commands.options import JsonOpt


def qualify(
    ctx: typer.Context,
    deal: Annotated[
        str | None,
        typer.Argument(
            help="Re-qualify this deal (id like D12, or account name). Omit for a new deal."
        ),
    ] = None,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="After a later meeting: ask only what happened, the next step and what changed.",
        ),
    ] = False,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the newest unfinished interview.")
    ] = False,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            metavar="FILE|-",
            help="Take the answers from a TOML or JSON file (- reads JSON from stdin); never prompts.",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Interview after a meeting: store the answers, plan informed follow-ups, give a verdict."""
    from dealcoach.answers import file as answers_file
    from dealcoach.errors import BadInput
    from dealcoach.home import paths
    from dealcoach.store.store import Store
    from dealcoach.workflow.replan import replan

    g = ctx.obj
    today: date = g.today
    settings = g.settings
    if answers is not None and (quick or resume):
        raise BadInput("--answers replaces the interview; drop --quick and --resume")
    with Store.open(paths.db_path(g.db)) as store:
        deal_id = store.deals.resolve(deal) if deal else None
        if answers is not None:
            parsed = answers_file.load(answers, today)
            kind, draft_key = "answers", None
            if deal_id is None:
                _warn_same_account(store, parsed.deal.account)
        else:
            parsed, kind, draft_key, deal_id = _interview(
                store, deal_id, today, quick, resume, settings.home_currency
            )
        if parsed.deal.currency is None:
            parsed.deal.currency = settings.home_currency
        with store.db.write():
            if deal_id is not None and store.deals.get(deal_id)["status"] != "open":
                store.deals.reopen(deal_id)
                sys.stderr.write(
                    f"dealcoach: note: D{deal_id} was closed; qualifying it reopens it\n"
                )
            deal_id = store.interviews.save(parsed, today=today, kind=kind, deal_id=deal_id)
            outcome = replan(store, deal_id, today, settings, g.calendar)
        row = store.deals.get(deal_id)
    if draft_key is not None:
        from dealcoach.home import drafts

        drafts.discard(draft_key)
    _show(row, outcome, parsed, today, json_out=json_out, interactive=draft_key is not None)


def _interview(
    store: Any, deal_id: int | None, today: date, quick: bool, resume: bool, currency: str
) -> tuple[Any, str, str, int | None]:
    """Ask the questions (prompts only here); Ctrl-C keeps the draft and exits 130."""
    from dealcoach import prompts
    from dealcoach.answers import file as answers_file
    from dealcoach.errors import BadInput, Interrupted
    from dealcoach.home import drafts

    if not prompts.has_terminal():
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
        if draft is not None and not resume and not prompts.offer_resume(draft):
            draft = None
        if draft is not None:
            quick = draft.get("mode") == "quick"
        document = prompts.run_interview(
            today=today,
            prefill=prefill.to_document() if prefill is not None else defaults,
            draft=draft,
            quick=quick,
            save_draft=lambda doc: drafts.save(key, doc),
        )
    except (KeyboardInterrupt, EOFError):
        again = "dealcoach qualify --resume"
        raise Interrupted(
            f"interrupted; your answers so far are kept: run {again} to go on"
        ) from None
    parsed = answers_file.validate(document, today, "interview")
    return parsed, ("quick" if quick else "full"), key, deal_id


def _with_signal_in_force(store: Any, deal_id: int, prefill: Any, currency: str) -> Any:
    """A stop signal logged since the last interview is the default: Enter keeps it."""
    from dealcoach.answers.schema import Signals
    from dealcoach.domain.verdict import stop_in_force

    stop, until = stop_in_force(store.plans.facts(deal_id, home_currency=currency), prefill)
    return prefill.model_copy(update={"signals": Signals(stop_reason=stop, until=until)})


def _warn_same_account(store: Any, account: str) -> None:
    same = store.deals.named(account)
    if same:
        from dealcoach.render.text import clean

        ids = ", ".join(f"D{r['id']}" for r in same)
        sys.stderr.write(
            f"dealcoach: note: {clean(account)} already has {ids}; this creates a new deal "
            f"(to re-qualify, run dealcoach qualify {ids.split(',')[0]} --answers FILE)\n"
        )


def _show(
    row: Any, outcome: Any, answers: Any, today: date, *, json_out: bool, interactive: bool
) -> None:
    from dealcoach.render import text as render
    from dealcoach.render.documents import qualify_json
    from dealcoach.render.qualify import qualify_screen

    if json_out:
        if interactive:
            qualify_screen(render.console(stderr=True), row, outcome, answers, today=today)
        render.write_json(qualify_json(row, outcome))
        return
    qualify_screen(render.console(), row, outcome, answers, today=today)
