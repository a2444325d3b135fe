"""Where one dealcoach command spends its time, on a cached benchmark pipeline.

    python benchmarks/profile_command.py 10000 -- next
    python benchmarks/profile_command.py 100000 --sort tottime --lines 40 -- export deals --format csv

Copies the cached pipeline of that size (`benchmarks/run.py` or `generate.py db SIZE --cache-dir`
builds it), then runs the command in this process under cProfile, with `--db` on the copy and
`--today` fixed as in run.py; its stdout goes to /dev/null. Prints the time to import the CLI, the
time of the command, then the profile. `-X importtime` on the same command shows the imports:

    python -X importtime -m dealcoach --db COPY --today 2026-11-23 next
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (a folder of scripts, not a package)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--open", type=int, default=generate.DEFAULT_OPEN)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (default cumulative)")
    parser.add_argument("--lines", type=int, default=30)
    args = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    source = args.cache_dir / generate.cache_name(args.size, args.seed, args.open)
    if not source.exists():
        print(f"profile_command.py: {source} is not built yet; run benchmarks/run.py first")
        return 1
    with tempfile.TemporaryDirectory(prefix="dealcoach-profile-") as tmp:
        work = Path(tmp) / "work.db"
        shutil.copyfile(source, work)
        # a home kept between runs, as run.py's: the holiday dates are cached there after the
        # first run, so the profile shows a rep's morning rather than a first start
        os.environ["DEALCOACH_HOME"] = str(args.cache_dir / "profile-home")
        started = time.perf_counter()
        from dealcoach.cli import build_app, command_name

        app = build_app(command_name(command))  # as `main` does
        imported = time.perf_counter()
        profiler = cProfile.Profile()
        argv_run = ["--db", str(work), "--today", generate.GEN_DAY.isoformat(), *command]
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            try:
                profiler.runcall(app, argv_run, prog_name="dealcoach")
            except SystemExit as exc:
                code = exc.code
            else:
                code = 0
        done = time.perf_counter()
    print(
        f"dealcoach {' '.join(command)} on {args.size:,} deals: exit {code};"
        f" import dealcoach.cli {1e3 * (imported - started):.0f} ms,"
        f" command {1e3 * (done - imported):.0f} ms (under the profiler)"
    )
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
