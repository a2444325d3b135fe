"""The SQL that makes SQLite write an export's CSV lines, byte for byte as the csv module would.

Handing 30 Python objects a row to `csv.writer` is what made `export --format csv` slow; SQLite's
`printf` writes the same line in a fraction of the time. The expression must write exactly what
`csv.writer` writes for `exporting.csv_rows` (the tests compare the two on hostile cells), or give
the row's id so that Python writes it:

- text is guarded (`exporting.encode_cell`) and quoted only when it holds `,` `"` CR or LF, with
  `"` doubled; NULL is empty; integers in decimal; a float as `repr` would print it;
- `printf` stops a text at a NUL, so a row with a NUL in a cell is left to Python.

Checking each text cell for those characters costs more than writing the line, so a row is checked
once: `json_array` of its text cells escapes `"`, `\\`, CR, LF and every other control character
(NUL included) with a backslash, and its only commas are the `","` between cells unless a cell holds
one. Most rows hold neither and are written as they are (guarded). A row whose cells hold commas but
no backslash is written with those cells quoted; any other row gets the full per-cell quoting, or
goes to Python if it holds a NUL. JSON cells (lists and objects) nearly always need quoting and are
checked on their own: the line's format quotes them with `%w`, which doubles `"`.

Floats: `%!.15g` matches `repr` when the text reads back as the same float (so 15 digits are enough,
as `repr` uses the fewest that are) and the number is printed without an exponent by both
(1e-4 <= |x| < 1e15); otherwise Python writes the row. Text columns hold text or NULL (TEXT
affinity, and dealcoach stores `str`); a BLOB would be written as its bytes where the csv module
writes `b'...'`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dealcoach.exporting import DANGEROUS, GUARD

_TRIGGERS = (*DANGEROUS, GUARD)
_UPPER = chr(max(map(ord, _TRIGGERS)) + 1)  # a cell from here up is never guarded...
_DIGITS_TO = min(t for t in _TRIGGERS if t > "9")  # ...nor one from "0" up to this
if any("0" <= t < _DIGITS_TO for t in _TRIGGERS):
    raise ValueError("the SQL guard assumes that no digit starts a formula")


def _lit(text: str) -> str:
    """A string literal, with the contract's control characters as `char()` (folded once)."""
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return f"char({', '.join(str(ord(ch)) for ch in text)})"


def _guarded(c: str) -> str:
    safe = f"{c} >= {_lit(_UPPER)} OR ({c} >= '0' AND {c} < {_lit(_DIGITS_TO)})"
    listed = ", ".join(_lit(t) for t in _TRIGGERS)
    return (
        f"CASE WHEN NOT ({safe}) AND substr({c}, 1, 1) IN ({listed})"
        f" THEN {_lit(GUARD)} || {c} ELSE {c} END"
    )


def _needs_quotes(c: str) -> str:  # `"` first: a JSON cell has one at once
    return " OR ".join(f"instr({c}, {_lit(x)})" for x in ('"', ",", "\n", "\r"))


def _quoted(c: str) -> str:
    return (
        f"CASE WHEN {_needs_quotes(c)} THEN printf('\"%w\"', {_guarded(c)}) ELSE {_guarded(c)} END"
    )


def _comma_quoted(c: str) -> str:  # the row holds no `"`, CR or LF: only commas need quotes
    return f"CASE WHEN instr({c}, ',') THEN printf('\"%s\"', {_guarded(c)}) ELSE {_guarded(c)} END"


def _real(c: str) -> str:
    return f"CASE WHEN {c} IS NULL THEN '' ELSE printf('%!.15g', {c}) END"


def line_sql(columns: Sequence[str], kinds: Sequence[str], table: str = "t") -> str:
    """One SQL expression over `table`'s row: its CSV line as a BLOB, or its id for Python."""
    typed: list[str] = []  # a row fails one of these: Python writes it
    texts: list[str] = []  # the text cells (not JSON), as they are
    json_cells: list[str] = []
    for name, kind in zip(columns, kinds, strict=True):
        c = f"{table}.{name}"
        if kind == "int":
            if name != "id":  # INTEGER PRIMARY KEY in every table: always an integer
                typed.append(f"{c} IS CAST({c} AS INTEGER)")  # NULL too; cheaper than typeof
        elif kind == "real":
            typed.append(
                f"({c} IS NULL OR ({c} IS CAST({c} AS REAL)"
                f" AND ({c} >= 1e-4 AND {c} < 1e15 OR {c} <= -1e-4 AND {c} > -1e15)"
                f" AND CAST(printf('%!.15g', {c}) AS REAL) = {c}))"
            )
        elif kind == "json":
            typed.append(f"ifnull(instr({c}, char(0)), 0) = 0")
            json_cells.append(c)
        else:
            texts.append(c)

    def line(text_cell: Callable[[str], str]) -> str:
        """The row's line, its text cells written by `text_cell`, its JSON cells by the format."""
        args: list[str] = []
        for name, kind in zip(columns, kinds, strict=True):
            c = f"{table}.{name}"
            if kind == "int":
                args.append(c)
            elif kind == "real":
                args.append(_real(c))
            elif kind == "json":
                args.append(_guarded(c))
            else:
                args.append(text_cell(c))

        def formats(quoted: dict[str, bool]) -> str:
            """The format string: a CASE that quotes each JSON cell with `%w` when it needs it."""
            if len(quoted) < len(json_cells):
                c = json_cells[len(quoted)]
                yes, no = formats({**quoted, c: True}), formats({**quoted, c: False})
                return f"CASE WHEN {_needs_quotes(c)} THEN {yes} ELSE {no} END"
            slots = ['"%w"' if quoted.get(f"{table}.{name}") else "%s" for name in columns]
            return "'" + ",".join(slots) + "\r\n'"

        return f"CAST(printf({formats({})}, {', '.join(args)}) AS BLOB)"

    plain = [f"ifnull(CAST({c} AS TEXT), '')" for c in texts]
    plain += ["''"] * (2 - len(plain))  # the comma test below needs two cells or more
    cells = f"json_array({', '.join(plain)})"
    special = f"instr(replace(replace({cells}, '\",\"', ''), ',', '\\'), '\\')"
    return (
        f"CASE WHEN NOT ({' AND '.join(typed) or '1'}) THEN {table}.id"
        f" WHEN {special} THEN CASE WHEN instr({cells}, '\\') = 0 THEN {line(_comma_quoted)}"
        f" WHEN instr({cells}, '\\u0000') THEN {table}.id ELSE {line(_quoted)} END"
        f" ELSE {line(_guarded)} END"
    )
