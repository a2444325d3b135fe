"""Realistic dealcoach pipelines for the benchmarks, written through the project's own store.

Every deal goes the way a rep's deals go, through the same calls the commands make:
`store.interviews.save` with generated `Answers` (what `qualify --answers` does), then
`dealcoach.workflow.replan.replan`; then, day by day, the planned follow-ups that were sent (`mark_done` +
`add_touch` + replan, as `dealcoach done` does) and replies, inbound calls and notes (`add_touch` +
replan, as `dealcoach log` does), sometimes a second interview; finally most deals are closed
(won, lost, let go) and their remaining follow-ups dropped. Verdicts, plans and follow-up ids are
therefore the product's own.

The shape of a pipeline: `open_deals` (default 300) deals are open, created over the last six
months; all the others are history, created over six years (`HISTORY_YEARS`), and closed. A 300-deal
pipeline is a rep's current pipeline; 10,000 and 100,000 deals add years of history to it.
Everything happens up to the rep's last working day (`LAST_DAY`, the Friday before `GEN_DAY`, a
Monday); then every open deal is re-judged as of that day (what Friday's `dealcoach next` did), so
the timed `next --today GEN_DAY` does one ordinary Monday morning's work.

Everything comes from random streams derived from the seed, one per deal (and one for the open
deals' creation days, one for the history's): the same size and seed give the same file, and the
300 open deals are the same at every size, so sizes differ only by the history behind them.
Writes are batched in large transactions (`with store.db.write():`).

Run alone: `python benchmarks/generate.py db 10000 --out /tmp/deals.db [--profile gen.prof]`
prints the counts and the time each phase took; `benchmarks/run.py` calls
`generate.py db SIZE --cache-dir benchmarks/.cache` in its own process, so the harness that
spawns the timed commands stays small (a child's peak-memory figure starts from its parent's).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

#: Bump when the generated data changes shape, so cached databases are rebuilt.
GENERATOR_VERSION = 3
#: The day the pipeline is generated "as of": the timed commands run with `--today GEN_DAY`.
GEN_DAY = date(2026, 11, 23)  # a Monday
LAST_DAY = GEN_DAY - timedelta(days=3)  # the Friday before: the last day anything happened
DEFAULT_SEED = 20261123
DEFAULT_OPEN = 300
HISTORY_YEARS = 6
BATCH = 500  # deals per transaction
OPEN_EVENTS = 80  # at most, per open deal: enough to keep up with the plan for six months

ADJECTIVES = (
    "Northwind", "Blue Harbor", "Crescent", "Summit", "Red Cedar", "Ironwood", "Silver Lake",
    "Granite", "Maple Ridge", "Bright Path", "Evergreen", "Lakeside", "Golden Gate", "Pioneer",
    "Riverbend", "Oakmont", "Clearwater", "Highland", "Sunrise", "Brookfield", "Westfield",
    "Harborview", "Stonebridge", "Cobalt", "Juniper", "Alder", "Falcon", "Meridian", "Keystone",
    "Bluebird", "Prairie", "Coastal", "Union", "Liberty", "Heritage", "Vista", "Aurora",
    "Cascade", "Sequoia", "Willow",
)  # fmt: skip
NOUNS = (
    "Health", "Logistics", "Foods", "Energy", "Labs", "Systems", "Manufacturing", "Capital",
    "Analytics", "Robotics", "Pharma", "Retail", "Media", "Learning", "Freight", "Dental",
    "Insurance", "Properties", "Water", "Aerospace", "Textiles", "Software", "Clinics",
    "Hospitality", "Motors", "Telecom", "Biotech", "Outdoor", "Security", "Partners",
)  # fmt: skip
KINDS = (
    "Inc", "LLC", "Group", "Co", "Corp", "Holdings", "GmbH", "Ltd", "Unified School District",
    "County", "Foundation", "Cooperative", "Hospital", "University", "City Council", "",
)  # fmt: skip
TITLES = (
    "Reading platform for 12 schools", "Fleet telematics pilot", "Data warehouse migration",
    "Security awareness training", "Customer portal", "Field service app", "ERP add-on",
    "Annual renewal", "Seat expansion", "Analytics dashboards", "Onboarding package",
    "Support plan upgrade", "",
)  # fmt: skip
FIRST = (
    "Dana", "Marcus", "Priya", "Olivia", "Tom", "Aisha", "Kenji", "Sofia", "Liam", "Grace",
    "Mateo", "Nora", "Ravi", "Elena", "Sam", "Chloe", "Jonas", "Fatima", "Diego", "Hannah",
)  # fmt: skip
LAST = (
    "Ruiz", "Hale", "Natarajan", "Chen", "Okafor", "Schmidt", "Rossi", "Novak", "Kowalski",
    "Haddad", "Silva", "Murphy", "Ivanova", "Tanaka", "Larsen", "Dubois", "Patel", "Moreau",
)  # fmt: skip
JOB_TITLES = (
    "Director of Operations", "CFO", "Head of IT", "Procurement Lead", "VP Sales",
    "Superintendent", "IT Security Lead", "Project Manager", "COO", "Team Lead",
)  # fmt: skip
STEPS = (
    ("Teacher survey", "Survey template and the results from a pilot district"),
    ("Board presentation", "Case study from a company of similar size"),
    ("Security review", "Completed security questionnaire"),
    ("Budget approval", "One-page business case with the three-year cost"),
    ("Technical evaluation", "Sandbox access and an integration checklist"),
    ("Reference calls", "Two customer references in their sector"),
    ("Legal review", "Our standard contract with the usual redlines"),
    ("Pilot report", "Usage summary from the pilot"),
    ("Steering committee", "Draft mutual plan"),
)  # fmt: skip
CRITERIA = ("price", "ease of use", "integration", "support", "security", "time to value")
ALTERNATIVES = ("do nothing", "Competitor A", "Competitor B", "build in-house")
NOTES = (
    "asked for pricing tiers", "wants a call next week", "forwarded to the CFO",
    "shared the deck internally", "out until Monday", "interested, but busy this month",
    "sent the security questionnaire", "agreed to a pilot",
)  # fmt: skip
OWES = ("three-year pricing", "a reference customer", "the security questionnaire", "a quote")


def weighted(rng: random.Random, choices: dict[Any, float]) -> Any:
    return rng.choices(list(choices), weights=list(choices.values()))[0]


@dataclass
class Stats:
    """What was generated, and how long it took."""

    deals: int = 0
    open: int = 0
    interviews: int = 0
    replans: int = 0
    touches_logged: int = 0
    followups_done: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


def make_answers(rng: random.Random, day: date, account: str, *, second: bool = False) -> Any:
    """One interview's answers, in the answers-file schema, validated by the product's model."""
    from dealcoach.answers.schema import Answers

    stage = weighted(
        rng,
        {"lead": 25, "qualified": 20, "prospect": 20, "opportunity": 25, "closing": 10}
        if not second
        else {"prospect": 25, "opportunity": 50, "closing": 25},
    )
    deal_type = weighted(rng, {"new": 70, "expansion": 20, "renewal": 10})
    value = None if rng.random() < 0.1 else round(rng.lognormvariate(9.9, 1.0), -2)
    deal: dict[str, Any] = {
        "account": account,
        "title": rng.choice(TITLES),
        "value": value,
        "currency": weighted(rng, {"USD": 88, "EUR": 10, "GBP": 2}),
        "stage": stage,
        "source": weighted(rng, {"inbound": 40, "outbound": 35, "referral": 15, "partner": 10}),
        "type": deal_type,
        "sector": weighted(rng, {"private": 70, "public": 20, "nonprofit": 10}),
        "strategy": weighted(
            rng, {"hybrid": 70, "acceleration": 10, "decision_support": 12, "selectivity": 8}
        ),
        "meeting_date": day,
    }
    if deal_type == "renewal":
        deal["renewal_notice"] = day + timedelta(days=rng.randint(30, 200))
    if rng.random() < 0.3:
        deal["meeting_note"] = rng.choice(NOTES)
    roles = ["decision_maker", "economic_buyer", "champion", "influencer", "user", "procurement"]
    who = [
        {
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "title": rng.choice(JOB_TITLES),
            "role": rng.choice([*roles, "blocker"] if i else roles),
            "met": rng.random() < 0.6,
            "stance": weighted(rng, {"supportive": 45, "neutral": 40, "skeptical": 15}),
        }
        for i in range(weighted(rng, {1: 35, 2: 35, 3: 20, 4: 10}))
    ]
    names = rng.sample(STEPS, k=weighted(rng, {0: 25, 1: 25, 2: 25, 3: 15, 4: 10}))
    what = [
        {
            "step": name,
            "owner": weighted(rng, {"buyer": 65, "both": 25, "us": 10}),
            "bring": bring if rng.random() < 0.85 else "",
            **({"date": day + timedelta(days=rng.randint(-5, 60))} if rng.random() < 0.75 else {}),
        }
        for name, bring in names
    ]
    document: dict[str, Any] = {"deal": deal, "who": who, "what": what}
    if rng.random() < 0.6:
        document["when"] = {
            "decision_date": day + timedelta(days=rng.randint(20, 200)),
            "compelling_event": "budget vote" if rng.random() < 0.3 else "",
        }
    document["how"] = {
        "criteria": rng.sample(CRITERIA, k=rng.randint(0, 3)),
        "alternatives": rng.sample(ALTERNATIVES, k=rng.randint(0, 2)),
        "budget": weighted(rng, {"approved": 20, "needs_approval": 40, "unknown": 35, "none": 5}),
    }
    document["readiness"] = {
        "journey": rng.choice(["recognizing", "exploring", "comparing", "deciding"]),
        "pain": rng.randint(1, 5),
        "fit": rng.random() < 0.85,
    }
    if rng.random() < 0.55:
        document["next_step"] = {
            "agreed": True,
            "what": "Follow-up meeting",
            "date": day + timedelta(days=rng.randint(3, 20)),
        }
    stop = weighted(
        rng,
        {
            "none": 90,
            "back_burner": 4,
            "lost_funding": 3,
            "new_direction": 1,
            "need_not_served": 1,
            "chose_other": 1,
        },
    )
    document["signals"] = {"stop_reason": stop}
    if stop in ("back_burner", "lost_funding") and rng.random() < 0.5:
        document["signals"]["until"] = day + timedelta(days=rng.randint(30, 180))
    return Answers.model_validate(document, context={"today": day})


def account_name(rng: random.Random) -> str:
    kind = rng.choice(KINDS)
    return " ".join(part for part in (rng.choice(ADJECTIVES), rng.choice(NOUNS), kind) if part)


def _schedule(seed: int, size: int, open_deals: int) -> list[tuple[str, date, bool]]:
    """(stream, created, stays open) for every deal, oldest first: ids follow creation.

    The open deals come from their own random streams, apart from the history: every size has
    the same open deals (same answers, same events; only their ids differ), so sizes compare the
    same morning's work with more or less history behind it.
    """

    def weekday(days_ago: int) -> date:
        day = LAST_DAY - timedelta(days=days_ago)
        return day - timedelta(days=max(0, day.weekday() - 4))  # meetings happen on weekdays

    opened = min(size, open_deals)
    open_days = random.Random(f"{seed}:open-days")
    history_days = random.Random(f"{seed}:history-days")
    plan = [(f"open:{k}", weekday(open_days.randint(0, 180)), True) for k in range(opened)]
    plan += [
        (f"history:{k}", weekday(history_days.randint(60, HISTORY_YEARS * 365)), False)
        for k in range(size - opened)
    ]
    plan.sort(key=lambda item: item[1])  # stable: same-day deals keep their order
    return plan


def generate(
    path: Path,
    size: int,
    *,
    seed: int = DEFAULT_SEED,
    open_deals: int = DEFAULT_OPEN,
    progress: bool = False,
) -> Stats:
    """Write a fresh pipeline of `size` deals to `path` through dealcoach's store."""
    from dealcoach.domain.followup_keys import FollowUpKey
    from dealcoach.domain.settings import Settings
    from dealcoach.domain.workdays import WorkCalendar
    from dealcoach.home.holidays import holidays_of
    from dealcoach.records import Touch
    from dealcoach.store.store import Store
    from dealcoach.vocabulary import TouchKind
    from dealcoach.workflow.replan import replan

    settings = Settings()
    calendar = WorkCalendar(holidays_of(settings.country))
    stats = Stats()
    started = time.perf_counter()

    def run_replan(store: Store, deal_id: int, day: date) -> None:
        replan(store, deal_id, day, settings, calendar)
        stats.replans += 1

    def one_deal(store: Store, stream: str, created: date, stays_open: bool) -> None:
        rng = random.Random(f"{seed}:{stream}")  # one stream per deal
        end = LAST_DAY if stays_open else min(LAST_DAY, created + timedelta(rng.randint(7, 240)))
        answers = make_answers(rng, created, account_name(rng))
        deal_id = store.interviews.save(answers, today=created, kind="answers")
        stats.interviews += 1
        run_replan(store, deal_id, created)
        day = created
        requalified = False
        forgotten: set[int] = set()
        # a closed deal had a few events; on an open one the rep keeps up until LAST_DAY
        events = (
            OPEN_EVENTS
            if stays_open
            else weighted(rng, {0: 10, 1: 20, 2: 25, 3: 20, 4: 12, 5: 8, 6: 5})
        )
        for _ in range(events):
            planned = [row for row in store.plans.planned(deal_id) if row["id"] not in forgotten]
            roll = rng.random()
            if planned and roll < 0.65:
                # `dealcoach done F..`: the next follow-up goes out on its due day (or a bit later)
                row = planned[0]
                if stays_open and rng.random() < 0.08:
                    forgotten.add(row["id"])  # never sent: it waits, overdue, in `next`
                    continue
                slack = rng.randint(0, 1 if stays_open else 2)
                sent = max(date.fromisoformat(row["due"]), day) + timedelta(slack)
                if sent > end:
                    break
                day = sent
                store.plans.mark_done(row["id"], on=day)
                kind = TouchKind(row["channel"]) if row["channel"] in ("email", "call") else None
                touch = Touch(
                    date=day,
                    kind=kind or TouchKind.note,
                    replied=rng.random() < 0.35,
                    who=row["who"] or "",
                    followup_key=row["key"],
                )
                store.plans.add_touch(deal_id, touch, followup_id=row["id"])
                if row["purpose"] == "owe":
                    owed = FollowUpKey.parse(row["key"]).touch_id
                    store.plans.close_owes(deal_id, on=day, touch_id=owed)
                stats.followups_done += 1
            elif roll < 0.9:
                # `dealcoach log D.. --kind ...`: a reply, an inbound call, a note
                later = day + timedelta(rng.randint(1, 12))
                if later > end:
                    if stays_open:
                        continue  # nothing more from them before today; the plan goes on
                    break
                day = later
                touch = Touch(
                    date=day,
                    kind=weighted(
                        rng,
                        {
                            TouchKind.email: 50,
                            TouchKind.call: 25,
                            TouchKind.meeting: 10,
                            TouchKind.note: 15,
                        },
                    ),
                    inbound=rng.random() < 0.4,
                    replied=rng.random() < 0.3,
                    who=answers.who[0].name if answers.who and rng.random() < 0.7 else "",
                    note=rng.choice(NOTES) if rng.random() < 0.5 else "",
                    owe=rng.choice(OWES) if rng.random() < 0.07 else "",
                    away_until=day + timedelta(days=rng.randint(3, 14))
                    if rng.random() < 0.03
                    else None,
                )
                store.plans.add_touch(deal_id, touch)
                stats.touches_logged += 1
            elif not requalified:
                # `dealcoach qualify D.. --answers`: a later meeting, a second interview
                day += timedelta(rng.randint(5, 30))
                if day > end:
                    break
                requalified = True
                again = make_answers(rng, day, answers.deal.account, second=True)
                store.interviews.save(again, today=day, kind="quick", deal_id=deal_id)
                stats.interviews += 1
            else:
                continue
            run_replan(store, deal_id, day)
        if stays_open:
            if rng.random() < 0.03:
                store.plans.snooze_deal(deal_id, GEN_DAY + timedelta(days=rng.randint(3, 30)))
            if rng.random() < 0.02:
                store.plans.keep_deal(deal_id, GEN_DAY + timedelta(days=rng.randint(7, 60)))
            stats.open += 1
        else:
            status = weighted(rng, {"won": 35, "lost": 40, "let_go": 25})
            store.deals.close(
                deal_id, status, reason="" if rng.random() < 0.5 else "budget", on=end
            )
        stats.deals += 1

    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    schedule = _schedule(seed, size, open_deals)
    with Store.open(path) as store:
        for start in range(0, len(schedule), BATCH):
            with store.db.write():
                for stream, created, stays_open in schedule[start : start + BATCH]:
                    one_deal(store, stream, created, stays_open)
            if progress:
                elapsed = time.perf_counter() - started
                print(f"  {stats.deals:>7} deals  {elapsed:7.1f} s", file=sys.stderr, flush=True)
        stats.phases["deals"] = time.perf_counter() - started
        # what Friday's `dealcoach next` left behind: every open deal judged as of LAST_DAY
        settle = time.perf_counter()
        with store.db.write():
            for deal_id in store.morning.deals_to_rejudge(LAST_DAY):
                run_replan(store, deal_id, LAST_DAY)
        stats.phases["settle"] = time.perf_counter() - settle
    flush = time.perf_counter()
    # Everything into the main file, so that copying it copies the whole pipeline. No ANALYZE:
    # dealcoach never runs it, and its statistics change the query plans a rep's file gets.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    stats.phases["checkpoint"] = time.perf_counter() - flush
    stats.seconds = time.perf_counter() - started
    return stats


def schema_fingerprint() -> str:
    """The schema version and a hash of the schema a fresh database gets.

    The hash catches a migration edited before its release, which leaves the version alone.
    """
    import hashlib
    import tempfile

    from dealcoach.store.connection import SCHEMA_VERSION
    from dealcoach.store.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        with Store.open(Path(tmp) / "empty.db"):
            pass
        conn = sqlite3.connect(Path(tmp) / "empty.db")
        try:
            rows = conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                " ORDER BY type, name"
            ).fetchall()
        finally:
            conn.close()
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:8]
    return f"schema{SCHEMA_VERSION}-{digest}"


def cache_name(size: int, seed: int = DEFAULT_SEED, open_deals: int = DEFAULT_OPEN) -> str:
    """The cached file's name: size, seed, open deals, schema and generator version."""
    return (
        f"deals-{size}-seed{seed}-open{open_deals}-{schema_fingerprint()}-gen{GENERATOR_VERSION}.db"
    )


def cached(
    cache_dir: Path,
    size: int,
    *,
    seed: int = DEFAULT_SEED,
    open_deals: int = DEFAULT_OPEN,
    progress: bool = False,
    regenerate: bool = False,
) -> tuple[Path, dict[str, Any]]:
    """The generated database for (size, seed, open deals, schema), built once and kept.

    Returns the path and its metadata (generation time, counts), kept beside it as JSON. A
    database is written under a temporary name and renamed when complete, so an interrupted
    generation is never mistaken for a finished one.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / cache_name(size, seed, open_deals)
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists() and not regenerate:
        return path, {**json.loads(meta_path.read_text()), "cached": True}
    partial = path.with_name(f"{path.stem}.partial-{os.getpid()}.db")
    try:
        stats = generate(partial, size, seed=seed, open_deals=open_deals, progress=progress)
        meta = {
            "size": size,
            "seed": seed,
            "open_deals": open_deals,
            "generated_as_of": GEN_DAY.isoformat(),
            "method": "real path: store.interviews.save + replan, done/log/close per deal",
            "stats": stats.__dict__,
            "counts": counts(partial),
            "bytes": partial.stat().st_size,
        }
        os.replace(partial, path)
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
    meta_path.write_text(json.dumps(meta, indent=2))
    return path, {**meta, "cached": False}


def counts(path: Path) -> dict[str, int]:
    """Rows per table, and the open deals: to print, and for the smoke test."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("deals", "stakeholders", "steps", "interviews", "followups", "touches")
        }
        found["open_deals"] = conn.execute(
            "SELECT COUNT(*) FROM deals WHERE status = 'open'"
        ).fetchone()[0]
        found["planned_followups"] = conn.execute(
            "SELECT COUNT(*) FROM followups WHERE status = 'planned'"
        ).fetchone()[0]
    finally:
        conn.close()
    return found


def answers_file(path: Path, *, seed: int = 6) -> Path:
    """A new deal's answers (generated, fixed seed) as JSON with ISO dates: for `qualify --answers`."""
    answers = make_answers(random.Random(seed), GEN_DAY, "Benchmark Regional Hospital")
    path.write_text(json.dumps(answers.to_document(), indent=2), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    db = sub.add_parser("db", help="generate a pipeline (into --cache-dir, or exactly --out)")
    db.add_argument("size", type=int, help="number of deals")
    where = db.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="write this file (always regenerated)")
    where.add_argument("--cache-dir", type=Path, help="reuse or build the cached file here")
    db.add_argument("--seed", type=int, default=DEFAULT_SEED)
    db.add_argument("--open", type=int, default=DEFAULT_OPEN, help="open deals (default 300)")
    db.add_argument("--profile", type=Path, help="with --out: write a cProfile of the run here")
    db.add_argument(
        "--regenerate", action="store_true", help="with --cache-dir: rebuild even if cached"
    )
    ans = sub.add_parser("answers", help="write the answers file that qualify is timed with")
    ans.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.what == "answers":
        answers_file(args.out)
        return 0
    if args.cache_dir is not None:
        path, meta = cached(
            args.cache_dir,
            args.size,
            seed=args.seed,
            open_deals=args.open,
            progress=True,
            regenerate=args.regenerate,
        )
        print(json.dumps({"path": str(path), **meta}))
        return 0
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        stats = profiler.runcall(
            generate, args.out, args.size, seed=args.seed, open_deals=args.open, progress=True
        )
        profiler.dump_stats(args.profile)
    else:
        stats = generate(args.out, args.size, seed=args.seed, open_deals=args.open, progress=True)
    print(json.dumps({"stats": stats.__dict__, "counts": counts(args.out)}, indent=2))
    print(f"size on disk: {os.path.getsize(args.out) / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
