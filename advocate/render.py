"""The one place that turns rows into output: a Rich table, or (through :mod:`advocate.formats`) json,
ndjson, csv or tsv.

* Text that comes from data is printed literally: never read as Rich markup, and terminal control
  characters (escape sequences, bidi overrides) are stripped from every table cell.
* The machine formats, and the formula guard for CSV/TSV cells, live in :mod:`advocate.formats`: pure
  writers the core uses too; this module is the terminal side (only the CLI calls it).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Mapping
from typing import IO, Any

from advocate.formats import scalar_text, write_rows
from advocate.i18n import _
from advocate.textnorm import strip_control

FORMATS = ("table", "json", "ndjson", "csv", "tsv")


def cell_text(value) -> str:
    """Terminal-safe text for one cell (yes/no in the interface language)."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(v) for v in value)
    return strip_control(scalar_text(value))


def _multiline(value) -> str:
    if isinstance(value, str) and "\n" in value:
        return "\n".join(strip_control(part) for part in value.split("\n"))
    return cell_text(value)


def render(rows: Iterable[Mapping[str, Any]], fmt: str = "table", *, columns: list[str] | None = None,
           table_columns: list[tuple] | None = None, out: IO[str] | None = None,
           title: str | None = None, empty_message: str | None = None, err: IO[str] | None = None,
           wide: bool = False, on_dropped=None) -> int:
    """Write ``rows`` in ``fmt``. ``columns`` limits and orders the machine formats;
    ``table_columns`` is [(key, header[, Rich column options])] for the terminal table, where the option
    ``keep`` marks the id column that is never wrapped or cut, ``drop`` (1 first) a column that may be left
    out on a narrow terminal (``on_dropped(headers)`` is told which); ``wide`` draws the table unwrapped.
    Returns the number of rows written."""
    out = out or sys.stdout
    if fmt == "table":
        return _table(list(rows), table_columns or [(c, c) for c in (columns or [])], out, title, empty_message, err,
                      wide, on_dropped)
    return write_rows(rows, fmt, columns=columns, out=out)


def console(file: IO[str] | None = None, *, stderr: bool = False):
    """A Rich console that never interprets markup in data and honours NO_COLOR and non-terminals."""
    import os

    target = file if file is not None else (sys.stderr if stderr else sys.stdout)
    width = None
    if not _isatty(target) and not os.environ.get("COLUMNS"):
        width = 160  # piped into less or a file: do not squeeze into 80 columns
    return _console_class()(file=file, stderr=stderr and file is None, markup=False, highlight=False, emoji=False,
                            soft_wrap=False, width=width)


@functools.cache
def _console_class():
    """Rich's Console, except that a closed pipe is left to the CLI (Rich imported only when drawing)."""
    from rich.console import Console

    class QuietConsole(Console):
        def on_broken_pipe(self) -> None:
            """`advocate ... | head`: Rich would exit 1 here; raise the plain error the CLI turns into exit 0."""
            self.quiet = True
            raise BrokenPipeError

    return QuietConsole


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


SHORTEST_ID = 10  # an id column is never shortened below this many characters


def _fit(cells: list[list[str]], headers: list[str], opts: list[dict], width: int) -> tuple[list[dict], list[int]]:
    """Column options that keep every ``keep`` column (an id to copy) whole on one line at ``width``: the
    other columns are narrowed first, widest first (they wrap instead); when even that cannot fit, the
    columns marked ``drop`` (1 first) are left out; then a ``keep`` column with a ``shorten(text, width)``
    option (which returns a form no longer than ``width`` that the program still accepts, such as a unique
    prefix and "…", or the text itself) gives up its longest ids, so that the other columns keep their own
    minimums instead of being squeezed to a few letters. ``cells`` may be changed in place (shortened ids).
    Returns (options, indexes of the columns left out)."""
    def longest_line(text: str) -> int:
        return max((len(line) for line in text.split("\n")), default=0)

    def naturals() -> list[int]:
        return [max([longest_line(headers[i]), 0 if o.get("keep") else (o.get("min_width") or 0)]
                    + [longest_line(row[i]) for row in cells]) for i, o in enumerate(opts)]

    natural = naturals()
    # words are broken only when nothing else fits
    # (a header's words too: "Última descarga", not "descarg / a")
    longest_word = [max([len(w) for row in cells for w in row[i].split()] + [len(w) for w in headers[i].split()]
                        or [0]) for i in range(len(headers))]
    kept = [i for i, o in enumerate(opts) if o.get("keep")]
    out = [{k: v for k, v in o.items() if k not in ("keep", "drop", "words", "shorten")} for o in opts]
    if not kept:
        return out, []
    for i in kept:  # never folded, never cut: the whole id on one line
        out[i] |= {"no_wrap": True, "overflow": "ignore", "min_width": natural[i], "max_width": None}
    droppable = sorted((i for i, o in enumerate(opts) if o.get("drop")), key=lambda i: opts[i]["drop"])
    shortenable = [i for i in kept if opts[i].get("shorten")]
    dropped: list[int] = []
    while True:
        shown = [i for i in range(len(headers)) if i not in dropped]
        overhead = 3 * len(shown) + 1  # a space of padding each side of a cell, a separator, the edges
        budget = width - overhead - sum(natural[i] for i in kept)
        caps = {i: min(natural[i], opts[i].get("max_width") or natural[i]) for i in shown if i not in kept}
        rigid = {i for i in caps if opts[i].get("no_wrap")}
        tiers = [  # each narrower than the one before: the columns' own minimums and whole words; whole words;
            # eight characters or the column's minimum, words broken if need be (never in a ``words`` column: phones)
            ({i: natural[i] if i in rigid else min(natural[i], max(8, opts[i].get("min_width") or 0, longest_word[i]))
              for i in caps}, False),
            ({i: natural[i] if i in rigid else min(natural[i], max(4, longest_word[i])) for i in caps}, False),
            ({i: min(natural[i], max(8, opts[i].get("min_width") or 0,
                                     longest_word[i] if opts[i].get("words") else 0)) for i in caps}, True),
            # eight characters even below the column's minimum: still a name, not a few letters
            ({i: natural[i] if i in rigid else min(natural[i], max(8, longest_word[i] if opts[i].get("words") else 0))
              for i in caps}, True),
        ]
        fitting = next((t for t in tiers[:3] if sum(t[0].values()) <= budget), None)
        if fitting is None and droppable:  # only then are the least needed columns left out
            dropped.append(droppable.pop(0))
            continue
        if fitting is None and shortenable:  # then the longest ids, down to what the other columns need
            short = shortenable.pop(0)
            # aim at the tier where every column keeps its own minimum (a name stays readable)
            target = max(SHORTEST_ID, len(headers[short]), natural[short] - (sum(tiers[2][0].values()) - budget))
            for row in cells:
                if len(row[short]) > target:
                    row[short] = opts[short]["shorten"](row[short], target)
            natural = naturals()
            out[short]["min_width"] = natural[short]
            continue
        if fitting is None and sum(tiers[3][0].values()) <= budget:
            fitting = tiers[3]
        floor, breaks = fitting or ({i: natural[i] if i in rigid else min(natural[i], longest_word[i])
                                     if opts[i].get("words") else 1 for i in caps}, True)
        break
    for i in caps:
        if out[i].get("min_width") and out[i]["min_width"] > floor[i]:
            out[i]["min_width"] = floor[i]
        if breaks and natural[i] > floor[i]:  # a column allowed below its own width folds instead of being cut
            out[i] = {k: v for k, v in out[i].items() if k != "no_wrap"} | {"overflow": "fold"}
    while sum(caps.values()) > budget:
        widest = max((i for i in caps if caps[i] > floor[i]), key=lambda i: caps[i], default=None)
        if widest is None:
            break
        caps[widest] -= 1
    for i, cap in caps.items():
        if cap < natural[i]:
            out[i] |= {"max_width": cap, "min_width": min(cap, out[i].get("min_width") or 0) or None}
    return out, dropped


def _table(rows: list[Mapping[str, Any]], columns, out, title, empty_message, err, wide: bool = False, on_dropped=None) -> int:
    """A terminal table. A column whose options say ``keep`` (the id people copy) is never wrapped, cut or
    squeezed out: the other columns give way. ``wide`` draws every cell on one line, as wide as it needs."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if not rows:
        if empty_message:
            (err or sys.stderr).write(empty_message + "\n")
        return 0
    cells = [[_multiline(row.get(col[0])) for col in columns] for row in rows]
    headers = [_(header) for _key, header, *_opts in columns]
    opts = [{"overflow": "fold"} | (col[2] if len(col) > 2 else {}) for col in columns]
    con = console(out)
    if wide:
        opts = [{k: v for k, v in o.items() if k not in ("keep", "drop", "words", "shorten", "max_width", "min_width")}
                | {"no_wrap": True}
                for o in opts]
        natural = sum(max([len(h)] + [max(len(x) for x in row[i].split("\n")) for row in cells])
                      for i, h in enumerate(headers))
        con.width = max(con.width, natural + 3 * len(headers) + 1, len(title or ""))
        dropped: list[int] = []
    else:
        opts, dropped = _fit(cells, headers, opts, con.width)
    table = Table(title=Text(strip_control(title)) if title else None, box=box.SIMPLE_HEAD,
                  show_lines=False, expand=False, title_justify="left")
    for i, (header, o) in enumerate(zip(headers, opts, strict=True)):
        if i not in dropped:
            table.add_column(Text(header), **o)
    for row in cells:
        table.add_row(*[Text(c) for i, c in enumerate(row) if i not in dropped])
    con.print(table)
    if dropped:
        names = [headers[i] for i in dropped]
        if on_dropped is not None:  # the front end says how to see them
            on_dropped(names)
        else:
            (err or sys.stderr).write(_("Not shown at this width: {columns}.").format(columns=", ".join(names)) + "\n")
    return len(rows)


def render_record(record: Mapping[str, Any], fmt: str = "table", *, out: IO[str] | None = None, title: str | None = None,
                  labels: dict[str, str] | None = None) -> None:
    """One record: a two-column field/value table on a terminal, or the machine formats.

    On the terminal each field shows its label in the interface language (``labels``: a mapping of field ->
    msgid, default :data:`advocate.labels.FIELD_LABELS`); the machine formats keep the English keys."""
    out = out or sys.stdout
    if fmt != "table":
        render([record], fmt, out=out)
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(strip_control(title)) if title else None, box=box.SIMPLE, show_header=False,
                  title_justify="left")
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    from advocate.labels import field_label

    for key, value in record.items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = "\n".join(", ".join(cell_text(v) for v in item.values() if v not in (None, "")) for item in value)
            table.add_row(Text(field_label(key, labels)), Text(strip_control(value, keep_newlines=True)))
            continue
        table.add_row(Text(field_label(key, labels)), Text(cell_text(value)))
    console(out).print(table)
