"""The SQL that makes SQLite write an export's CSV lines, byte for byte as the csv module would.

Handing 30 Python objects a row to `csv.writer` is what made `export --format csv` slow; SQLite's
`printf` writes the same line in a fraction of the time. The expression must write exactly what
`csv.writer` writes for `writing.csv_rows` (the tests compare the two on hostile cells), or give
the row's id so that Python writes it:

- text is guarded (`tables.encode_cell`) and quoted only when it holds `,` `"` CR or LF, with
  `"` doubled; NULL is empty; integers in decimal; a float as `repr` would print it;
- `printf` stops a text at a NUL, and the csv module writes a BLOB as `b'...'`: such rows, and any
  value of another type than its column's, are left to Python.

Checking each text cell for those characters costs more than writing the line, so a row is checked
once: `json_array` of its text cells escapes `"`, `\\`, CR, LF and every other control character
(NUL included) with a backslash, and its only commas are the `","` between cells unless a cell holds
one. A BLOB enters it as a NUL. Most rows have neither a backslash nor such a comma there and are
written as they are (guarded). A row with commas but no backslash gets those cells quoted; any other
row gets the full per-cell quoting, or goes to Python if it holds a NUL (or the text `\\u0000`,
which the check cannot tell from one). JSON cells (lists and objects) nearly always need quoting
and are checked on their own: the line's format quotes them with `%w`, which doubles `"`.

Floats: SQLite 3.40 reads some decimal texts back as a neighbouring float, so a round trip through
text cannot prove that `%!.15g` prints what `repr` prints. Arithmetic can: when `round(x * 1e6) /
1e6 = x`, x is the float nearest a decimal with at most six places (the division is correctly
rounded), that decimal is `repr`'s shortest form, and with |x| in [1e-4, 1e9) it has at most 15
digits and no exponent, which is what `%!.15g` prints. Any other float goes to Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dealcoach.interop.tables import GUARD, TRIGGERS

_ORDERED = sorted(TRIGGERS)
_UPPER = chr(max(map(ord, TRIGGERS)) + 1)  # a cell from here up is never guarded...
_DIGITS_TO = min(t for t in TRIGGERS if t > "9")  # ...nor one from "0" up to this
if any("0" <= t < _DIGITS_TO for t in TRIGGERS):
    raise ValueError("the SQL guard assumes that no digit starts a formula")


def _lit(text: str) -> str:
    """A string literal; control characters as `char()`, which SQLite evaluates once."""
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return f"char({', '.join(str(ord(ch)) for ch in text)})"


def _guarded(c: str) -> str:
    safe = f"{c} >= {_lit(_UPPER)} OR ({c} >= '0' AND {c} < {_lit(_DIGITS_TO)})"
    listed = ", ".join(_lit(t) for t in _ORDERED)
    return (
        f"CASE WHEN NOT ({safe}) AND substr({c}, 1, 1) IN ({listed})"
        f" THEN {_lit(GUARD)} || {c} ELSE {c} END"
    )


def _needs_quotes(c: str) -> str:  # `"` first: a JSON cell holds one at once
    return " OR ".join(f"instr({c}, {_lit(x)})" for x in ('"', ",", "\n", "\r"))


def _quoted(c: str) -> str:
    g = _guarded(c)
    return f"CASE WHEN {_needs_quotes(c)} THEN printf('\"%w\"', {g}) ELSE {g} END"


def _comma_quoted(c: str) -> str:  # the row holds no `"`, CR or LF: only commas need quotes
    g = _guarded(c)
    return f"CASE WHEN instr({c}, ',') THEN printf('\"%s\"', {g}) ELSE {g} END"


def line_sql(columns: Sequence[str], kinds: Sequence[str], table: str = "t") -> str:
    """One SQL expression over `table`'s row: its CSV line as a BLOB, or its id for Python."""
    cells = [(f"{table}.{name}", name, kind) for name, kind in zip(columns, kinds, strict=True)]
    exact: list[str] = []  # a row fails one of these: Python writes it
    texts: list[str] = []  # the text cells (not JSON), as they are
    json_cells: list[str] = []
    for c, name, kind in cells:
        if kind == "int":
            if name != "id":  # INTEGER PRIMARY KEY in every table: always an integer
                # -2**63 as a float stays a float in an INTEGER column, and equals its CAST
                exact.append(
                    f"{c} IS CAST({c} AS INTEGER) AND ifnull({c} > -9223372036854775808, 1)"
                )
        elif kind == "real":
            exact.append(
                f"({c} IS NULL OR ({c} IS CAST({c} AS REAL)"
                f" AND ({c} >= 1e-4 AND {c} < 1e9 OR {c} <= -1e-4 AND {c} > -1e9)"
                f" AND round({c} * 1e6) / 1e6 = {c}))"
            )
        elif kind == "json":
            exact.append(f"ifnull(instr({c}, char(0)), 0) = 0 AND ifnull({c} < X'', 1)")
            json_cells.append(c)
        else:
            texts.append(c)

    fmt = _format(cells, json_cells)

    def line(text_cell: Callable[[str], str]) -> str:
        """The row's line, its text cells written by `text_cell`, its JSON cells by the format."""
        args: list[str] = []
        for c, _, kind in cells:
            if kind == "int":
                args.append(c)
            elif kind == "real":
                args.append(f"CASE WHEN {c} IS NULL THEN '' ELSE printf('%!.15g', {c}) END")
            elif kind == "json":
                args.append(_guarded(c))
            else:
                args.append(text_cell(c))
        return f"CAST(printf({fmt}, {', '.join(args)}) AS BLOB)"

    # text as it is; NULL as ''; a BLOB as a NUL, which sends its row to Python
    plain = [
        f"CASE WHEN {c} < X'' THEN {c} WHEN {c} IS NULL THEN '' ELSE char(0) END" for c in texts
    ]
    plain += ["''"] * (2 - len(plain))  # the comma test below needs two cells or more
    checked = f"json_array({', '.join(plain)})"
    escapes_or_commas = f"instr(replace(replace({checked}, '\",\"', ''), ',', '\\'), '\\')"
    return (
        f"CASE WHEN NOT ({' AND '.join(exact) or '1'}) THEN {table}.id"
        f" WHEN {escapes_or_commas} THEN CASE WHEN instr({checked}, '\\') = 0"
        f" THEN {line(_comma_quoted)}"
        f" WHEN instr({checked}, '\\u0000') THEN {table}.id ELSE {line(_quoted)} END"
        f" ELSE {line(_guarded)} END"
    )


def _format(cells: list[tuple[str, str, str]], json_cells: list[str]) -> str:
    """The line's printf format: a JSON cell's slot is `"%w"` when it needs quotes, else `%s`.

    With one JSON cell (every table has at most one) a CASE picks one of two whole format strings,
    so no text is built per row; with more, the format is joined from pieces, a CASE per JSON cell.
    """

    def whole(quoted: str | None) -> str:
        return "'" + ",".join('"%w"' if c == quoted else "%s" for c, _, _ in cells) + "\r\n'"

    if not json_cells:
        return whole(None)
    if len(json_cells) == 1:
        (c,) = json_cells
        return f"CASE WHEN {_needs_quotes(c)} THEN {whole(c)} ELSE {whole(None)} END"
    pieces: list[str] = []
    fixed: list[str] = []
    for c, _, kind in cells:
        if kind == "json":
            pieces.append("'" + ",".join([*fixed, ""]) + "'")
            pieces.append(f"CASE WHEN {_needs_quotes(c)} THEN '\"%w\"' ELSE '%s' END")
            fixed = [""]
        else:
            fixed.append("%s")
    pieces.append("'" + ",".join(fixed) + "\r\n'")
    return " || ".join(pieces)
