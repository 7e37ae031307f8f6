import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from advocate.render import render, render_record

ROWS = [{"name": "=HYPERLINK(\"http://x\")", "lat": -73.5, "tags": ["a", "b"], "none": None},
        {"name": "[bold red]not markup[/]\x1b[31m", "lat": 1.0, "tags": [], "none": None}]


def out(fmt, rows=ROWS, **kw):
    buf = io.StringIO()
    render(rows, fmt, out=buf, **kw)
    return buf.getvalue()


def test_json_is_an_array_and_empty_is_brackets():
    assert json.loads(out("json")) == ROWS
    assert out("json", []) == "[]\n"


def test_ndjson_one_object_per_line():
    lines = out("ndjson").splitlines()
    assert [json.loads(line) for line in lines] == ROWS


def test_csv_neutralises_formulas_but_not_numbers():
    rows = list(csv.DictReader(io.StringIO(out("csv"))))
    assert rows[0]["name"].startswith("'=")
    assert rows[0]["lat"] == "-73.5"
    assert rows[0]["tags"] == "a;b"


def test_tsv_uses_tabs():
    text = out("tsv")
    assert text.splitlines()[0] == "name\tlat\ttags\tnone"


def test_table_prints_markup_literally_and_strips_escapes():
    text = out("table", table_columns=[("name", "Name"), ("lat", "Lat")])
    assert "[bold red]not markup[/]" in text
    assert "\x1b" not in text


def test_empty_table_says_so_on_err():
    err = io.StringIO()
    assert render([], "table", out=io.StringIO(), err=err, empty_message="nothing") == 0
    assert err.getvalue() == "nothing\n"


def test_record_table():
    buf = io.StringIO()
    render_record({"a": "[red]x[/]", "b": None}, "table", out=buf)
    assert "[red]x[/]" in buf.getvalue()


def test_columns_select_and_order():
    assert json.loads(out("json", columns=["lat", "name"]))[0] == {"lat": -73.5, "name": ROWS[0]["name"]}


# --- issue 15: the id column is never dropped, wrapped or cut -----------------------------------------

from hypothesis import settings  # noqa: E402

_WORDS = st.text(alphabet="abcdefghij ,-/()", min_size=0, max_size=60)


@settings(max_examples=60, deadline=None)
@given(st.integers(50, 160), st.lists(st.tuples(st.from_regex(r"[a-z]{2,12}(-[a-z0-9]{1,10}){0,3}", fullmatch=True),
                                                _WORDS, _WORDS, _WORDS), min_size=1, max_size=6))
def test_id_column_whole_at_any_width(width, rows):
    import io
    import os
    from unittest import mock

    from advocate.render import render

    data = [{"id": i, "name": a, "where": b, "note": c} for i, a, b, c in rows]
    cols = [("name", "Service", {"min_width": 14}), ("where", "Where", {"drop": 1}), ("note", "Check"),
            ("id", "ID", {"keep": True})]
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, {"COLUMNS": str(width)}):
        render(data, "table", table_columns=cols, out=out, err=err)
    lines = out.getvalue().splitlines()
    if max(len(r["id"]) for r in data) + 3 * len(cols) + 1 + len(cols) <= width:  # room for the id at all
        assert all(len(line.rstrip()) <= width for line in lines)
    for row in data:  # each id whole, on one line, as a token of its own
        assert any(row["id"] in line.split() for line in lines), (width, row["id"], out.getvalue())
