"""Many rows written by one INSERT statement: what ``executemany`` does, a fraction of the statements.

SQLite sets a statement up, steps it and ends it for every row ``executemany`` binds; a statement of a hundred
``(...)`` row lists does that once for them all. Rows go in in the order given, each exactly as one statement per
row would put it: ``OR IGNORE`` keeps the first of two rows with the same key, triggers fire row by row, and a row
that fails fails its statement (the rows of that statement before it are not kept, unlike ``executemany``'s: a
caller that goes on after a failure should not use this).

Used for the import's staging database, which keeps no journal. Not for the store: inside a transaction, SQLite keeps
a statement journal of every page a statement of many rows touches in a table with constraints (230 MB of temporary
file on a 20k-service import).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain

ROWS_PER_STATEMENT = 100
MAX_PARAMETERS = 999  # one statement's parameters, at most (SQLite's limit before 3.32; 32,766 since)

# "INSERT ... VALUES (...)" with nothing after the row's list of values (no ON CONFLICT, no RETURNING)
_ONE_ROW = re.compile(r"^(?P<head>\s*INSERT\b.*\bVALUES)\s*(?P<row>\((?:[^()']|'[^']*')*\))\s*$", re.I | re.S)


_NAMED = re.compile(r"\?\d|[:@$][A-Za-z_]")  # ?1, :name, @name, $name: a parameter that may be used twice


def split_insert(sql: str) -> tuple[str, str, int] | None:
    """(what comes before the row, the row's ``(...)``, its number of ``?``) of a one-row INSERT ... VALUES statement
    with plain ``?`` parameters; None for any other statement."""
    m = _ONE_ROW.match(sql)
    if m is None:
        return None
    bare = re.sub(r"'[^']*'", "''", m.group("row"))  # (a ? or a : inside a quoted text is not a parameter)
    if _NAMED.search(bare):
        return None
    return m.group("head"), m.group("row"), bare.count("?")


def insert_values(conn, sql: str, rows: Sequence[Sequence]) -> None:
    """``conn.executemany(sql, rows)`` for a one-row ``INSERT ... VALUES (...)`` statement, written
    :data:`ROWS_PER_STATEMENT` rows (at most :data:`MAX_PARAMETERS` parameters) to a statement. The rows left over
    go one at a time (the same two statements are prepared whatever the number of rows: SQLite's statement cache
    keeps them). A statement it cannot split, or rows not all as wide as its ``?`` marks, go to ``executemany``
    as given (which says what is wrong with them)."""
    parts = split_insert(sql)
    width = parts[2] if parts else 0
    per = min(ROWS_PER_STATEMENT, MAX_PARAMETERS // width) if width else 0
    if parts is None or per < 2 or len(rows) < per or any(len(r) != width for r in rows):
        conn.executemany(sql, rows)
        return
    head, row, _width = parts
    whole = len(rows) - len(rows) % per
    many = f"{head} {', '.join([row] * per)}"
    for at in range(0, whole, per):
        conn.execute(many, list(chain.from_iterable(rows[at:at + per])))
    if whole < len(rows):
        conn.executemany(sql, rows[whole:])
