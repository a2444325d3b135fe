"""Looking after the data: `backup` and `doctor`."""

from __future__ import annotations

import stat
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import typer

from dealcoach.commands.options import JsonOpt


def backup(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(help="Where to write the copy (default: backups/ in the data folder)."),
    ] = None,
) -> None:
    """Copy the database safely, even while another dealcoach is writing (readable by you only)."""
    from dealcoach.home import paths
    from dealcoach.render import text as render
    from dealcoach.store.store import Store

    g = ctx.obj
    dest = file or _default_backup(paths.home() / "backups", g.today.isoformat())
    with Store.open(paths.db_path(g.db)) as store:
        size = store.db.backup(dest)
    from rich.text import Text

    render.console().print(
        Text(f"backed up to {render.clean(dest)} ({size:,} bytes)"), soft_wrap=True
    )


def _default_backup(folder: Path, day: str) -> Path:
    candidate = folder / f"dealcoach-{day}.db"
    n = 2
    while candidate.exists():
        candidate = folder / f"dealcoach-{day}-{n}.db"
        n += 1
    return candidate


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def doctor(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Check the database, the settings and the files, and say how to fix each problem found."""
    from dealcoach.home import paths
    from dealcoach.render import text as render

    g = ctx.obj
    checks = [*_where(paths.home(), paths.db_path(g.db)), *_database(paths.db_path(g.db))]
    checks.extend(_settings(paths.config_path()))
    drafts = sorted(paths.drafts_dir().glob("*.json")) if paths.drafts_dir().is_dir() else []
    if drafts:
        checks.append(
            Check(
                "drafts",
                True,
                f"{len(drafts)} unfinished interview(s) kept",
                "dealcoach qualify --resume",
            )
        )
    healthy = all(c.ok for c in checks)
    if json_out:
        render.write_json({"ok": healthy, "checks": [asdict(c) for c in checks]})
    else:
        _show(checks)
    if not healthy:
        raise typer.Exit(1)


def _where(home: Path, db: Path) -> list[Check]:
    return [Check("data folder", True, str(home)), Check("database file", True, str(db))]


def _database(db: Path) -> list[Check]:
    from dealcoach.errors import DealcoachError
    from dealcoach.store.store import Store

    if not db.exists():
        return [Check("database", False, f"no database yet at {db}", "run dealcoach qualify")]
    found: list[Check] = []
    mode = stat.S_IMODE(db.stat().st_mode)
    found.append(
        Check(
            "permissions",
            mode & 0o077 == 0,
            f"{db.name} is {mode:04o}",
            f"chmod 600 {db}" if mode & 0o077 else "",
        )
    )
    try:
        with Store.open(db) as store:
            health = store.db.health()
    except DealcoachError as exc:
        found.append(
            Check(
                "database", False, exc.message, "restore a backup with --db, or move the file away"
            )
        )
        return found
    integrity_ok = health["integrity"] == ["ok"]
    found.append(
        Check(
            "integrity",
            integrity_ok,
            "ok" if integrity_ok else "; ".join(health["integrity"][:3]),
            "" if integrity_ok else "restore the newest backup (dealcoach backup makes them)",
        )
    )
    fk_ok = health["foreign_key_problems"] == 0
    found.append(
        Check(
            "foreign keys",
            fk_ok,
            "ok" if fk_ok else f"{health['foreign_key_problems']} rows point at missing rows",
            "" if fk_ok else "restore the newest backup",
        )
    )
    version_ok = health["schema_version"] == health["expected_schema_version"]
    found.append(
        Check(
            "schema",
            version_ok,
            f"version {health['schema_version']}",
            "" if version_ok else "upgrade dealcoach",
        )
    )
    wal = health["journal_mode"] == "wal"
    found.append(
        Check(
            "journal",
            wal,
            health["journal_mode"],
            "" if wal else "open it once with dealcoach next",
        )
    )
    found.append(Check("deals", True, f"{health['open_deals']} open of {health['deals']}"))
    return found


def _settings(config: Path) -> list[Check]:
    from dealcoach.errors import DealcoachError
    from dealcoach.home.config import load_settings
    from dealcoach.home.holidays import known_country

    try:
        settings = load_settings(config)
    except DealcoachError as exc:
        return [Check("config", False, exc.message, f"fix or remove {config}")]
    detail = f"{config}" if config.exists() else "defaults (no config.toml)"
    checks = [Check("config", True, detail)]
    if not known_country(settings.country):
        checks.append(
            Check(
                "holidays",
                False,
                f"country {settings.country!r} is not known to the holidays library",
                f"set country to an ISO code such as US, GB, FR in {config}",
            )
        )
    else:
        checks.append(Check("holidays", True, f"public holidays of {settings.country}"))
    return checks


def _show(checks: list[Check]) -> None:
    from rich.table import Table
    from rich.text import Text

    from dealcoach.render import text as render

    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    for check in checks:
        mark = Text("✓", style="green") if check.ok else Text("✗", style="red")
        detail = Text(render.clean(check.detail))
        if check.fix:
            detail.append(
                f"\nfix: {render.clean(check.fix)}", style="yellow" if not check.ok else "dim"
            )
        table.add_row(mark, check.name, detail)
    render.console().print(table)
