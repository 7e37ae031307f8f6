"""Read Open Referral exports as plain tables, whatever their layout.

Accepts a folder, a .zip or a datapackage.json; finds the CSVs wherever they sit (a datapackage
whose resource paths do not match the files is common), or reads HSDS 3.x JSON (service objects,
single or paged). Returns table name -> list of row dicts with normalised header names, and the
layout detected from the tables themselves: ``hsds-3``, ``hsds-1/2`` or ``ohana``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import json
import sqlite3
import sys
import tempfile
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import IO

from advocate.errors import AdvocateError, InputError
from advocate.files import os_reason
from advocate.i18n import _
from advocate.staging import STAGING_PREFIX, StagingFolder
from advocate.store.values import insert_values

Opener = Callable[[], IO[bytes]]  # opens one file of an export for reading

# alias -> canonical table name
TABLE_ALIASES = {
    "services": "services", "organizations": "organizations", "organisations": "organizations",
    "locations": "locations", "service_at_location": "service_at_location",
    "services_at_location": "service_at_location", "service_at_locations": "service_at_location",
    "physical_addresses": "addresses", "physical_address": "addresses", "addresses": "addresses",
    "postal_addresses": "postal_addresses", "mail_addresses": "postal_addresses", "phones": "phones",
    "languages": "languages", "regular_schedules": "schedules", "schedules": "schedules",
    "holiday_schedules": "holiday_schedules", "services_taxonomy": "service_taxonomy",
    "service_taxonomy": "service_taxonomy", "taxonomy": "taxonomy", "taxonomy_terms": "taxonomy_terms",
    "attributes": "attributes", "eligibility": "eligibility", "contacts": "contacts", "metadata": "metadata",
    "required_documents": "required_documents", "required_document": "required_documents",
}
# tables an export may have that the import does not read (eligibility comes from the services table's own
# columns): skipped rather than staged
UNREAD = frozenset({"eligibility", "contacts", "holiday_schedules", "metadata"})
# tables the import reads only two columns of, each distinct pair once (see Staged.load): the rest is not staged,
# and the second cells of a run of rows with the same first cell are kept together, as one row (a JSON list)
COMPACT = {"service_taxonomy": ("service_id", "taxonomy_id")}
# columns of these tables the import never reads (see Staged.load): not staged. Four fifths of a 211 export's
# locations.csv is the locations' own descriptions, which no record of the directory carries
UNREAD_COLUMNS = {
    "locations": frozenset({"description", "alternate_name"}),
    "service_at_location": frozenset({"description"}),
    "organizations": frozenset({"alternate_name", "tax_status", "tax_id", "year_incorporated", "legal_status"}),
    "services": frozenset({"alternate_name", "program_id", "wait_time", "accreditations", "licenses"}),
}
# the columns the import reads of these tables, as tuples in this order (Staged.tuples), and the columns it looks
# their rows up by: nothing else of them is staged (a 211 export's phones.csv has eleven columns, five of them read)
READ_COLUMNS = {
    "phones": ("number", "extension"),
    "schedules": ("original_text", "description", "opens_at", "closes_at", "weekday", "byday"),
    "languages": ("language", "code", "name", "service_id"),
}
READ_BY = ("service_id", "location_id", "organization_id")
MAX_FIELD = 10 * 1024 * 1024
MAX_JSON = 256 * 1024 * 1024
RATIO_FREE = 32 * 1024 * 1024  # a member's first bytes are never refused for their compression ratio
PAIRS_READ = 20_000  # rows of a COMPACT table read (and packed) together (see Staged._load_pairs)
PACK_BYTES = 16 * 1024 * 1024  # the JSON text of one row of a packed table, at most (unless one cell is longer)
PACK_MAX = 1_000_000  # second cells kept in one row of a packed table, at most (see Staged._load_pairs)
_dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
KEY_COLUMNS = ("id", "service_id", "location_id", "organization_id", "link_id", "taxonomy_id", "taxonomy_term_id")


def _temp_error(exc: BaseException) -> AdvocateError:
    """The temporary folder an import unpacks into is full or cannot be written: say so (not "the store")."""
    import errno

    folder = tempfile.gettempdir()
    if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or "full" in str(exc).lower():
        return AdvocateError(_("the temporary folder {folder} ran out of space while the export was unpacked (it "
                               "needs about the export's unpacked size); free some space there or set TMPDIR to a "
                               "folder with room. The store was not changed").format(folder=folder))
    return AdvocateError(_("the temporary folder {folder} cannot be written ({reason}); set TMPDIR to a folder "
                           "you can write. The store was not changed").format(
        folder=folder, reason=os_reason(exc)))


@dataclass(frozen=True)
class Limits:
    """What an import reads, checked while streaming (config keys ``import_max_*``)."""

    total_bytes: int = 2048 * 1024**2  # uncompressed, all members of a zip together
    ratio: int = 200  # uncompressed / compressed size of a zip member, past its first RATIO_FREE bytes
    line_bytes: int = 16 * 1024**2  # one physical line of a CSV (a line is refused before it is held)
    members: int = 10_000  # files in a zip

    @classmethod
    def from_config(cls, cfg=None) -> Limits:
        if cfg is None:
            from advocate.config import load_config

            cfg = load_config()
        mb = 1024**2
        return cls(total_bytes=max(1, cfg.import_max_total_mb) * mb, ratio=max(1, cfg.import_max_ratio),
                   line_bytes=max(1, cfg.import_max_line_mb) * mb, members=max(1, cfg.import_max_members))


def _mb(n: int) -> str:
    return f"{n / 1024**2:,.0f} MB" if n >= 1024**2 else f"{n:,} bytes"


class _Budget:
    """Uncompressed bytes read from one zip, across its members (each member is read at most twice:
    once to find its encoding, once to load it - counted once, by its largest pass)."""

    def __init__(self, archive: Path, limits: Limits):
        self.archive, self.limits = archive, limits
        self.read: dict[str, int] = {}

    def add(self, name: str, count: int) -> None:
        if count > self.read.get(name, 0):
            self.read[name] = count
            if sum(self.read.values()) > self.limits.total_bytes:
                raise InputError(_("{path} holds more than {limit} of data once unpacked (stopped at {member}); "
                                   "import refuses it as a possible zip bomb (the limit is import_max_total_mb in "
                                   "the config)").format(path=self.archive, limit=_mb(self.limits.total_bytes),
                                                         member=name), field="path")


def _open_file(path: Path) -> IO[bytes]:
    return open(path, "rb")


def _open_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> IO[bytes]:
    """One member of a zip export, read through the caps (see ``_CappedMember``)."""
    return io.BufferedReader(_CappedMember(z.open(info), info, budget), 1 << 16)


class _CappedMember(io.RawIOBase):
    """A zip member read as a stream, counting what it unpacks: stops at the size and ratio caps."""

    def __init__(self, fh, info: zipfile.ZipInfo, budget: _Budget):
        self._fh, self._info, self._budget = fh, info, budget
        self._count = 0
        self._ratio_cap = max(RATIO_FREE, budget.limits.ratio * max(info.compress_size, 1))

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self._fh.read(min(len(b), 1 << 20))
        n = len(data)
        b[:n] = data
        self._count += n
        if self._count > self._ratio_cap:
            raise InputError(_("{member} in {path} unpacks to more than {ratio} times its packed size; import "
                               "refuses it as a possible zip bomb (the limit is import_max_ratio in the config)")
                             .format(member=self._info.filename, path=self._budget.archive,
                                     ratio=self._budget.limits.ratio), field="path")
        self._budget.add(self._info.filename, self._count)
        return n

    def close(self) -> None:
        try:
            self._fh.close()
        finally:
            super().close()


class _Fetched:
    """The rows read ahead for one table and column (see :meth:`Staged.prefetch`): the values asked for, and the
    rows of those that have any, in the order they were staged (not to be changed: readers give out copies); a
    value asked for that is not in ``rows`` has none."""

    __slots__ = ("asked", "rows")

    def __init__(self) -> None:
        self.asked: set[str] = set()
        self.rows: defaultdict[str, list] = defaultdict(list)

    def todo(self, values) -> list[str]:
        """Which of ``values`` were not asked for yet (each once, empty ones left out); now they are."""
        asked = self.asked
        todo = [v for v in dict.fromkeys(values) if v and v not in asked]
        asked.update(todo)
        return todo


def _packed(key: str, cells: list):
    """The rows of a packed table for ``key``'s ``cells`` (see Staged._load_pairs): one, unless its JSON text would
    pass PACK_BYTES, when the cells are split in halves, in order (SQLite refuses a text past its length limit, 1 GB
    by default: a hostile file's codes must not make the import fail there)."""
    text = _dumps(cells)
    if len(text) <= PACK_BYTES or len(cells) == 1:
        yield key, text
        return
    half = len(cells) // 2
    yield from _packed(key, cells[:half])
    yield from _packed(key, cells[half:])


def _evened(records, width: int, rows: int = 64):
    """``records`` a few at a time (lists of ``rows``), each ``width`` cells: a short record padded with empty cells, a
    long one cut. Few enough that records of a column nobody reads (a location's 40 KB description) are let go before
    memory grows, many enough that each list is measured at C speed."""
    pad = [""] * width
    records = iter(records)
    while chunk := list(islice(records, rows)):
        if set(map(len, chunk)) != {width}:
            chunk = [rec if len(rec) == width else (rec + pad)[:width] for rec in chunk]
        yield chunk


def _prefetched(fetched: _Fetched | None, value: str) -> list | None:
    """The rows read ahead for ``value`` (a copy; [] when it was asked for and has none), None when it was not
    asked for (called a dozen times per service: kept short)."""
    if fetched is not None and value:
        hit = fetched.rows.get(value)
        if hit is not None:
            return hit.copy()
        if value in fetched.asked:
            return []
    return None


def _trim_keys(rows: list, keys) -> list[int]:
    """Trim the cells at ``keys`` of each of ``rows`` (lists, changed in place) as str.strip() does; returns those of
    ``keys`` that hold a cell not empty once trimmed. An id rarely needs it: each column of the batch is checked at C
    speed first (str.strip gives back the very string it was given when there is nothing to trim), and only a column
    with something to trim is written back."""
    filled = []
    for j in keys:
        cells = list(map(itemgetter(j), rows))
        try:
            trimmed = list(map(str.strip, cells))
        except TypeError:  # (a cell that is not text, e.g. None: kept as it is)
            trimmed = [v.strip() if isinstance(v, str) else v for v in cells]
        if trimmed != cells:
            for i, (v, was) in enumerate(zip(trimmed, cells, strict=True)):
                if v is not was:
                    row = rows[i]
                    if not isinstance(row, list):
                        rows[i] = row = list(row)
                    row[j] = v
        if any(trimmed):
            filled.append(j)
    return filled


class Staged:
    """The export's tables, streamed into a temporary SQLite file so memory does not grow with the export.

    Key columns (ids) are stored trimmed (as str.strip() gives them) and indexed; every other value is kept as
    text, as read.
    """

    def __init__(self):
        try:
            # held while the import runs: a folder whose owner file is not locked was left by a killed import
            self._dir = StagingFolder(STAGING_PREFIX)
        except OSError as exc:
            raise _temp_error(exc) from None
        try:
            self.db = sqlite3.connect(Path(self._dir.name) / "stage.db")
            self.db.execute("PRAGMA journal_mode = OFF")
            self.db.execute("PRAGMA synchronous = OFF")
            # 16 KiB pages (SQLite's default is 4): a quarter of the page reads and b-tree steps for the same rows
            # (tables are written in order and read a block of keys at a time); the page cache stays the 2 MiB
            # SQLite gives by default (it was counted in 4 KiB pages when the file was opened: set again)
            self.db.execute("PRAGMA page_size = 16384")
            self.db.execute("PRAGMA cache_size = -2000")
        except sqlite3.Error as exc:
            self._release()
            raise _temp_error(exc) from None
        self.columns: dict[str, list[str]] = {}
        self._keys: dict[str, list[int]] = {}  # table -> where its key columns (ids) are, trimmed as rows go in
        self._fetched: dict[tuple, _Fetched] = {}
        self._indexed: set[tuple[str, str]] = set()
        self._memos: dict[str, int] = {}  # what an import remembers here (see remember): name -> values per key
        self._packed: set[str] = set()  # tables kept as packs of pairs (see _load_pairs)
        # (table, key column) of the unpacked tables whose key column holds a value in some row: a key column empty in
        # every row (a 211 export's phones have no organization_id, its schedules no location_id) is never indexed nor
        # read, since nothing can be found by it
        self._filled: set[tuple[str, str]] = set()
        self.unguard = False  # set for our own exports: undo the spreadsheet guard ("'+1 305..." -> "+1 305...")

    def _value(self, v):
        if self.unguard and isinstance(v, str) and v[:1] == "'":
            from advocate.directory.export import unguard_cell

            return unguard_cell(v)
        return v

    def _dict(self, cols, values) -> dict:
        if not self.unguard:
            return dict(zip(cols, values, strict=False))
        return {c: self._value(v) for c, v in zip(cols, values, strict=False)}

    def distinct(self, name: str, column: str) -> list[str]:
        """The distinct non-empty values of a column (trimmed)."""
        if name not in self or column not in self.columns[name]:
            return []
        return sorted({(v or "").strip() for (v,) in self.db.execute(f'SELECT DISTINCT "{column}" FROM {self._from(name)}')}
                      - {""})

    def prefetch(self, name: str, column: str, values, only: tuple[str, ...] | None = None) -> None:
        """Read the rows of ``name`` whose ``column`` is one of ``values`` in one query; :meth:`many` answers
        from them until :meth:`forget` (so the importer reads a block of services' rows at once). With
        ``only``, the rows :meth:`many` gives hold just those columns (and ``column``): for a caller that
        reads nothing else of them."""
        if name not in self or column not in self.columns[name]:
            return
        fetched = self._fetched.get((name, column))
        if fetched is None:
            fetched = self._fetched[(name, column)] = _Fetched()
        wanted = fetched.todo(values)
        if not wanted or self._empty(name, column):
            return
        self._index(name, column)
        cols = [c for c in self.columns[name] if only is None or c in only or c == column]
        at = cols.index(column)
        rows = fetched.rows
        names = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
        cur = self.db.execute(f'SELECT {names} FROM {self._from(name)} WHERE "{column}" IN (SELECT value FROM json_each(?)) '
                              f'ORDER BY "{column}", _n', (json.dumps(wanted),))
        if self.unguard:
            for r in cur:
                rows[r[at]].append(self._dict(cols, r))
        else:
            for r in cur:
                rows[r[at]].append(dict(zip(cols, r, strict=True)))

    def prefetch_column(self, name: str, column: str, values, wanted: str) -> None:
        """:meth:`prefetch` for :meth:`column_values`: only ``wanted`` of each row is kept (no dict per row)."""
        if wanted in self.columns.get(name, ()):
            self._prefetch_cells(name, column, values, wanted, (wanted,), single=True)

    def column_values(self, name: str, column: str, value: str, wanted: str) -> list:
        """``[row.get(wanted) for row in self.many(name, column, value)]``, from :meth:`prefetch_column`
        when it read them."""
        hit = _prefetched(self._fetched.get((name, column, wanted)), value)
        return hit if hit is not None else [r.get(wanted) for r in self.many(name, column, value)]

    def prefetch_tuples(self, name: str, column: str, values, wanted: tuple[str, ...], *,
                        blank: str | None = None) -> None:
        """:meth:`prefetch` for :meth:`tuples`: each row kept as the tuple of its ``wanted`` cells (None for a
        column the table does not have), not as a dict. With ``blank``, only the rows whose ``blank`` column is
        empty (as :meth:`tuples` with the same ``blank`` gives them)."""
        self._prefetch_cells(name, column, values, (wanted, blank) if blank else wanted, wanted, single=False,
                             blank=blank)

    def tuples(self, name: str, column: str, value: str, wanted: tuple[str, ...], *,
               blank: str | None = None) -> list[tuple]:
        """``[tuple(row.get(w) for w in wanted) for row in self.many(name, column, value)]``, from
        :meth:`prefetch_tuples` when it read them; with ``blank``, only the rows whose ``blank`` cell is empty
        or missing (``not (row.get(blank) or "").strip()``)."""
        hit = _prefetched(self._fetched.get((name, column, (wanted, blank) if blank else wanted)), value)
        if hit is not None:
            return hit
        return [tuple(r.get(w) for w in wanted) for r in self.many(name, column, value)
                if not blank or not (r.get(blank) or "").strip()]

    def _prefetch_cells(self, name: str, column: str, values, key, wanted: tuple[str, ...], *, single: bool,
                        blank: str | None = None) -> None:
        """Read, in one query, the ``wanted`` cells of the rows whose ``column`` is one of ``values`` (each row a
        value when ``single``, else a tuple), kept under ``key`` until :meth:`forget`; with ``blank``, only the
        rows whose ``blank`` column is empty (a key column: trimmed when staged; a guarded cell of our own
        export is never empty once its guard is undone, so the stored text tells)."""
        if name not in self or column not in self.columns[name]:
            return
        fetched = self._fetched.get((name, column, key))
        if fetched is None:
            fetched = self._fetched[(name, column, key)] = _Fetched()
        todo = fetched.todo(values)
        if not todo or self._empty(name, column):
            return
        self._index(name, column)
        rows = fetched.rows
        have = self.columns[name]
        if single and name in self._packed and have == [column, wanted[0]]:
            self._unpack(name, todo, rows)
            return
        cells = ", ".join(f'"{w}"' if w in have else "NULL" for w in wanted)
        # (the unary + keeps SQLite from reading the rows by ``blank``'s index: all of them may be empty)
        only = f' AND ("{blank}" IS NULL OR +"{blank}" = \'\')' if blank and blank in have else ""
        cur = self.db.execute(f'SELECT "{column}", {cells} FROM "t_{name}" WHERE "{column}" IN '
                              f'(SELECT value FROM json_each(?)){only} ORDER BY "{column}", _n', (json.dumps(todo),))
        value = self._value
        if single and self.unguard:
            for k, v in cur:
                rows[k].append(value(v))
        elif single:
            for k, v in cur:
                rows[k].append(v)
        elif self.unguard:
            for r in cur:
                rows[r[0]].append(tuple(value(v) for v in r[1:]))
        else:
            for r in cur:
                rows[r[0]].append(r[1:])

    def _unpack(self, name: str, todo: list[str], rows: defaultdict) -> None:
        """The second cells of the pairs of a packed table (see :meth:`_load_pairs`) whose first cell is one of
        ``todo``, into ``rows``: each key's in the order first staged, each once, as an unpacked table gives them."""
        a, b = self.columns[name]
        cur = self.db.execute(f'SELECT "{a}", "{b}" FROM "t_{name}" WHERE "{a}" IN (SELECT value FROM json_each(?)) '
                              f'ORDER BY "{a}", _n', (json.dumps(todo),))
        loads, several, get = json.loads, set(), rows.get
        for k, pack in cur:
            got = get(k)
            if got is None:
                rows[k] = loads(pack)
            else:
                got += loads(pack)
                several.add(k)
        for k in several:  # (a key whose pairs came in several packs: a pair may be in more than one)
            rows[k] = list(dict.fromkeys(rows[k]))
        if self.unguard:
            value = self._value
            for k in todo:
                if k in rows:
                    rows[k] = [value(v) for v in rows[k]]

    def _from(self, name: str) -> str:
        """What a query reads a staged table from: the table itself, or a packed table's pairs unpacked (each
        distinct pair once: a first cell's pairs in the order first staged, and the first cells in the order first
        staged within each PAIRS_READ rows staged together)."""
        if name not in self._packed:
            return f'"t_{name}"'
        a, b = self.columns[name]
        return (f'(SELECT min(_n) AS _n, "{a}", "{b}" FROM (SELECT t._n * {PACK_MAX} + j.key AS _n, t."{a}" AS "{a}", '
                f'j.value AS "{b}" FROM "t_{name}" t, json_each(t."{b}") j) GROUP BY "{a}", "{b}")')

    def forget(self) -> None:
        """Drop what :meth:`prefetch` read (memory stays one block's worth)."""
        self._fetched.clear()

    # --- what an import keeps track of while it runs (ids seen, places written), kept here rather than in
    # memory, so memory does not grow with the number of rows ---
    def remember(self, name: str, rows: list[tuple]) -> None:
        """Keep ``(key, *values)`` rows under ``name``; a key already kept keeps its first values."""
        if rows:
            width = len(rows[0]) - 1
            self._memo(name, width)
            self._run(f'INSERT OR IGNORE INTO "m_{name}" VALUES ({", ".join("?" * (width + 1))})', rows)

    def remember_once(self, name: str, key: str, *values) -> tuple | None:
        """Keep ``values`` under ``key`` unless something is kept under it already: None when the key was new,
        else the values it had."""
        self._memo(name, len(values))
        marks = ", ".join("?" * (len(values) + 1))
        try:
            if self.db.execute(f'INSERT OR IGNORE INTO "m_{name}" VALUES ({marks})', (key, *values)).rowcount:
                return None
        except (sqlite3.OperationalError, OSError) as exc:  # TMPDIR full: said as such, not as the store
            raise _temp_error(exc) from None
        return tuple(self.db.execute(f'SELECT * FROM "m_{name}" WHERE k = ?', (key,)).fetchone()[1:])

    def recall(self, name: str, keys) -> dict[str, tuple]:
        """What is kept under ``name`` for those of ``keys`` that have something (one query): key -> values."""
        wanted = [k for k in dict.fromkeys(keys) if k]
        if name not in self._memos or not wanted:
            return {}
        if len(wanted) == 1:
            cur = self.db.execute(f'SELECT * FROM "m_{name}" WHERE k = ?', wanted)
        else:
            cur = self.db.execute(f'SELECT * FROM "m_{name}" WHERE k IN (SELECT value FROM json_each(?))',
                                  (json.dumps(wanted),))
        return {r[0]: tuple(r[1:]) for r in cur}

    def remembered(self, name: str):
        """Every key kept under ``name``, as a stream of 1-tuples."""
        if name not in self._memos:
            return iter(())
        return self.db.execute(f'SELECT k FROM "m_{name}"')

    def _memo(self, name: str, width: int) -> None:
        if name not in self._memos:
            values = "".join(f", v{i}" for i in range(width))
            self._run(f'CREATE TABLE "m_{name}" (k TEXT PRIMARY KEY{values}) WITHOUT ROWID')
            self._memos[name] = width

    def close(self):
        self.db.close()
        self._release()

    def _release(self):
        self._dir.cleanup()

    def __contains__(self, name):
        return name in self.columns

    def load(self, name: str, header: list[str], records, *, compact: bool = False) -> None:
        """Stage a table from its header and records (lists of cells). With ``compact``, a table the import reads
        only a pair of columns of (:data:`COMPACT`) keeps just those, once per distinct pair, in the order first
        seen: services_taxonomy is the largest table of a 211 export and repeats its pairs."""
        pair = COMPACT.get(name) if compact else None
        if pair and all(c in header[:300] for c in pair):
            self._load_pairs(name, pair, [header.index(c) for c in pair], records)
            return
        header = header[:300]
        width = len(header)
        read = (*READ_COLUMNS[name], *READ_BY) if compact and name in READ_COLUMNS else None
        unread = UNREAD_COLUMNS.get(name, ()) if compact else ()
        # (a table with none of the columns read keeps its first, which nothing reads: a table needs a column)
        kept = [i for i, h in enumerate(header) if (h in read if read is not None else h not in unread)] or [0]
        keep = None if len(kept) == width else kept
        self.create(name, header if keep is None else [header[i] for i in keep])
        pick = None if keep is None else itemgetter(*keep) if len(keep) > 1 else lambda rec: (rec[kept[0]],)
        batch: list = []
        for rows in _evened(records, width):  # (a few rows at a time: the columns not kept are let go at once)
            batch += rows if pick is None else map(pick, rows)
            if len(batch) >= 5000:
                self._insert(name, batch)
                batch = []
        self._insert(name, batch)
        self.index(name)

    def _load_pairs(self, name: str, pair: tuple[str, str], at: list[int], records) -> None:
        """Stage the pairs of a :data:`COMPACT` table packed: the distinct pairs of 20,000 rows at a time, grouped by
        their first cell, one row per first cell holding the second cells as a JSON list, in the order first seen.
        A 211 export's services_taxonomy has eight rows a service, a few repeated: a seventh of the rows to write,
        index and read back. :meth:`_from` and :meth:`_unpack` give the pairs back, each once, in staged order."""
        a, b = pair
        self.columns[name] = [a, b]
        self._packed.add(name)
        self._keys[name] = [k for k, c in enumerate(pair) if c in KEY_COLUMNS]
        self.db.execute(f'CREATE TABLE "t_{name}" (_n INTEGER PRIMARY KEY, "{a}" TEXT, "{b}" TEXT)')
        i, j = at
        width = max(at) + 1
        strip_a, strip_b = a in KEY_COLUMNS, b in KEY_COLUMNS  # (ids trimmed here: a pair is told apart trimmed)
        # read 20,000 rows at a time; a pair given again among them (most repeats are: a 211 export lists four pairs
        # in ten twice, a few rows apart) is dropped here rather than by the INSERT, which drops those further apart
        pick = itemgetter(i, j)
        pairs: list[tuple[str, str]] = []
        for rows in _evened(records, width):  # (the other columns let go a few rows at a time)
            if strip_a and strip_b:
                pairs += [(x.strip(), y.strip()) for x, y in map(pick, rows)]
            else:
                pairs += [(x.strip() if strip_a else x, y.strip() if strip_b else y) for x, y in map(pick, rows)]
            if len(pairs) >= PAIRS_READ:  # (packed PAIRS_READ rows at a time, as the docstring says)
                self._insert_packs(name, pairs[:PAIRS_READ])
                pairs = pairs[PAIRS_READ:]
        if pairs:
            self._insert_packs(name, pairs)

    def _insert_packs(self, name: str, pairs: list[tuple[str, str]]) -> None:
        """Write ``pairs`` to a packed table: each distinct pair once, grouped by its first cell (see _load_pairs)."""
        packs: dict[str, list[str]] = {}
        for x, y in dict.fromkeys(pairs):
            pack = packs.get(x)
            if pack is None:
                packs[x] = [y]
            elif len(pack) < PACK_MAX:
                pack.append(y)
            else:  # (a pack's cells are numbered below PACK_MAX: see _from)
                self._run(f'INSERT INTO "t_{name}" VALUES (NULL, ?, ?)', list(_packed(x, pack)))
                packs[x] = [y]
        self._run(f'INSERT INTO "t_{name}" VALUES (NULL, ?, ?)', [r for x, ys in packs.items() for r in _packed(x, ys)])

    def _run(self, sql: str, rows: list | None = None) -> None:
        """``sql`` once, or for each of ``rows`` (an INSERT's rows are written several to a statement:
        :func:`advocate.store.values.insert_values`)."""
        if rows is None or rows:
            try:
                if rows is None:
                    self.db.execute(sql)
                else:
                    insert_values(self.db, sql, rows)
            except (sqlite3.OperationalError, OSError) as exc:  # TMPDIR full: said as such, not as the store
                raise _temp_error(exc) from None

    def create(self, name: str, header: list[str]) -> None:
        cols, seen = [], set()
        for h in header[:300]:
            h = h or "column"
            while h in seen:
                h += "_"
            seen.add(h)
            cols.append(h)
        self.columns[name] = cols
        self._keys[name] = [j for j, c in enumerate(cols) if c in KEY_COLUMNS]
        q = ", ".join('"' + c.replace('"', '""') + '" TEXT' for c in cols)
        self.db.execute(f'CREATE TABLE "t_{name}" (_n INTEGER PRIMARY KEY, {q})')

    def insert(self, name: str, rows: list[list]) -> None:
        """Rows as lists in the table's column order; key columns (ids) are stored trimmed."""
        self._insert(name, rows)

    def append(self, name: str, rows: list) -> None:
        """Rows in the table's column order, written as given (a reader that makes its own rows: a sheet's); every
        write to a staged table goes through here or :meth:`insert` (see ``_filled``)."""
        if rows:
            cols = self.columns[name]
            self._filled.update((name, cols[j]) for j in self._keys.get(name, ()) if any(map(itemgetter(j), rows)))
            self._run(f'INSERT INTO "t_{name}" VALUES (NULL, {", ".join("?" * len(cols))})', rows)

    def _insert(self, name: str, rows: list) -> None:  # (lists or tuples)
        if rows and name in self._packed:
            _trim_keys(rows, self._keys[name])
            self._insert_packs(name, [(r[0], r[1]) for r in rows])
        elif rows:
            cols = self.columns[name]
            self._filled.update((name, cols[j]) for j in _trim_keys(rows, self._keys.get(name, ())))
            marks = ", ".join("?" * len(self.columns[name]))
            self._run(f'INSERT INTO "t_{name}" VALUES (NULL, {marks})', rows)

    def index(self, name: str) -> None:
        """Called once a table's rows are all in. A key column is indexed the first time rows are looked up by it
        (:meth:`_index`), so only the columns an import asks by are indexed, not every id of every table."""

    def _empty(self, name: str, column: str) -> bool:
        """Whether ``column`` of ``name`` is a key column no row of which holds a value (nothing is found by it)."""
        return (name, column) not in self._filled and name not in self._packed and column in KEY_COLUMNS

    def _index(self, name: str, column: str) -> None:
        if (name, column) not in self._indexed:
            self._indexed.add((name, column))
            try:
                self.db.execute(f'CREATE INDEX IF NOT EXISTS "i_{name}_{column}" ON "t_{name}" ("{column}")')
            except (sqlite3.OperationalError, OSError) as exc:  # TMPDIR full: said as such, not as the store
                raise _temp_error(exc) from None

    def count(self, name: str) -> int:
        return self.db.execute(f'SELECT count(*) FROM {self._from(name)}').fetchone()[0] if name in self else 0

    def first(self, name: str) -> dict:
        return next(self.rows(name), {})

    def rows(self, name: str):
        if name not in self:
            return iter(())
        cols = self.columns[name]
        names = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
        cur = self.db.execute(f'SELECT {names} FROM {self._from(name)} ORDER BY _n')
        if self.unguard:
            return (self._dict(cols, r) for r in cur)
        return (dict(zip(cols, r, strict=True)) for r in cur)

    def many(self, name: str, column: str, value: str) -> list[dict]:
        if not value:
            return []
        fetched = self._fetched.get((name, column))  # only a table and column that exist are prefetched
        if fetched is not None:
            hit = fetched.rows.get(value)
            if hit is not None:
                return hit.copy()
            if value in fetched.asked:
                return []
        if name not in self.columns or column not in self.columns[name] or self._empty(name, column):
            return []
        self._index(name, column)
        cols = self.columns[name]
        cur = self.db.execute(f'SELECT * FROM {self._from(name)} WHERE "{column}" = ? ORDER BY _n', (value,))
        return [self._dict(cols, r[1:]) for r in cur]

    def one(self, name: str, column: str, value: str) -> dict | None:
        found = self.many(name, column, value)
        return found[0] if found else None


def _decode(raw: bytes) -> str:
    """Text of a JSON document: UTF-8 (with or without BOM), else cp1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _encoding(opener) -> str:
    """utf-8 if the whole file decodes as UTF-8 (read in chunks), else cp1252."""
    return _survey(opener, 0)[0]


def _survey(opener, limit: int) -> tuple[str, bool]:
    """(encoding, plain) of a file, read once in chunks: utf-8 if the whole file decodes as UTF-8, else cp1252;
    ``plain`` when it holds no NUL and no line longer than ``limit`` bytes (counted between \\n; a character is
    at least a byte, and a \\r-only file looks like one long line): such a file is read without the line guard."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunk_size = 1 << 20
    # (a line inside one chunk is shorter than a chunk: with a limit of a chunk or more, only a line that runs
    # across chunks can pass it)
    encoding, plain, run = "utf-8", limit >= chunk_size, 0  # run: bytes since the last newline
    with opener() as fh:
        for chunk in iter(lambda: fh.read(chunk_size), b""):
            if encoding == "utf-8":
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    encoding = "cp1252"
            if plain:
                if b"\x00" in chunk:
                    plain = False
                first = chunk.find(b"\n")
                if first < 0:
                    run += len(chunk)
                else:
                    if run + first + 1 > limit:  # (the guard counts a line's newline too)
                        plain = False
                    run = len(chunk) - chunk.rfind(b"\n") - 1
                if run > limit:
                    plain = False
            if encoding != "utf-8" and not plain:
                break
        if encoding == "utf-8":
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1252"
    return encoding, plain


def _lines(text, name: str, limit: int):
    """The physical lines of ``text``, each refused once it passes ``limit`` characters (before more of
    it is read), with NULs dropped."""
    n = 0
    while True:
        line = text.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit:
            raise InputError(_("line {n} of {name} is longer than {limit}; import refuses it (the limit is "
                               "import_max_line_mb in the config)").format(n=n, name=name, limit=_mb(limit)),
                               field="path")
        yield line.replace("\x00", "") if "\x00" in line else line


def _csv_records(opener, name: str = "a CSV file", limits: Limits | None = None):
    """(header, record iterator) of a CSV read as a stream."""
    limits = limits or Limits()
    csv.field_size_limit(min(sys.maxsize, MAX_FIELD))
    encoding, plain = _survey(opener, limits.line_bytes)
    fh = opener()
    if fh.read(3) != b"\xef\xbb\xbf":
        fh.close()
        fh = opener()
    text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
    # NULs dropped and each line checked against the limit, line by line, unless the survey found neither
    reader = csv.reader(text if plain else _lines(text, name, limits.line_bytes))
    try:
        header = next(reader)
    except StopIteration:
        text.close()
        return [], iter(())
    except BaseException as exc:
        text.close()
        if not isinstance(exc, csv.Error):
            raise
        raise AdvocateError(_("a CSV file could not be read ({exc})").format(exc=exc)) from None
    names = [h.strip().lstrip("\ufeff").strip('"').lower() for h in header]

    def records():
        try:
            for rec in reader:
                # a row of empty cells is skipped (a first cell that starts with a letter or digit says at once it is not)
                if rec and (rec[0][:1].isalnum() or "".join(rec).strip()):
                    yield rec
        except csv.Error as exc:
            raise AdvocateError(_("a CSV file is malformed near line {line_num} ({exc})").format(line_num=reader.line_num, exc=exc)) from None
        finally:
            text.close()
    return names, records()


def _sources(path: Path, limits: Limits | None = None,
             stack: contextlib.ExitStack | None = None) -> list[tuple[str, Opener]]:
    """(relative name, opener) for every .csv/.json that belongs to the export at ``path``; a zip's members
    are checked against ``limits`` from its directory first, then counted as they are read (a zip file is
    closed by ``stack``)."""
    limits = limits or Limits()
    from advocate.files import check_input

    check_input(path)
    out: list[tuple[str, Opener]] = []
    if path.is_dir() or path.name == "datapackage.json" or (path.suffix.lower() == ".csv" and path.is_file()):
        base = path if path.is_dir() else path.parent
        pattern = "*.csv" if path.suffix.lower() == ".csv" else "*"
        walker = base.glob(pattern) if pattern == "*.csv" else base.rglob("*")
        root = base.resolve()
        found = []
        for n, f in enumerate(walker, 1):
            if n > limits.members:  # a home folder or a whole disk, not an export
                raise InputError(_("{path} holds more than {limit} files; give the export's own folder (the limit "
                                   "is import_max_members in the config)").format(path=base, limit=f"{limits.members:,}"),
                                   field="path")
            found.append(f)
        for f in sorted(found):
            if f.suffix.lower() in (".csv", ".json") and (f.is_symlink() or f.is_file()):
                real = f.resolve()
                if root not in real.parents:  # a link planted in the folder must not import private files
                    raise InputError(_("{path} is a link to a file outside the folder being imported; import never "
                                       "follows links out of it (copy the file in instead)").format(path=f),
                                     field="path")
            if f.is_file() and f.suffix.lower() in (".csv", ".json"):
                check_input(f)
                out.append((str(f.relative_to(base)), functools.partial(_open_file, f)))
    elif path.is_file() and zipfile.is_zipfile(path):  # (not a device or a pipe, which would never end)
        try:
            z = zipfile.ZipFile(path)
            if stack is not None:
                stack.enter_context(z)
        except zipfile.BadZipFile as exc:
            raise InputError(_("{path} is not a readable zip file ({exc})").format(path=path, exc=exc),
                             field="path") from None
        infos = z.infolist()
        if len(infos) > limits.members:
            raise InputError(_("{path} holds {n} files, more than the {limit} an export has; import refuses it "
                               "(the limit is import_max_members in the config)").format(
                path=path, n=f"{len(infos):,}", limit=f"{limits.members:,}"), field="path")
        budget = _Budget(path, limits)
        wanted = [i for i in infos if not i.is_dir() and i.filename.lower().endswith((".csv", ".json"))]
        # what the zip's directory says is checked before anything is unpacked; what is unpacked is
        # counted as it streams, so a directory that lies is caught too
        if sum(i.file_size for i in wanted) > limits.total_bytes:
            raise InputError(_("{path} holds more than {limit} of data once unpacked; import refuses it as a "
                               "possible zip bomb (the limit is import_max_total_mb in the config)").format(
                path=path, limit=_mb(limits.total_bytes)), field="path")
        for info in wanted:
            if info.file_size > max(RATIO_FREE, limits.ratio * max(info.compress_size, 1)):
                raise InputError(_("{member} in {path} unpacks to more than {ratio} times its packed size; import "
                                   "refuses it as a possible zip bomb (the limit is import_max_ratio in the config)")
                                 .format(member=info.filename, path=path, ratio=limits.ratio), field="path")
            out.append((info.filename, functools.partial(_open_member, z, info, budget)))
    elif path.suffix.lower() == ".json":
        out.append((path.name, lambda: open(path, "rb")))
    elif path.suffix.lower() == ".zip":
        raise InputError(_("{path} is not a readable zip file (damaged or incomplete download?)").format(path=path),
                         field="path")
    else:
        raise InputError(_("{path} is not a folder, a .zip, a .json or a datapackage.json").format(path=path),
                         field="path")
    return out


def read_tables(path: str | Path, limits: Limits | None = None) -> tuple[Staged, str, str]:
    """(staged tables, layout, default source name) for a folder, .zip, .json or datapackage.json.

    ``limits`` (default: the config's) caps what a zip may unpack and how long a line may be; a damaged
    zip, a line or a file over a cap, or JSON nested too deep is refused with one sentence."""
    limits = limits or Limits.from_config()
    path = Path(path).expanduser()
    if not path.exists():
        raise InputError(_("there is nothing at {path}; give a folder, a .zip or a datapackage.json").format(path=path),
                         field="path")
    name = path.stem if path.is_file() else path.name
    if path.is_file() and path.name == "datapackage.json":
        name = path.parent.name
    if name.lower() in ("csv", "data", "json", "export", "datapackage", "service_full", "service_list") and path.parent.name:
        name = (path.parent if path.is_dir() or path.name != "datapackage.json" else path.parent.parent).name
    with contextlib.ExitStack() as stack:
        return _read_tables(path, name, _sources(path, limits, stack), limits)


def _read_tables(path: Path, name: str, sources: list[tuple[str, Opener]],
                 limits: Limits) -> tuple[Staged, str, str]:
    homes = sorted({str(Path(rel).parent) for rel, _ in sources if Path(rel).name.lower() == "services.csv"})
    if len(homes) > 1:
        shown = ", ".join(h if h != "." else "(top)" for h in homes[:4])
        raise InputError(_("{path} holds several exports ({shown}); import one folder at a time").format(path=path, shown=shown),
                         field="path")
    if homes:  # only the tables that sit beside services.csv belong to this export
        sources = [(rel, op) for rel, op in sources
                   if str(Path(rel).parent) == homes[0] or not rel.lower().endswith(".csv")]
    staged = Staged()
    try:
        if _our_export(sources, homes[0] if homes else "."):
            staged.unguard = True
        json_docs = []
        for rel, opener in sources:
            base = Path(rel).name.lower()
            stem = base.rsplit(".", 1)[0]
            if base.endswith(".csv"):
                canon = TABLE_ALIASES.get(stem)
                if canon in UNREAD:  # nothing of these goes into the directory: not staged
                    continue
                if canon and canon not in staged:  # the first one found wins
                    with _damaged(path, rel):
                        header, records = _csv_records(opener, rel, limits)
                        if header:
                            staged.load(canon, header, records, compact=True)
            elif base != "datapackage.json" and not base.startswith(("openapi", "schema")):
                with _damaged(path, rel), opener() as fh:
                    raw = fh.read(MAX_JSON + 1)
                if len(raw) > MAX_JSON:
                    raise InputError(_("{name} in {path} is a JSON file larger than {limit}; import reads JSON whole "
                                       "and refuses one this large (export CSV instead)").format(
                        name=rel, path=path, limit=_mb(MAX_JSON)), field="path")
                try:
                    json_docs.append(json.loads(_decode(raw)))
                except json.JSONDecodeError:
                    continue
                except RecursionError:
                    raise InputError(_("the JSON in {path} is nested too deeply to be an export; import refuses it")
                                     .format(path=path if rel == path.name else f"{path}/{rel}"),
                                     field="path") from None
        if not staged.count("services") and json_docs:
            try:
                from_json = _tables_from_json(json_docs)
            except RecursionError:
                raise InputError(_("the JSON in {path} is nested too deeply to be an export; import refuses it")
                                 .format(path=path), field="path") from None
            for table, rows in from_json.items():
                if table in staged:
                    continue
                cols = list(dict.fromkeys(k for r in rows for k in r))
                staged.load(table, cols, ([str(r.get(c, "")) for c in cols] for r in rows))
        if not staged.count("services"):
            raise InputError(_("no services table was found in {path}; expected services.csv (HSDS or Ohana) or HSDS 3 JSON").format(path=path),
                             field="path")
        missing = [c for c in ("id", "name") if c not in staged.columns["services"]]
        if missing:
            raise InputError(_("the services table in {path} has no {missing} column (its columns: {value}); is this an HSDS export?").format(path=path, missing=' or '.join(missing), value=', '.join(staged.columns['services'][:8])),
                             field="path")
        return staged, detect_layout(staged), name
    except BaseException:
        staged.close()
        raise


def _our_export(sources, home: str) -> bool:
    """The export was written by advocate (its datapackage.json says so): its formula guard is undone."""
    for rel, opener in sources:
        if Path(rel).name.lower() == "datapackage.json" and str(Path(rel).parent) == home:
            try:
                with opener() as fh:
                    package = json.loads(_decode(fh.read(1024 * 1024)))
            except (ValueError, OSError, RecursionError, zipfile.BadZipFile, zlib.error, EOFError, InputError):
                return False
            return isinstance(package, dict) and (package.get("advocate_formula_guard") == "apostrophe"
                                                  or package.get("name") == "advocate-export")
    return False


class _damaged:
    """Turn a zip's bad CRC, a broken deflate stream or a truncated member into one sentence."""

    def __init__(self, path: Path, member: str):
        self.path, self.member = path, member

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, (zipfile.BadZipFile, zlib.error, EOFError)):
            raise InputError(_("{member} in {path} is damaged ({reason}); download or copy the export again")
                             .format(member=self.member, path=self.path, reason=exc), field="path") from None
        return False


def detect_layout(tables: Staged) -> str:
    svc_cols = set(tables.columns.get("services", []))
    loc_cols = set(tables.columns.get("locations", []))
    if "location_id" in svc_cols and "service_at_location" not in tables and ("languages" in loc_cols or "virtual" in loc_cols
                                                                              or "taxonomy_ids" in svc_cols):
        return "ohana"
    if "attributes" in tables or "taxonomy_terms" in tables or "assured_date" in svc_cols or "location_type" in loc_cols:
        return "hsds-3"
    return "hsds-1/2"


def _service_objects(doc):
    if isinstance(doc, list):
        for d in doc:
            yield from _service_objects(d)
    elif isinstance(doc, dict):
        if "contents" in doc and isinstance(doc["contents"], list):
            yield from _service_objects(doc["contents"])
        elif "service" in doc and isinstance(doc["service"], dict) and "location" in doc:  # service_at_location_full
            svc = dict(doc["service"])
            svc.setdefault("service_at_locations", [{"id": doc.get("id"), "location": doc["location"]}])
            yield svc
        elif doc.get("name") and ("service_at_locations" in doc or "organization" in doc) and "services" not in doc:
            yield doc
        elif "services" in doc and isinstance(doc["services"], list):  # organization_full
            org = {k: v for k, v in doc.items() if k != "services"}
            for s in doc["services"]:
                s = dict(s)
                s.setdefault("organization", org)
                yield s


TABLES_FROM_JSON = ("services", "organizations", "locations", "service_at_location", "addresses", "phones",
                    "languages", "schedules", "attributes", "taxonomy_terms", "required_documents")


def _cell(v) -> str:
    """A JSON value as the text a CSV cell of it gives: NULs dropped, as the CSV reader drops them (an id with a
    NUL in it matched none of its phones, places or terms: SQLite's json_each reads a text up to its NUL)."""
    text = "" if v is None else str(v)
    return text.replace("\x00", "") if "\x00" in text else text


def _scalars(d) -> dict:
    return {k: _cell(v) for k, v in d.items() if not isinstance(v, (dict, list))}


def flatten_service(svc: dict, seen_org: set, seen_loc: set) -> dict[str, list[dict]]:
    """One HSDS 3 service object as rows of the same tables the CSV layout has (organizations and locations
    already in ``seen_org``/``seen_loc`` are not repeated; both sets are updated)."""
    t: dict[str, list[dict]] = {k: [] for k in TABLES_FROM_JSON}
    row = _scalars(svc)
    org = svc.get("organization") or {}
    if isinstance(org, dict) and org.get("id"):
        row["organization_id"] = _cell(org["id"])
        if org["id"] not in seen_org:
            seen_org.add(org["id"])
            t["organizations"].append(_scalars(org))
    t["services"].append(row)
    sid = row.get("id", "")

    def items(d, key):
        value = d.get(key)
        return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []

    for ph in items(svc, "phones"):
        t["phones"].append({**_scalars(ph), "service_id": sid})
    for lang in items(svc, "languages"):
        t["languages"].append({**_scalars(lang), "service_id": sid})
    for sch in items(svc, "schedules"):
        t["schedules"].append({**_scalars(sch), "service_id": sid})
    for doc in items(svc, "required_documents"):
        t["required_documents"].append({**_scalars(doc), "service_id": sid})
    for attr in items(svc, "attributes"):
        term = attr.get("taxonomy_term") if isinstance(attr.get("taxonomy_term"), dict) else {}
        t["attributes"].append({**_scalars(attr), "link_id": sid, "link_type": "service",
                                "taxonomy_term_id": _cell(term.get("id") or attr.get("taxonomy_term_id") or "")})
        if term:
            t["taxonomy_terms"].append(_scalars(term))
    for sal in items(svc, "service_at_locations"):
        loc = sal.get("location") if isinstance(sal.get("location"), dict) else {}
        lid = _cell(loc.get("id") or sal.get("location_id") or "")
        t["service_at_location"].append({"id": _cell(sal.get("id") or ""), "service_id": sid, "location_id": lid})
        if loc and lid not in seen_loc:
            seen_loc.add(lid)
            t["locations"].append(_scalars(loc))
            for addr in items(loc, "addresses"):
                t["addresses"].append({**_scalars(addr), "location_id": lid})
            for ph in items(loc, "phones"):
                t["phones"].append({**_scalars(ph), "location_id": lid})
    return t


def _tables_from_json(docs) -> dict[str, list[dict]]:
    """Flatten HSDS 3 service objects into the same tables the CSV layout has."""
    t: dict[str, list[dict]] = {k: [] for k in TABLES_FROM_JSON}
    seen_org: set = set()
    seen_loc: set = set()
    seen_services = set()
    for doc in docs:
        for svc in _service_objects(doc):
            key = _cell(svc.get("id") or "")
            if key and key in seen_services:  # the same service in service_full.json and service_list.json
                continue
            seen_services.add(key)
            for table, rows in flatten_service(svc, seen_org, seen_loc).items():
                t[table].extend(rows)
    return {k: v for k, v in t.items() if v}


def stage_service_objects(objects, columns: dict[str, dict[str, None]] | None = None) -> Staged:
    """Staged tables from HSDS 3 service objects read as a stream: ``objects`` is a callable returning a fresh
    iterator over them (it is read twice - once for the columns unless ``columns`` is given - so memory does
    not grow with their number). The first object with an id wins over later ones with the same id."""
    if columns is None:
        columns = {}
        seen_org: set = set()
        seen_loc: set = set()
        for svc in objects():
            for table, rows in flatten_service(svc, seen_org, seen_loc).items():
                for r in rows:
                    columns.setdefault(table, {}).update(dict.fromkeys(r))
    staged = Staged()
    try:
        inserts = {}
        for table, cols in columns.items():
            if cols:
                staged.create(table, list(cols))
                inserts[table] = staged.columns[table]
        seen_org, seen_loc, seen_services = set(), set(), set()
        pending: dict[str, list] = {t: [] for t in inserts}
        for svc in objects():
            key = _cell(svc.get("id") or "")
            if key and key in seen_services:
                continue
            seen_services.add(key)
            for table, rows in flatten_service(svc, seen_org, seen_loc).items():
                if table in inserts:
                    pending[table].extend([r.get(c, "") for c in inserts[table]] for r in rows)
                    if len(pending[table]) >= 5000:
                        staged.insert(table, pending[table])
                        pending[table] = []
        for table, batch in pending.items():
            staged.insert(table, batch)
        for table in inserts:
            staged.index(table)
        return staged
    except BaseException:
        staged.close()
        raise
