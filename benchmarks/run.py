"""Time whole `dealcoach` processes on realistic pipelines and check the budgets of issue 6.

    python benchmarks/run.py [--sizes 300,10000,100000] [--runs 7] [--quick] [--check]

For each size, a pipeline is generated through dealcoach's own store with a fixed seed
(`benchmarks/generate.py`, in its own process) and cached in `benchmarks/.cache/` under a name
holding the size, the seed, the number of open deals, the schema (version and hash) and the
generator's version; `--regenerate` rebuilds it.
Every command then runs as its own process: the installed `dealcoach` next to this interpreter,
`--db` on a copy of the generated file, `--today` fixed, stdout to a file. One warm-up round,
then `--runs` rounds, round robin, with the minimal Typer app (`benchmarks/baseline_app.py`, same
interpreter) in every round, so drift hits all alike. Commands that write (`next` re-judges the
deals whose verdict expired, `log`, `done`, `qualify`) get a fresh copy of the database before each
run, outside the timing, so every run starts from the same state.

Reported per command: median wall time (spawn to exit) in ms, the spread (min-max), the ratio of
the median to the baseline's median in the same round robin, and the process's peak resident
memory. Then the budgets of issue 6, each PASS / FAIL / skip. The exit status is 0 even when a
budget fails, unless `--check` is given; it is 1 when a command crashed (its numbers are missing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# benchmarks/ is a folder of scripts, not a package. generate.py imports dealcoach only inside its
# functions, and this harness calls those in a child process: it stays small (see run_once).
import generate  # noqa: E402

DEFAULT_SIZES = (300, 10_000, 100_000)
DEFAULT_RUNS = 7
QUICK_RUNS = 3
STARTUP = "start-up"  # the group of the commands that do not depend on a pipeline
BASELINE = "baseline"


@dataclass
class Command:
    """Something to time: `key` (what budgets refer to), a label, the argv; `fresh_db` when each
    run needs a fresh copy of the database; `skip` says why it is not measured at all."""

    key: str
    label: str
    argv: list[str]
    fresh_db: bool = False
    skip: str | None = None


@dataclass
class Result:
    key: str
    label: str
    group: str | int  # STARTUP or a pipeline size
    times: list[float] = field(default_factory=list)  # seconds
    peak_kb: list[int] = field(default_factory=list)
    error: str | None = None  # a crash: its exit code and the last line of stderr
    skipped: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.skipped is None and bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mb(self) -> float:
        return max(self.peak_kb) / 1024


Results = dict[tuple[str | int, str], Result]  # (group, key) -> result


# ------------------------------------------------------------------------------------ running


def clean_env(home: Path) -> dict[str, str]:
    """The same environment for every process: no PYTHON* tweaks (PYTHONDONTWRITEBYTECODE would
    recompile every run), no DEALCOACH_* of the caller, an empty dealcoach home (default config)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "DEALCOACH_"))
    }
    env.update({"DEALCOACH_HOME": str(home), "COLUMNS": "100", "NO_COLOR": "1"})
    return env


def gnu_time() -> str | None:
    """GNU time, when installed: it reports the peak RSS of exactly the process it starts."""
    path = shutil.which("time", path="/usr/bin:/bin")
    if path is None:
        return None
    with tempfile.NamedTemporaryFile() as out:
        probe = subprocess.run(
            [path, "-f", "%M", "-o", out.name, "true"], capture_output=True, check=False
        )
        return path if probe.returncode == 0 and out.read().strip().isdigit() else None


def run_once(
    argv: Sequence[str], env: dict[str, str], scratch: Path, timer: str | None
) -> tuple[float, int, int, Path]:
    """One process, timed from spawn to reaping: (seconds, peak RSS in KB, exit code, stderr).

    Linux starts a child's peak-RSS count (ru_maxrss) at the size of the parent it forked from,
    so the command is started through GNU time (a tiny parent) when there is one. Otherwise the
    figure comes from os.wait4 and is at least this harness's own size (about 15 MB).
    """
    out_path, err_path, rss_path = scratch / "stdout", scratch / "stderr", scratch / "rss"
    command = [timer, "-f", "%M", "-o", str(rss_path), *argv] if timer else list(argv)
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss
    if timer:
        words = rss_path.read_text().split()
        peak = int(words[-1]) if words and words[-1].isdigit() else 0
    return elapsed, peak, proc.returncode, err_path


def _last_line(path: Path) -> str:
    lines = path.read_text(errors="replace").strip().splitlines()
    return lines[-1] if lines else "(nothing on stderr)"


def measure_group(
    group: str | int,
    commands: Sequence[Command],
    *,
    runs: int,
    warmup: int,
    env: dict[str, str],
    scratch: Path,
    timer: str | None,
    fresh: Callable[[], None] | None = None,
) -> list[Result]:
    """Round robin: each round runs every command once, so slow drift hits all of them alike."""
    results = [Result(c.key, c.label, group, skipped=c.skip) for c in commands]
    for round_no in range(warmup + runs):
        print(f"  [{group}] round {round_no + 1}/{warmup + runs}", file=sys.stderr, flush=True)
        for command, result in zip(commands, results, strict=True):
            if result.error or result.skipped:
                continue
            if command.fresh_db and fresh is not None:
                fresh()
            elapsed, peak, code, err = run_once(command.argv, env, scratch, timer)
            if code != 0:
                result.error = f"exit {code}: {_last_line(err)}"
            elif round_no >= warmup:
                result.times.append(elapsed)
                result.peak_kb.append(peak)
    return results


def run_generator(*args: str, env: dict[str, str]) -> str:
    """benchmarks/generate.py in a child process; its stdout."""
    done = subprocess.run(
        [sys.executable, str(HERE / "generate.py"), *args],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"run.py: generate.py {' '.join(args)} failed (exit {done.returncode})")
    return done.stdout


def targets(db: Path) -> dict[str, int]:
    """What `show`, `log` and `done` act on, chosen the same way at every size."""
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)  # leaves no -wal
    try:
        # the open deal with the longest history
        (deal,) = conn.execute(
            "SELECT d.id FROM deals d JOIN touches t ON t.deal_id = d.id WHERE d.status = 'open'"
            " GROUP BY d.id ORDER BY COUNT(*) DESC, d.id LIMIT 1"
        ).fetchone()
        # a follow-up due today, as `next` lists it
        (followup,) = conn.execute(
            "SELECT f.id FROM followups f JOIN deals d ON d.id = f.deal_id"
            " WHERE f.status = 'planned' AND d.status = 'open' AND f.due <= ?"
            " ORDER BY f.due DESC, f.id LIMIT 1",
            (generate.GEN_DAY.isoformat(),),
        ).fetchone()
    finally:
        conn.close()
    return {"deal": deal, "followup": followup}


def export_skip_reason(exe: Path, env: dict[str, str]) -> str | None:
    """None when `dealcoach export` exists; else why its row is skipped."""
    done = subprocess.run(
        [str(exe), "export", "--help"], env=env, capture_output=True, timeout=60, check=False
    )
    if done.returncode == 0:
        return None
    return f"`dealcoach export --help` exits {done.returncode}: no export command yet"


def startup_commands(exe: Path, baseline: Command) -> list[Command]:
    return [
        baseline,
        Command("version", "dealcoach --version", [str(exe), "--version"]),
        Command("help", "dealcoach --help", [str(exe), "--help"]),
    ]


def pipeline_commands(
    exe: Path,
    baseline: Command,
    db_ro: Path,
    db_rw: Path,
    ids: dict[str, int],
    answers: Path,
    export_skip: str | None,
) -> list[Command]:
    """What a rep runs every day, on one pipeline; and the sqlite3 shell's CSV for reference."""
    today = ["--today", generate.GEN_DAY.isoformat()]
    ro = [str(exe), "--db", str(db_ro), *today]
    rw = [str(exe), "--db", str(db_rw), *today]
    deal, followup = f"D{ids['deal']}", f"F{ids['followup']}"
    shell = shutil.which("sqlite3")
    return [
        baseline,
        Command("next", "next", [*rw, "next"], fresh_db=True),
        Command("next_json", "next --json", [*rw, "next", "--json"], fresh_db=True),
        Command("list_json", "list --json", [*ro, "list", "--json"]),
        Command("show", f"show {deal}", [*ro, "show", deal]),
        Command(
            "log",
            f"log {deal} --kind email --replied",
            [*rw, "log", deal, "--kind", "email", "--replied", "--note", "benchmark"],
            fresh_db=True,
        ),
        Command("done", f"done {followup}", [*rw, "done", followup], fresh_db=True),
        Command(
            "qualify",
            "qualify --answers FILE",
            [*rw, "qualify", "--answers", str(answers)],
            fresh_db=True,
        ),
        Command(
            "export_csv",
            "export deals --format csv",
            [*ro, "export", "deals", "--format", "csv"],
            skip=export_skip,
        ),
        Command(
            "sqlite3_csv",
            "sqlite3 -csv 'SELECT * FROM deals'",
            [shell or "sqlite3", "-csv", "-header", str(db_ro), "SELECT * FROM deals;"],
            skip=None if shell else "the sqlite3 shell is not installed",
        ),
    ]


# ------------------------------------------------------------------------------------ budgets


@dataclass(frozen=True)
class Budget:
    name: str
    limit: float
    unit: str  # "x" (a ratio) or "MB"
    measure: Callable[[Results], float]


def _get(results: Results, group: str | int, key: str) -> Result:
    """The measured result of `key` in `group`, or LookupError with the reason it is missing."""
    result = results.get((group, key))
    if result is None:
        raise LookupError(f"no {group}-deal pipeline in --sizes")
    if result.skipped:
        raise LookupError(result.skipped)
    if not result.ok:
        raise LookupError(result.error or "not measured")
    return result


def to_baseline(group: str | int, key: str) -> Callable[[Results], float]:
    """The command's median over the baseline's median in the same round robin."""
    return lambda results: _get(results, group, key).median / _get(results, group, BASELINE).median


def ratio(group_a: int, key_a: str, group_b: int, key_b: str) -> Callable[[Results], float]:
    return lambda results: (
        _get(results, group_a, key_a).median / _get(results, group_b, key_b).median
    )


def peak(group: int, key: str) -> Callable[[Results], float]:
    return lambda results: _get(results, group, key).peak_mb


BUDGETS = (
    Budget("--version / minimal Typer app", 1.1, "x", to_baseline(STARTUP, "version")),
    Budget("--help / minimal Typer app", 1.1, "x", to_baseline(STARTUP, "help")),
    Budget("next, 10,000 deals / minimal Typer app", 1.3, "x", to_baseline(10_000, "next")),
    Budget("next, 100,000 deals / next, 300 deals", 1.5, "x", ratio(100_000, "next", 300, "next")),
    Budget("next, 100,000 deals: peak memory", 60.0, "MB", peak(100_000, "next")),
    Budget(
        "export csv, 100,000 deals / sqlite3 shell's csv",
        2.5,
        "x",
        ratio(100_000, "export_csv", 100_000, "sqlite3_csv"),
    ),
    Budget("log, 10,000 deals / minimal Typer app", 1.3, "x", to_baseline(10_000, "log")),
    Budget("done, 10,000 deals / minimal Typer app", 1.3, "x", to_baseline(10_000, "done")),
)


def check_budgets(results: Results) -> list[dict[str, Any]]:
    rows = []
    for budget in BUDGETS:
        row: dict[str, Any] = {"budget": budget.name, "limit": budget.limit, "unit": budget.unit}
        try:
            value = budget.measure(results)
        except LookupError as exc:
            rows.append({**row, "value": None, "status": "skip", "why": exc.args[0]})
            continue
        status = "PASS" if value <= budget.limit else "FAIL"
        rows.append({**row, "value": value, "status": status, "why": ""})
    return rows


# ------------------------------------------------------------------------------------ report


def print_report(
    results: list[Result],
    budgets: list[dict[str, Any]],
    generation: dict[int, dict[str, Any]],
    headline: str,
    out: TextIO,
) -> None:
    print(headline, file=out)
    for size, meta in generation.items():
        c = meta["counts"]
        how = "cached" if meta["cached"] else "generated now"
        print(
            f"  {size:>7,} deals: {c['open_deals']:,} open, {c['stakeholders']:,} stakeholders,"
            f" {c['steps']:,} buyer steps, {c['interviews']:,} interviews,"
            f" {c['followups']:,} follow-ups ({c['planned_followups']:,} planned),"
            f" {c['touches']:,} touches; {meta['bytes'] / 1e6:.0f} MB;"
            f" generated in {meta['stats']['seconds']:.0f} s ({how}; {meta['method']})",
            file=out,
        )
    print(file=out)
    bases = {r.group: r for r in results if r.key == BASELINE and r.ok}
    header = (
        f"{'command':<36} {'deals':>7} {'median ms':>10} {'min-max ms':>13}"
        f" {'x base':>7} {'peak MB':>8}"
    )
    print(header, file=out)
    print("-" * len(header), file=out)
    for r in results:
        deals = "-" if r.group == STARTUP else f"{r.group:,}"
        if r.skipped:
            print(f"{r.label:<36} {deals:>7}  skipped: {r.skipped}", file=out)
        elif not r.ok:
            print(f"{r.label:<36} {deals:>7}  FAILED: {r.error}", file=out)
        else:
            base = bases.get(r.group)
            spread = f"{min(r.times) * 1e3:.0f}-{max(r.times) * 1e3:.0f}"
            x = f"{r.median / base.median:.2f}" if base else "-"
            print(
                f"{r.label:<36} {deals:>7} {r.median * 1e3:>10.1f} {spread:>13} {x:>7}"
                f" {r.peak_mb:>8.1f}",
                file=out,
            )
    print(file=out)
    header = f"{'budget':<48} {'measured':>9} {'limit':>8}  result"
    print(header, file=out)
    print("-" * len(header), file=out)
    for b in budgets:
        fmt = "{:.2f}x" if b["unit"] == "x" else "{:.1f} MB"
        measured = "-" if b["value"] is None else fmt.format(b["value"])
        limit = fmt.format(b["limit"])
        why = f"  ({b['why']})" if b["why"] else ""
        print(f"{b['budget']:<48} {measured:>9} {limit:>8}  {b['status']}{why}", file=out)


def write_json(
    path: Path,
    results: list[Result],
    budgets: list[dict[str, Any]],
    generation: dict[int, dict[str, Any]],
) -> None:
    document = {
        "results": [
            {
                "key": r.key,
                "command": r.label,
                "group": r.group,
                "median_s": r.median if r.ok else None,
                "times_s": r.times,
                "peak_kb": r.peak_kb,
                "error": r.error,
                "skipped": r.skipped,
            }
            for r in results
        ],
        "budgets": budgets,
        "generation": {str(size): meta for size, meta in generation.items()},
    }
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


# ------------------------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="deals per pipeline, comma-separated (default 300,10000,100000)",
    )
    parser.add_argument("--runs", type=int, help=f"timed rounds (default {DEFAULT_RUNS})")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_RUNS} timed rounds instead of {DEFAULT_RUNS}"
    )
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument(
        "--open", type=int, default=generate.DEFAULT_OPEN, help="open deals per pipeline"
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=HERE / ".cache", help="where pipelines are kept"
    )
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="rebuild the pipelines even if cached (after a change to the planner or verdict)",
    )
    parser.add_argument("--json", type=Path, dest="json_out", help="also write the numbers here")
    parser.add_argument("--check", action="store_true", help="exit 1 when a budget fails")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(part) for part in args.sizes.replace("_", "").split(",") if part.strip()]
    except ValueError:
        parser.error(f"--sizes: expected numbers such as 300,10000, not {args.sizes!r}")
    if args.runs is None:
        args.runs = QUICK_RUNS if args.quick else DEFAULT_RUNS
    if args.runs < 1 or args.warmup < 0 or not args.sizes or min(args.sizes) < 1:
        parser.error("--runs and every size must be at least 1, --warmup at least 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    exe = Path(sys.executable).parent / "dealcoach"
    if not exe.exists():
        print(f"run.py: {exe} not found; install the project in this environment", file=sys.stderr)
        return 1
    timer = gnu_time()
    baseline = Command(
        BASELINE, "baseline: minimal Typer app", [sys.executable, str(HERE / "baseline_app.py")]
    )
    results: list[Result] = []
    generation: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="dealcoach-bench-") as tmp:
        work = Path(tmp)
        (work / "home").mkdir()
        env = clean_env(work / "home")
        measure = {"runs": args.runs, "warmup": args.warmup, "env": env, "scratch": work}
        print("start-up (no database)", file=sys.stderr)
        results += measure_group(STARTUP, startup_commands(exe, baseline), timer=timer, **measure)
        export_skip = export_skip_reason(exe, env)
        answers = work / "answers.json"
        run_generator("answers", str(answers), env=env)
        for size in args.sizes:
            print(f"{size:,} deals: generating, or reading the cache", file=sys.stderr)
            found = json.loads(
                run_generator(
                    "db",
                    str(size),
                    "--cache-dir",
                    str(args.cache_dir),
                    "--seed",
                    str(args.seed),
                    "--open",
                    str(args.open),
                    *(["--regenerate"] if args.regenerate else []),
                    env=env,
                )
            )
            source = Path(found.pop("path"))
            generation[size] = found
            db_ro, db_rw = work / f"ro-{size}.db", work / f"rw-{size}.db"
            copy_db(source, db_ro)
            commands = pipeline_commands(
                exe, baseline, db_ro, db_rw, targets(source), answers, export_skip
            )
            results += measure_group(
                size,
                commands,
                timer=timer,
                fresh=lambda source=source, db_rw=db_rw: copy_db(source, db_rw),
                **measure,
            )
            for path in (db_ro, db_rw):
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        version = subprocess.run(
            [str(exe), "--version"], env=env, capture_output=True, text=True, check=False
        ).stdout.strip()
    budgets = check_budgets({(r.group, r.key): r for r in results})
    memory = "GNU time" if timer else "os.wait4 (no GNU time: at least this harness's size)"
    headline = (
        f"\n{version or 'dealcoach'}; Python {sys.version.split()[0]}; {args.runs} timed rounds"
        f" after {args.warmup} warm-up; --today {generate.GEN_DAY}; seed {args.seed};"
        f" peak memory from {memory}"
    )
    print_report(results, budgets, generation, headline, sys.stdout)
    if args.json_out:
        write_json(args.json_out, results, budgets, generation)
    crashed = [r.label for r in results if r.error]
    if crashed:
        print(f"\nrun.py: failed: {', '.join(crashed)}; their numbers are missing", file=sys.stderr)
        return 1
    if args.check and any(b["status"] == "FAIL" for b in budgets):
        return 1
    return 0


def copy_db(source: Path, target: Path) -> None:
    """A working copy (the cached file itself is never opened by dealcoach), flushed to disk.

    Without the fsync the copy's pages are still dirty in the page cache, and the first fsync
    dealcoach makes (a commit, the checkpoint when it closes) would write back the whole copy:
    200 ms for 100,000 deals, that a rep's database never pays.
    """
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


if __name__ == "__main__":
    sys.exit(main())
