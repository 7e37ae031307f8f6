"""Machine formats, pure: json, ndjson, csv and tsv writers and the spreadsheet formula guard.

No Rich, no interface language: the core writes its own files through these (an export's cells, a batch's
rows), and :mod:`advocate.render` adds the terminal table on top.

* CSV/TSV cells a spreadsheet would run as a formula are neutralised (:func:`neutralize`).
* JSON arrays stream row by row and are still valid JSON (``[]`` when empty).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import IO, Any

MACHINE_FORMATS = ("json", "ndjson", "csv", "tsv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
_FORMULA_CHARS = "".join(_FORMULA_START)
# a signed plain number is a number to a spreadsheet, not a formula: "-80.19" from a caller's own
# longitude column is left as it is
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def neutralize(value):
    """Make a CSV/TSV cell safe to open in a spreadsheet (OWASP: prefix formula starters with ').

    The common cells (plain text, numbers, empty, lists of text) take the first few lines: this runs
    once per cell of every delimited row, so a batch of 50,000 rows calls it close to a million times."""
    kind = type(value)
    if kind is str:
        if value and (value[0] in _FORMULA_CHARS or "\x00" in value):
            value = value.replace("\x00", "")
            if _PLAIN_NUMBER.fullmatch(value):
                return value
            return "'" + value if value.startswith(_FORMULA_START) else value
        return value
    if value is None:
        return ""
    if kind is int or kind is float:
        return value  # numbers, including negative coordinates, stay numbers
    if kind is list:
        try:
            return neutralize(";".join(value))
        except TypeError:  # not all text
            pass
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = scalar_text(value).replace("\x00", "")
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def scalar_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(scalar_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _dumps(row) -> str:
    return json.dumps(row, ensure_ascii=False, default=_json_default)


def write_rows(rows: Iterable[Mapping[str, Any]], fmt: str, *, columns: list[str] | None = None, out: IO[str] | None = None) -> int:
    """Write ``rows`` as json, ndjson, csv or tsv; ``columns`` limits and orders them. Returns the number of
    rows written."""
    out = out or sys.stdout
    rows = iter(rows)
    if fmt == "json":
        return _json(rows, columns, out)
    if fmt == "ndjson":
        n = 0
        buf = _Buffer(out)
        for row in rows:
            buf.write(_dumps(_pick(row, columns)) + "\n")
            n += 1
        buf.flush()
        return n
    if fmt in ("csv", "tsv"):
        return _delimited(rows, columns, out, "," if fmt == "csv" else "\t")
    raise ValueError(f"unknown format {fmt!r}")


def _pick(row: Mapping[str, Any], columns):
    return {c: row.get(c) for c in columns} if columns else row


class _Buffer:
    """Output collected and written in pieces of about 64 KiB: with ``PYTHONUNBUFFERED=1`` in the
    environment (many container images set it) every ``write`` to stdout is a system call, one or more
    per row otherwise. What is written is the same; a row reaches the reader when its piece is full."""

    SIZE = 1 << 16

    def __init__(self, out):
        self.out, self.parts, self.size = out, [], 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.out.write("".join(self.parts))
            self.parts.clear()
            self.size = 0


def _json(rows: Iterator[Mapping[str, Any]], columns, out) -> int:
    n = 0
    buf = _Buffer(out)
    for row in rows:
        buf.write(("[" if n == 0 else ",\n ") + _dumps(_pick(row, columns)))
        n += 1
    buf.write("[]\n" if n == 0 else "]\n")
    buf.flush()
    return n


def _delimited(rows: Iterator[Mapping[str, Any]], columns, out, delimiter: str) -> int:
    writer = None
    n = 0
    cell = neutralize
    buf = _Buffer(out)
    for row in rows:
        if writer is None:
            fields = list(columns or row)
            writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
            writer.writerow([cell(f) for f in fields])
        writer.writerow(list(map(cell, map(row.get, fields))))
        n += 1
    if writer is None and columns:
        csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow(columns)
    buf.flush()
    return n


def write_cells(header: list[str], chunks: Iterable[list[list]], fmt: str = "csv", *,
                 out: IO[str] | None = None) -> int:
    """CSV or TSV of rows that are already lists of safe cells (each already passed through
    :func:`neutralize`), given a list of rows at a time, as ``run_batch(..., cells=...)`` yields them:
    the same bytes :func:`write_rows` writes for the equivalent dicts, with far less work per row. The
    header is written even when there are no rows. Returns the number of rows written."""
    if fmt not in ("csv", "tsv"):
        raise ValueError(f"write_cells writes csv or tsv, not {fmt!r}")
    out = out or sys.stdout
    buf = _Buffer(out)
    writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerow([neutralize(h) for h in header])
    n = 0
    for rows in chunks:
        writer.writerows(rows)
        n += len(rows)
    buf.flush()
    return n


class _Lines(list):
    """A file for :class:`csv.writer` that keeps each line it writes (the writer writes a row in one call)."""

    write = list.append


def delimited_parts(rows: Iterable[list], fmt: str = "csv") -> list[str]:
    """Each row of ready cells (each already passed through :func:`neutralize`) as the text
    :func:`write_cells` writes for it, without the line end. The cells are quoted one by one, so a row
    of two or more cells can be cut into parts written apart and joined again with the delimiter: a
    batch formats each service's and each place's cells once, however many lines show them.
    (A row of one empty cell is written ``""``: give rows of at least two cells.)"""
    if fmt not in ("csv", "tsv"):
        raise ValueError(f"delimited_parts writes csv or tsv, not {fmt!r}")
    lines = _Lines()
    csv.writer(lines, delimiter="," if fmt == "csv" else "\t", lineterminator="\n").writerows(rows)
    return [line[:-1] for line in lines]


def write_lines(header: list[str], chunks: Iterable[str], fmt: str = "csv", *, out: IO[str] | None = None) -> None:
    """CSV or TSV: the header row, then text that is already whole lines (as ``run_batch(..., lines=...)``
    yields it, many lines at a time). The header is written even when there are no lines."""
    if fmt not in ("csv", "tsv"):
        raise ValueError(f"write_lines writes csv or tsv, not {fmt!r}")
    buf = _Buffer(out or sys.stdout)
    csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n").writerow(
        [neutralize(h) for h in header])
    for text in chunks:
        buf.write(text)
    buf.flush()
