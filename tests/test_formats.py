"""advocate.formats: the pure machine formats (no Rich, no interface language) the core writes with."""

import io
import json
import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate.formats import delimited_parts, neutralize, write_cells, write_lines, write_rows
from advocate.render import render

ROWS = [{"name": "=HYPERLINK(\"http://x\")", "lat": -73.5, "tags": ["a", "b"], "ok": True, "none": None},
        {"name": "plain", "lat": 1.0, "tags": [], "ok": False, "none": None}]


@given(st.text())
def test_neutralize_never_leaves_a_formula(text):
    value = neutralize(text)
    if re.fullmatch(r"[+-]?[0-9]+(?:\.[0-9]+)?", value):
        return  # a signed plain number: a spreadsheet reads it as a number
    assert not str(value).startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("text, cell", [("-80.19", "-80.19"), ("+52", "+52"), ("-1+2", "'-1+2"),
                                        ("-80.19\n", "'-80.19\n"), ("+52 55 1234 5678", "'+52 55 1234 5678"),
                                        ("=1", "'=1"), ("-", "'-"), ("-\x001", "-1")])
def test_signed_plain_numbers_stay_numbers(text, cell):
    assert neutralize(text) == cell


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv"])
@pytest.mark.parametrize("columns", [None, ["lat", "name"]])
def test_render_writes_the_machine_formats_through_formats(fmt, columns):
    a, b = io.StringIO(), io.StringIO()
    assert write_rows(ROWS, fmt, columns=columns, out=a) == render(ROWS, fmt, columns=columns, out=b) == 2
    assert a.getvalue() == b.getvalue()


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError):
        write_rows(ROWS, "table", out=io.StringIO())
    with pytest.raises(ValueError):
        write_cells(["a"], [], "json", out=io.StringIO())


def test_write_cells_matches_write_rows_for_ready_cells():
    rows = [{"a": 1, "b": "=x"}, {"a": -2.5, "b": ["p", "q"]}]
    a, b = io.StringIO(), io.StringIO()
    write_rows(rows, "csv", columns=["a", "b"], out=a)
    write_cells(["a", "b"], [[[neutralize(r["a"]), neutralize(r["b"])] for r in rows]], "csv", out=b)
    assert a.getvalue() == b.getvalue() == "a,b\n1,'=x\n-2.5,p;q\n"
    assert json.loads(write_rows_text(rows, "json")) == rows


_CELL = st.one_of(st.text(), st.text(alphabet=',\t"\r\n =-x'), st.integers(), st.floats(allow_nan=False),
                  st.just(""))


@given(st.lists(st.lists(_CELL, min_size=4, max_size=7), min_size=1, max_size=4), st.integers(2, 5),
       st.sampled_from(["csv", "tsv"]))
def test_delimited_parts_join_to_the_lines_write_cells_writes(rows, cut, fmt):
    """A batch quotes each service's cells once and joins the parts of a line with the delimiter: cells are
    quoted one by one, so parts of two or more cells joined again are the bytes write_cells writes."""
    cells = [[neutralize(c) for c in row] for row in rows]
    whole = io.StringIO()
    write_cells(["a", "b"], [cells], fmt, out=whole)
    assert whole.getvalue().startswith("a,b\n" if fmt == "csv" else "a\tb\n")
    sep = "," if fmt == "csv" else "\t"
    assert "".join(f"{line}\n" for line in delimited_parts(cells, fmt)) == whole.getvalue()[4:]
    cut = min(cut, min(len(r) for r in cells) - 2)
    if cut >= 2:
        left = delimited_parts([r[:cut] for r in cells], fmt)
        right = delimited_parts([r[cut:] for r in cells], fmt)
        lines = io.StringIO()
        write_lines(["a", "b"], ["".join(f"{a}{sep}{b}\n" for a, b in zip(left, right, strict=True))], fmt, out=lines)
        assert lines.getvalue() == whole.getvalue()


def test_delimited_parts_and_write_lines_refuse_other_formats():
    with pytest.raises(ValueError):
        delimited_parts([["a", "b"]], "json")
    with pytest.raises(ValueError):
        write_lines(["a"], [], "ndjson", out=io.StringIO())
    out = io.StringIO()
    write_lines(["=a", "b"], [], "csv", out=out)
    assert out.getvalue() == "'=a,b\n"


def write_rows_text(rows, fmt):
    buf = io.StringIO()
    write_rows(rows, fmt, out=buf)
    return buf.getvalue()


def test_formats_loads_neither_rich_nor_the_interface_language():
    code = ("import sys, advocate.formats; print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'"
            " or m in ('advocate.i18n', 'advocate.render', 'babel')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_machine_formats_write_in_pieces_not_per_row():
    """With PYTHONUNBUFFERED=1 every write to stdout is a system call: rows are written in pieces."""

    class Counting(io.StringIO):
        calls = 0

        def write(self, s):
            Counting.calls += 1
            return super().write(s)

    rows = [{"a": i, "b": f"text {i}"} for i in range(5000)]
    for fmt in ("csv", "tsv", "json", "ndjson"):
        Counting.calls = 0
        out, plain = Counting(), io.StringIO()
        write_rows(iter(rows), fmt, columns=["a", "b"], out=out)
        write_rows(iter(rows), fmt, columns=["a", "b"], out=plain)
        assert out.getvalue() == plain.getvalue() and Counting.calls < 10, fmt
    Counting.calls = 0
    out = Counting()
    assert write_cells(["a", "b"], [[[i, "x"] for i in range(2500)]] * 2, "csv", out=out) == 5000
    assert Counting.calls < 10 and out.getvalue().startswith("a,b\n0,x\n")
