"""insert_values: several rows to a statement, the same rows as executemany."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advocate.store import values
from advocate.store.values import insert_values, split_insert

SCHEMA = """CREATE TABLE t (n INTEGER PRIMARY KEY, k TEXT, v, kind TEXT NOT NULL DEFAULT 'x', UNIQUE (k));
CREATE TABLE log (k TEXT, at INTEGER);
CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.k, new.n); END;"""
SQL = "INSERT OR IGNORE INTO t (k, v, kind) VALUES (?, ?, 'y')"


def _db():
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    return db


def _dump(db):
    return (db.execute("SELECT * FROM t ORDER BY n").fetchall(), db.execute("SELECT * FROM log ORDER BY rowid").fetchall())


cells = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=False), st.text(max_size=8),
                  st.binary(max_size=4))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "é", "e'f"] + [f"k{i}" for i in range(300)]), cells),
                     max_size=450))
def test_the_same_rows_and_triggers_as_executemany(rows):
    """OR IGNORE keeps the first row of a key, rowids and triggers come in the order given, whatever the count."""
    one, many = _db(), _db()
    one.executemany(SQL, rows)
    insert_values(many, SQL, rows)
    assert _dump(many) == _dump(one)


def test_a_hundred_rows_a_statement(monkeypatch):
    seen = []
    db = _db()
    db.execute("DROP TRIGGER t_log")  # (SQLite names the statement again for each row a trigger runs for)
    db.set_trace_callback(lambda sql: seen.append(sql) if sql.startswith("INSERT") else None)
    insert_values(db, SQL, [(f"k{i}", i) for i in range(250)])
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 250
    assert len(seen) == 2 + 50  # two statements of a hundred, then the fifty left one at a time
    monkeypatch.setattr(values, "ROWS_PER_STATEMENT", 1000)
    seen.clear()
    insert_values(db, "INSERT INTO log VALUES (?, ?)", [("x", i) for i in range(1200)])
    assert db.execute("SELECT count(*) FROM log WHERE k = 'x'").fetchone()[0] == 1200
    assert len(seen) == 2 + 202  # 999 parameters at most: 499 rows a statement, twice, then 202 one at a time


def test_parameters_stay_under_the_old_limit():
    db = _db()
    db.execute(f"CREATE TABLE wide ({', '.join(f'c{i}' for i in range(300))})")
    sql = f"INSERT INTO wide VALUES ({', '.join('?' * 300)})"
    statements = []
    db.set_trace_callback(statements.append)
    insert_values(db, sql, [list(range(300))] * 10)
    assert db.execute("SELECT count(*) FROM wide").fetchone()[0] == 10
    assert max(s.count("?") for s in statements) <= values.MAX_PARAMETERS


@pytest.mark.parametrize("sql", [
    "INSERT INTO t (k, v) SELECT ?, ?",
    "INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
    "INSERT INTO t (k, v) VALUES (?, coalesce(?, 1))",
    "UPDATE t SET v = ? WHERE k = ?",
])
def test_other_statements_go_to_executemany(sql):
    assert split_insert(sql) is None
    db = _db()
    db.execute("INSERT INTO t (k, v) VALUES ('a', 0)")
    insert_values(db, sql, [("a", 1)] * 3 if sql.startswith("UPDATE") else [(f"k{i}", i) for i in range(150)])


def test_rows_of_the_wrong_width_fail_as_executemany_says():
    db = _db()
    rows = [("a", 1)] * 150 + [("b",)]
    with pytest.raises(sqlite3.ProgrammingError):
        db.executemany(SQL, rows)
    with pytest.raises(sqlite3.ProgrammingError):
        insert_values(_db(), SQL, rows)


def test_a_failing_row_fails_the_call():
    db = _db()
    db.execute("CREATE TABLE strict_t (k TEXT NOT NULL)")
    with pytest.raises(sqlite3.IntegrityError):
        insert_values(db, "INSERT INTO strict_t VALUES (?)", [("a",)] * 120 + [(None,)])


@pytest.mark.parametrize("sql, splits", [
    ("INSERT INTO t (k, v, kind) VALUES (?, ?, 'a?b')", True),  # (a ? in a text is not a parameter)
    ("INSERT INTO t (k, v) VALUES (?1, ?1)", False),
    ("INSERT INTO t (k, v) VALUES (:k, :v)", False),
    ("INSERT INTO t (k, v, kind) VALUES (?, ?, ':x')", True),
])
def test_only_plain_parameters_are_laid_end_to_end(sql, splits):
    assert (split_insert(sql) is not None) == splits
    one, many = _db(), _db()
    rows = [(f"k{i}",) for i in range(150)] if "?1" in sql else \
        [{"k": f"k{i}", "v": i} for i in range(150)] if ":k" in sql else [(f"k{i}", i) for i in range(150)]
    one.executemany(sql, rows)
    insert_values(many, sql, rows)
    assert _dump(many) == _dump(one)
