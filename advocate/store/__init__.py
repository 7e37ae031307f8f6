"""The one layer that owns the database: path, permissions, pragmas, migrations, backup, restore.

A store is a plain SQLite file (so sqlite-utils and Datasette open it too). It is created on first
use with the bundled national directory loaded, readable by its owner only (file 0600, folder
0700), in WAL mode with a busy timeout, foreign keys on. Schema changes go through numbered
migrations that back the file up first. A store written by a newer advocate, or a file that is
not an SQLite database, is refused and left untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from advocate.clock import now_utc
from advocate.errors import StoreError
from advocate.i18n import _, ngettext
from advocate.store.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


class StoreReplaced(StoreError):
    """The file at the store's path was replaced (encrypted, decrypted) while this connection waited to upgrade it."""


class UnreadableStore(StoreError):
    """The file itself cannot be read as a store: not SQLite, text, damaged, another program's database. Never
    raised for the machine's problems (a full disk, an I/O error, a busy or read-only file) nor for a missing or
    wrong key: only this is what `db restore` may move aside."""


@dataclass(frozen=True)
class Seed:
    """What a new store is filled with (``load``, inside the transaction that creates it) and how an existing
    one is brought up to date with it on open (``refresh``). The caller's to give: the store knows no
    directory (:data:`advocate.directory.bundled.SEED` is the bundled one; :func:`advocate.workspace.open_store`
    opens with it)."""

    load: Callable[..., object]  # (store, progress=None)
    refresh: Callable[..., object]  # (store, progress=None)


class Store:
    """An open store. ``store.db`` is a :class:`sqlite_utils.Database` for reading and writing."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, created: bool = False, key: str | None = None):
        self.path = path
        self.conn = conn
        self.key = key  # set only for an encrypted store (SQLCipher)
        self._db: sqlite_utils.Database | None = None
        self._savepoints = 0  # (each nested write's savepoint has a name of its own)
        self.created = created
        self.warnings: list[str] = []
        self.backups: list[Path] = []
        self._locked = False  # holds the shared lock on <store>.lock (see advocate.store.lock)
        self.notice = None  # told (one sentence) when a write waits more than two seconds for another writer
        self.reading: int | None = None  # inside read(): total_changes when its snapshot began
        self.inode: tuple[int, int] | None = None  # (device, inode) of the file this connection opened

    @property
    def db(self):
        """The store as a :class:`sqlite_utils.Database` (imported on first use: it costs ~200 ms)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # --- transactions -------------------------------------------------------------------
    @contextlib.contextmanager
    def write(self):
        """One short write transaction (BEGIN IMMEDIATE, so writers queue instead of deadlocking).

        Nested calls (and sqlite-utils' own ``atomic()``) become savepoints inside it: a SAVEPOINT of the
        connection's own, as sqlite-utils' ``atomic()`` makes it, without importing sqlite-utils for it (which
        imports pandas and numpy wherever they are installed: a third of a second on every import of a directory).
        """
        if self.conn.in_transaction:
            self._savepoints += 1
            name = f"advocate_{self._savepoints}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                # an error such as a RAISE(ROLLBACK) trigger can end the whole transaction, savepoints included:
                # then there is nothing to roll back to (and saying so would hide the error)
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        with self._transaction(lambda: _begin_immediate(self.conn, notice=self.notice, path=self.path), strict=True):
            yield self

    @contextlib.contextmanager
    def read(self):
        """One read snapshot: every query inside sees the store as the first one did, whatever another
        connection commits meanwhile (WAL keeps the snapshot; no writer waits for it). Inside a transaction
        already open, that transaction is the snapshot. ``reading`` holds ``total_changes`` at the start
        while the snapshot is this method's own."""
        if self.conn.in_transaction:
            yield self
            return

        def begin():
            self.conn.execute("BEGIN")
            self.reading = self.conn.total_changes

        try:
            with self._transaction(begin, strict=False):
                yield self
        finally:
            self.reading = None

    @contextlib.contextmanager
    def _transaction(self, begin, *, strict: bool):
        """``begin()``, then the block: committed when it ends, rolled back when it (or the COMMIT) raises, so no
        transaction is ever left open. ``strict``: COMMIT even when the block ended the transaction itself, which
        SQLite refuses ("no transaction is active"): a write that lost its transaction fails, never succeeds."""
        try:
            begin()
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            if strict or self.conn.in_transaction:
                self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:  # a COMMIT refused (SQLITE_BUSY, statements still running)
                self.conn.execute("ROLLBACK")
            raise

    def audit(self, action: str, table: str, row_id=None) -> None:
        """Record that something changed: action, table, row id, time - never content."""
        self.conn.execute(
            "INSERT INTO audit (at, action, tbl, row_id) VALUES (?, ?, ?, ?)",
            (now_utc(), action, table, None if row_id is None else str(row_id)),
        )

    # --- meta -----------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @property
    def schema_version(self) -> int:
        return int(self.meta("schema_version", "0") or 0)

    # --- geocode cache (used only by advocate.geo.online) -----------------------------------
    def geocode_cache_get(self, key: str) -> dict | None:
        cur = self.conn.execute(
            "SELECT latitude, longitude, display, provider FROM geocode_cache WHERE query = ?", (key,)
        )
        row = cur.fetchone()
        return dict(zip(("latitude", "longitude", "display", "provider"), row, strict=False)) if row else None

    def geocode_cache_put(self, key, lat, lon, display, provider, created) -> None:
        with self.write():
            self.conn.execute(
                "INSERT OR REPLACE INTO geocode_cache VALUES (?, ?, ?, ?, ?, ?)",
                (key, lat, lon, display, provider, created),
            )

    def close(self) -> None:
        self.conn.close()
        if self._locked:
            from advocate.store import lock

            self._locked = False
            lock.release_shared(self.path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _begin_immediate(conn: sqlite3.Connection, attempts: int = 5, notice=None, path=None) -> None:
    # busy_timeout already waits; this retries the rare SQLITE_BUSY that escapes it under WAL.
    # With ``notice``, the first two seconds are waited alone, then the wait is said (and goes on).
    if notice is not None:
        from advocate.store.lock import WAIT_NOTICE_S

        conn.execute(f"PRAGMA busy_timeout = {int(WAIT_NOTICE_S * 1000)}")
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except _db_errors("OperationalError") as exc:
            if not ("locked" in str(exc) or "busy" in str(exc)):
                raise explain_sqlite_error(exc, _where(conn)) from None
            notice(_("Waiting for the store {path}: another program or advocate command is writing to it "
                     "(up to {seconds} s)...").format(path=path or _where(conn), seconds=BUSY_TIMEOUT_MS // 1000))
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    for i in range(attempts):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except _db_errors("OperationalError") as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy:
                raise explain_sqlite_error(exc, _where(conn)) from None
            if i == attempts - 1:
                raise StoreError(_("the store {path} is busy (another program is writing to it); try again").format(
                    path=_where(conn))) from None
            time.sleep(0.05 * (2**i))


def file_uri(path: str | os.PathLike, mode: str | None = None) -> str:
    """An SQLite URI for ``path`` (with ``mode``: "ro"...), percent-encoded: pasted as is, a '#' in the name starts a
    fragment, a '?' the query and '%41' reads 'A', and SQLite opens (or makes) another file."""
    from urllib.parse import quote

    uri = "file:" + quote(os.path.abspath(os.fspath(path)), safe="/")
    return f"{uri}?mode={mode}" if mode else uri


def _where(conn) -> str:
    try:
        return conn.execute("PRAGMA database_list").fetchone()[2]
    except _db_errors():
        return ""


def resolve_path(path: str | os.PathLike | None = None) -> Path:
    """The store's path; a symbolic link to an existing file is that file (the lock, the -wal, a conversion's
    copy and swap all belong beside the store itself: through the link, `db encrypt` replaced the link and zeroed
    the store, and advocates using either path did not exclude each other)."""
    from advocate.config import default_db_path

    p = Path(path).expanduser() if path else default_db_path()
    if p.is_symlink() and p.exists():
        return Path(os.path.realpath(p))
    return p


def _check_is_sqlite(path: Path, maybe_encrypted: bool = False) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except IsADirectoryError:
        raise StoreError(_("{path} is a folder, not a store file; give the path of a file").format(path=path), field="db") from None
    except PermissionError:
        raise StoreError(_("{path} cannot be read (permission denied)").format(path=path)) from None
    if head and head != SQLITE_HEADER:
        from advocate.store import crypto

        start = _text_start(path)
        if start is not None:  # an encrypted store looks random; text (an HTML page, a CSV, notes) never does
            raise UnreadableStore(_('{path} is a text file (it begins "{start}"), not an SQLite database or a store; it '
                                    'was left untouched (give the path of the store)').format(path=path, start=start),
                                  field="db")
        if maybe_encrypted and not crypto.available():
            raise StoreError(_("{path} is not an SQLite database, or is encrypted and SQLCipher is not installed (pip install 'advocate[encryption]'); it was left untouched").format(path=path))
        if maybe_encrypted:
            raise StoreError(_("{path} is not an SQLite database, or is encrypted: give its key in ADVOCATE_DB_KEY; it was left untouched").format(path=path))
        raise UnreadableStore(_("{path} is not an SQLite database; it was left untouched (give another store path)")
                              .format(path=path), field="db")


def _text_start(path: Path) -> str | None:
    """The first words of ``path`` when its first 512 bytes are printable UTF-8 text, else None."""
    import codecs

    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    if not text or not all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return None
    words = " ".join(text.split())
    return words[:40] + ("…" if len(words) > 40 else "")


def _ensure_private_dir(path: Path) -> None:
    parent = path.parent
    if not parent.exists():  # every folder made on the way is 0700, whatever the umask
        from advocate.files import make_private_dirs

        make_private_dirs(parent)


def permission_warning(path: Path) -> str | None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if mode & 0o077:
        return _("the store {path} can be read by other users (mode {mode}); fix it with: chmod 600 '{path}'").format(
            path=path, mode=f"{mode:o}")
    return None


def _connect(path: Path, key: str | None = None, *, configure: bool = True) -> sqlite3.Connection:
    old = os.umask(0o077)  # the file and its -wal/-shm are created 0600
    try:
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)
        if key:
            from advocate.store import crypto

            conn = crypto.connect(path, key, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                  check_same_thread=False)
        else:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if configure:
            _configure(conn, path)
        return conn
    finally:
        os.umask(old)


def _configure(conn, path: Path) -> None:
    """WAL and the pragmas every store runs with - only once the file is known to be an advocate store
    (switching a stranger's database to WAL would change it)."""
    old = os.umask(0o077)
    try:
        try:
            _switch_to_wal(conn)
        except StoreError:
            conn.close()
            raise
        except _db_errors("DatabaseError") as exc:
            conn.close()
            raise StoreError(_("{path} cannot be opened as a store ({exc}); it was left untouched").format(path=path, exc=exc)) from None
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
    finally:
        os.umask(old)


def _db_errors(name: str = "Error") -> tuple[type[BaseException], ...]:
    from advocate.store.crypto import db_errors

    return db_errors(name)


def _switch_to_wal(conn) -> None:
    """``PRAGMA journal_mode = WAL``, waited for. On a file still in rollback mode (a store just made or just
    converted) the switch needs the file alone, and two processes switching at once deadlock: SQLite answers
    one of them "database is locked" at once, without its busy timeout. That one waits and tries again (the
    other has switched by then, and the pragma becomes a no-op)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except _db_errors("OperationalError") as exc:
            if not ("locked" in str(exc) or "busy" in str(exc)) or time.monotonic() >= deadline:
                raise explain_sqlite_error(exc, _where(conn)) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def open_store(path: str | os.PathLike | None = None, *, create: bool = True, migrate: bool = True,
               progress=None, key: str | None = None, seed: Seed | None = None) -> Store:
    """Open (creating on first use) the store at ``path`` or the default location; a new store is filled by
    ``seed`` and an existing one refreshed by it (the bundled directory: open with
    :func:`advocate.workspace.open_store`).

    An encrypted store needs its key (``key``, ``ADVOCATE_DB_KEY`` or the OS keyring)."""
    from advocate import files
    from advocate.store import lock

    path = resolve_path(path)
    files.protect_store(path)
    if not path.exists() and not create:
        raise StoreError(_("there is no store at {path}; run `advocate db init` to create one").format(path=path))
    if path.is_dir():
        raise StoreError(_("{path} is a folder, not a store file; give the path of a file").format(path=path),
                         field="db")
    _ensure_private_dir(path)
    lock_was_there = lock.lock_path(path).exists()
    locked = lock.acquire_shared(path, BUSY_TIMEOUT_MS / 1000, notice=progress)
    try:
        try:
            store = _open_locked(path, create=create, migrate=migrate, progress=progress, key=key, seed=seed)
        except StoreReplaced:  # once more, on the file a conversion put there while this one waited
            store = _open_locked(path, create=create, migrate=migrate, progress=progress, key=key, seed=seed)
    except BaseException as exc:
        if locked:
            lock.release_shared(path)
            if not lock_was_there and isinstance(exc, StoreError):  # not a store: leave nothing beside it
                lock.discard(path)
        raise
    store._locked = locked
    return store


def _open_locked(path: Path, *, create: bool, migrate: bool, progress, key: str | None, seed: Seed | None) -> Store:
    from advocate.store import crypto

    leftovers = _clean_leftovers(path)
    exists = path.exists() and path.stat().st_size > 0 if path.exists() else False
    use_key = None
    if exists and crypto.looks_encrypted(path):
        use_key = crypto.find_key(path, key)
        if not use_key or not crypto.available():
            _check_is_sqlite(path, maybe_encrypted=True)
    elif exists:
        _check_is_sqlite(path)
    elif not path.exists() and not create:
        raise StoreError(_("there is no store at {path}; run `advocate db init` to create one").format(path=path))
    try:
        conn = _connect(path, use_key, configure=False)
    except _db_errors() as exc:
        raise StoreError(_("the store {path} cannot be opened ({exc})").format(path=path, exc=exc)) from None
    store = Store(path, conn, created=not exists, key=use_key)
    store.inode = _inode(path)  # the shared hold keeps conversions out: this is the file SQLite opened
    store.notice = progress
    if not exists:  # caches left beside this path by a store deleted since describe that one, not this one
        from advocate.store import sidecache

        sidecache.remove_all(path)
    try:
        version = _read_version(conn, path)
        _configure(conn, path)
        if version > SCHEMA_VERSION:
            raise StoreError(
                _("the store {path} was written by a newer advocate (schema {version}; this version knows up to {SCHEMA_VERSION}); upgrade advocate (pipx upgrade advocate)").format(path=path, version=version, SCHEMA_VERSION=SCHEMA_VERSION)
            )
        if version < SCHEMA_VERSION and migrate:
            _migrate(store, version, progress=progress, seed=seed)
        if migrate and seed:  # e.g. the shipped directory changed since this store was filled: reload it
            seed.refresh(store, progress=progress)
    except BaseException:
        conn.close()
        if not exists:
            _remove_store_files(path)
        raise
    warning = permission_warning(path)
    if warning:
        store.warnings.append(warning)
    store.warnings.extend(leftovers)
    return store


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _remove_store_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(path) + suffix)


def _read_version(conn: sqlite3.Connection, path: Path) -> int:
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except _db_errors("DatabaseError") as exc:
        if not _damaged(exc):  # the file may be fine: a full disk, an I/O error, a lock
            raise explain_sqlite_error(exc, path) from None
        raise UnreadableStore(_("{path} is not a readable SQLite database ({exc}); it was left untouched").format(
            path=path, exc=exc)) from None
    if "meta" not in tables:
        if tables:
            raise UnreadableStore(_("{path} is an SQLite database but not an advocate store; it was left untouched")
                                  .format(path=path))
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        raise UnreadableStore(_("{path} has an unreadable schema version {value!r}").format(path=path, value=row[0])) \
            from None


def _migrate(store: Store, current: int, progress=None, seed: Seed | None = None) -> None:
    """Run the migrations past ``current`` while holding the store alone (other advocate processes wait)."""
    from advocate.store import lock

    with lock.exclusive(store.path, lock.SCHEMA_UPGRADE, BUSY_TIMEOUT_MS / 1000, notice=progress):
        if store.inode is not None and _inode(store.path) != store.inode:
            # flock lets go of the shared hold while it waits for the exclusive one: a conversion (db encrypt,
            # decrypt) may have replaced the file meanwhile, and this connection still reads the old one
            raise StoreReplaced(_("the store {path} changed while this command waited for it (another advocate "
                               "encrypted or decrypted it); nothing was changed: run the command again").format(
                path=store.path))
        current = _read_version(store.conn, store.path)  # another process may have upgraded it meanwhile
        if current >= SCHEMA_VERSION:
            return
        tag = f"pre-v{SCHEMA_VERSION}"
        if current > 0:
            earlier = [Path(p) for p in _named_copies(store.path, tag)]
            dest = backup(store, kind=tag)
            store.backups.append(dest)
            for old in earlier:  # copies left by killed upgrades hold nothing the new one lacks
                _shred(old)
                from advocate.store import copies

                copies.forget(store.path, old)
            if progress:
                progress(_("Backed up the store to {dest} before upgrading its schema.").format(dest=dest))
        with store.write():
            for number, _title, sql in MIGRATIONS:
                if number <= current:
                    continue
                for statement in _split_sql(sql):
                    store.conn.execute(statement)
                store.set_meta("schema_version", str(number))
            if current == 0:
                store.set_meta("created", now_utc())
                if seed:
                    seed.load(store, progress=progress)
            store.set_meta("migrated", now_utc())


def _named_copies(path: Path, tag: str) -> list[str]:
    prefix = f"{path.name}.{tag}."
    try:
        return sorted(str(p) for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".bak"))
    except OSError:
        return []


# the copy is switched to WAL before the swap: a conversion killed then leaves its -wal and -shm as well
LEFTOVER_SUFFIXES = tuple(f".{what}{side}" for what in ("encrypting", "decrypting")
                          for side in ("", "-journal", "-wal", "-shm"))


def _clean_leftovers(path: Path) -> list[str]:
    """Files a killed conversion left beside the store (run while holding the shared lock, so no conversion
    is running): half-written encrypted/decrypted copies and the plain copy older versions kept during
    ``db encrypt``. Removed; what was removed is returned as warnings."""
    notes = []
    for suffix in LEFTOVER_SUFFIXES:
        leftover = Path(str(path) + suffix)
        if leftover.exists():
            _shred(leftover)
            if suffix in (".encrypting", ".decrypting"):
                notes.append(_("removed {path}, a half-written copy left by an interrupted conversion").format(
                    path=leftover))
    plain_copies = _named_copies(path, "pre-encrypt")
    if plain_copies and path.exists():
        from advocate.store import copies

        for copy in plain_copies:
            _shred(Path(copy))
            copies.forget(path, Path(copy))
        notes.append(ngettext("removed {n} plain copy of the store left by an interrupted `advocate db encrypt` "
                              "({names})",
                              "removed {n} plain copies of the store left by an interrupted `advocate db encrypt` "
                              "({names})", len(plain_copies)).format(
            n=len(plain_copies), names=", ".join(Path(c).name for c in plain_copies)))
    from advocate.staging import clean_staging

    notes.extend(clean_staging())  # staging folders of killed imports, in TMPDIR
    from advocate.files import clean_partial_writes

    notes.extend(clean_partial_writes())  # temporary files of writes killed anywhere (exports, backups elsewhere)
    with contextlib.suppress(OSError):
        cutoff = time.time() - 600
        for p in path.parent.iterdir():  # temporary files of a backup killed more than 10 minutes ago
            if p.name.startswith(f".{path.name}.") and p.name.endswith(".part") and p.stat().st_mtime < cutoff:
                p.unlink()
    return notes


def _split_sql(sql: str) -> list[str]:
    """Split a script into statements (triggers contain ';' inside BEGIN ... END)."""
    out, buf = [], []
    for line in sql.strip().splitlines():
        buf.append(line)
        chunk = "\n".join(buf)
        if sqlite3.complete_statement(chunk):
            out.append(chunk.strip())
            buf = []
    if "".join(buf).strip():
        out.append("\n".join(buf))
    return out


def backup_path(path: Path, tag: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.{tag}.{stamp}.bak")


def backup(store: Store, dest: str | os.PathLike | None = None, *, force: bool = False, confirm=None,
           kind: str = "backup") -> Path:
    """SQLite's online backup API (consistent even while others write), to a 0600 file.

    With no ``dest`` the copy goes beside the store under a new dated name. A ``dest`` goes through the
    output gateway (:func:`advocate.files.output_path`): never the store, its copies or the data folder; a
    folder (or a path ending in ``/``) gets the dated name; an existing file only with ``force``; an
    existing database never. The copy is written to a temporary file and renamed, and recorded in the
    store's list of copies."""
    from advocate import files

    if dest is None:
        target = _unique_backup_path(store.path, kind)
    else:
        target = files.output_path(dest, force=force, confirm=confirm, make_parents=True,
                                   default_name=backup_path(store.path, kind).name)
        if not target.parent.exists():
            files.make_private_dirs(target.parent)
    _write_backup(store, target)
    from advocate.store import copies

    if not copies.record(store.path, target, kind, encrypted=bool(store.key)) and \
            _resolved_parent(target) != _resolved_parent(store.path):
        # beside the store a copy is found by its name; elsewhere (a USB stick) only the list finds it again
        _shred(target)
        raise StoreError(_("the backup could not be added to the list of copies {registry}, so advocate could not "
                           "find it again to remove a purged client from it; it was not kept (make room beside the "
                           "store and run again)").format(registry=copies.registry_path(store.path)))
    return target


def _resolved_parent(path: Path) -> str:
    return os.path.realpath(path.parent)


def _unique_backup_path(path: Path, tag: str) -> Path:
    target = backup_path(path, tag)
    n = 1
    while os.path.lexists(target):
        n += 1
        target = target.with_name(target.name[: -len(".bak")] + f"-{n}.bak")
    return target


def _write_backup(store: Store, dest: Path) -> None:
    """Copy the store into a new temporary file beside ``dest``, then rename it into place."""
    import tempfile

    from advocate import files

    old = os.umask(0o077)
    tmp = None
    note = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        os.close(fd)
        note = files.PartialWrite(tmp)  # a backup killed here is a whole copy of the store: named, so found
        if store.key:  # an encrypted store backs up encrypted, with the same key
            from advocate.store import crypto

            target = crypto.connect(Path(tmp), store.key)
        else:
            target = sqlite3.connect(tmp)
        try:
            store.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
        tmp = None
    except OSError as exc:
        raise files._os_error(exc, dest) from None
    except _db_errors() as exc:
        if _disk_full(exc):
            raise files.DiskFull(_("the disk holding {dest} is full; the backup was not written (it needs about "
                                   "{size} free)").format(dest=dest, size=_human(store.path.stat().st_size))) from None
        failed = UnreadableStore if _damaged(exc) else StoreError  # damaged pages of the store being copied
        raise failed(_("the backup to {dest} failed ({exc}); nothing was written").format(dest=dest, exc=exc)) from None
    finally:
        os.umask(old)
        if tmp:
            for suffix in ("", "-journal", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp + suffix)
        if note is not None:
            note.done()


SQLITE_FULL = 13
SQLITE_IOERR_SHMSIZE = 4874  # the -shm could not be grown: on a full disk, before anything is read


def _disk_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "full" in text or "no space" in text or getattr(exc, "sqlite_errorcode", None) in (
        SQLITE_FULL, SQLITE_IOERR_SHMSIZE)


def _damaged(exc: BaseException) -> bool:
    """The error says the file's content is bad (SQLITE_CORRUPT, SQLITE_NOTADB), not the machine."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (11, 26)
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def _human(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


class ScrubIncomplete(StoreError):
    """Rows were deleted, but old copies of them may remain in the WAL because another program has the store open."""


SCRUB_WAIT_MS = BUSY_TIMEOUT_MS  # how long each scrub attempt waits for another program's read to end


def scrub(store: Store, attempts: int = 3) -> None:
    """Checkpoint the WAL into the file, VACUUM, and empty the WAL again, so deleted rows (already zeroed by
    secure_delete) leave no copy behind. Each of ``attempts`` waits up to ``SCRUB_WAIT_MS`` for other
    readers. Raises :class:`ScrubIncomplete` if another program's open read keeps the WAL from being emptied."""
    def checkpoint() -> bool:
        row = store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return bool(row) and row[0] == 0 and row[1] == row[2]

    why = None
    store.conn.execute(f"PRAGMA busy_timeout = {int(SCRUB_WAIT_MS)}")
    try:
        for i in range(attempts):
            try:
                if checkpoint():
                    store.conn.execute("VACUUM")
                    if checkpoint():
                        return
            except Exception as exc:  # noqa: BLE001 - a busy VACUUM or checkpoint: retried, then reported
                why = exc
            time.sleep(0.1 * (i + 1))
    finally:
        store.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    raise ScrubIncomplete(
        _("the rows were deleted, but another program has the store {path} open (Datasette, a script, another "
          "advocate), so the store's WAL file may still hold old copies of them; close that program and run "
          "`advocate db scrub`").format(path=store.path) + (f" ({why})" if why else ""))


def check(store: Store) -> dict:
    """Integrity, schema version, counts, permissions."""
    integrity = [r[0] for r in store.conn.execute("PRAGMA integrity_check")]
    fk = store.conn.execute("PRAGMA foreign_key_check").fetchall()
    mode = stat.S_IMODE(store.path.stat().st_mode)
    counts = {}
    for table in ("services", "locations", "organizations", "clients", "appointments"):
        try:
            counts[table] = store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except _db_errors():
            counts[table] = None
    return {
        "path": str(store.path),
        "ok": integrity == ["ok"] and not fk,
        "integrity": "ok" if integrity == ["ok"] else "; ".join(integrity[:5]),
        "foreign_key_problems": len(fk),
        "schema_version": store.schema_version,
        "schema_version_expected": SCHEMA_VERSION,
        "encrypted": bool(store.key),
        "journal_mode": store.conn.execute("PRAGMA journal_mode").fetchone()[0],
        "file_mode": f"{mode:o}",
        "private": not (mode & 0o077),
        **{f"{k}_count": v for k, v in counts.items()},
    }


def restore(src: str | os.PathLike, path: str | os.PathLike | None = None, key: str | None = None,
            progress=None) -> dict:
    """Replace the store with the backup ``src`` after checking it, holding the store alone meanwhile.

    A readable current store is backed up first; one that cannot be read (damaged, not a database, a key
    that does not open it) is moved aside instead, and the result says where."""
    from advocate.store import crypto, lock

    src = Path(src).expanduser()
    dest = resolve_path(path)
    if not src.is_file():
        raise StoreError(_("there is no backup file at {src}").format(src=src))
    if dest.exists() and src.resolve() == dest.resolve():
        raise StoreError(_("{src} is the store itself; give a backup file").format(src=src))
    key = crypto.find_key(dest, key) if crypto.looks_encrypted(src) else None
    if key is None:
        _check_is_sqlite(src, maybe_encrypted=True)
    try:
        probe = crypto.connect(src, key) if key else sqlite3.connect(file_uri(src, "ro"), uri=True)
    except _db_errors() as exc:
        raise StoreError(_("{src} is not a usable backup ({exc}); the store was left as it was").format(
            src=src, exc=exc)) from None
    try:
        ok = probe.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        version = _read_version(probe, src)
    except _db_errors("DatabaseError") as exc:
        raise StoreError(_("{src} is not a usable backup ({exc}); the store was left as it was").format(src=src, exc=exc)) from None
    finally:
        probe.close()
    if not ok:
        raise StoreError(_("{src} fails SQLite's integrity check; the store was left as it was").format(src=src))
    if version == 0:
        raise StoreError(_("{src} is not an advocate store; the store was left as it was").format(src=src))
    if version > SCHEMA_VERSION:
        raise StoreError(_("{src} was written by a newer advocate (schema {version}); upgrade advocate first").format(
            src=src, version=version))
    _ensure_private_dir(dest)
    safety = moved = None
    with lock.exclusive(dest, lock.RESTORE, BUSY_TIMEOUT_MS / 1000, notice=progress):
        if dest.exists() and dest.stat().st_size:
            current = None
            try:
                current = open_store(dest, migrate=False, key=key)
            except UnreadableStore:  # damaged, not a database: kept, moved aside
                moved = _move_aside(dest)
            # any other failure (a full disk, an I/O error, a missing or wrong key) leaves the store where it is
            if current is not None:
                try:
                    if bool(current.key) != bool(key):
                        raise StoreError(_("the backup and the store differ in encryption; restore into a new store "
                                           "path, then `advocate db encrypt` if needed"))
                    try:
                        safety = backup(current, kind="pre-restore")
                    except UnreadableStore:  # damaged pages
                        current.close()
                        current = None
                        moved = _move_aside(dest)
                    except _db_errors("DatabaseError") as exc:
                        if not _damaged(exc):
                            raise explain_sqlite_error(exc, dest) from None
                        current.close()
                        current = None
                        moved = _move_aside(dest)
                finally:
                    if current is not None:
                        current.close()
        try:
            src_conn = crypto.connect(src, key) if key else sqlite3.connect(file_uri(src, "ro"), uri=True)
            target = _connect(dest, key)
            try:
                src_conn.backup(target)  # page-by-page copy into the live file, safe with WAL
            except _db_errors() as exc:
                raise explain_sqlite_error(exc, dest) from None
            finally:
                src_conn.close()
                target.close()
            os.chmod(dest, 0o600)
            with open_store(dest, key=key) as restored:  # migrates an older backup forward
                result = check(restored)
        except BaseException:
            if moved is not None:  # the store that could not be read goes back where it was
                _put_back(moved, dest)
            raise
    result["restored_from"] = str(src)
    result["previous_store_saved_to"] = str(safety) if safety else None
    result["unreadable_store_moved_to"] = str(moved) if moved else None
    return result


def _move_aside(path: Path) -> Path:
    """Rename an unreadable store (and its side files) out of the way; it is kept, and listed as a copy."""
    aside = _unique_backup_path(path, "unreadable")
    for suffix in ("-wal", "-shm", "-journal"):
        side = Path(str(path) + suffix)
        if side.exists():
            os.replace(side, Path(str(aside) + suffix))
    os.replace(path, aside)
    from advocate.store import copies, crypto

    copies.record(path, aside, "unreadable", encrypted=crypto.looks_encrypted(aside))
    return aside


def _put_back(aside: Path, path: Path) -> None:
    """Undo :func:`_move_aside` after a restore that failed: what the restore wrote at ``path`` is removed and the
    store it found there goes back, with its side files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(path) + suffix)
    for suffix in ("-wal", "-shm", "-journal"):
        side = Path(str(aside) + suffix)
        if side.exists():
            os.replace(side, Path(str(path) + suffix))
    os.replace(aside, path)
    from advocate.store import copies

    copies.forget(path, aside)


def explain_sqlite_error(exc: BaseException, path: Path | str | None = None) -> StoreError:
    """One true sentence for an SQLite failure (read-only, full disk, damaged file, busy...)."""
    text = str(exc).lower()
    where = path or ""
    error = _store_error_tidy
    if getattr(exc, "sqlite_errorcode", None) in (SQLITE_FULL, SQLITE_IOERR_SHMSIZE):
        text = "full"
    if "readonly" in text or "read-only" in text:
        return error(_("the store {path} is read-only (the file, its folder or the disk does not allow "
                            "writing); nothing was changed").format(path=where))
    if "full" in text or "no space" in text:
        return error(_("the disk holding the store {path} is full; nothing was changed (free some space and "
                            "run again)").format(path=where))
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return error(_("the store {path} is damaged ({exc}); restore a backup with `advocate db restore "
                            "BACKUP`").format(path=where, exc=exc))
    if "locked" in text or "busy" in text:
        return error(_("the store {path} is busy (another program is writing to it); try again").format(
            path=where))
    if "unable to open" in text or "disk i/o" in text:
        return error(_("the store {path} cannot be opened or read ({exc}); check the disk and the file's "
                            "permissions").format(path=where, exc=exc))
    return error(_("the store {path} could not be read or written ({exc})").format(path=where, exc=exc))



def _store_error_tidy(text: str) -> StoreError:
    """A StoreError whose sentence has no double space where no path was known ("the store  is busy")."""
    while "  " in text:
        text = text.replace("  ", " ")
    return StoreError(text)

def _free_space(folder: Path) -> int:
    import shutil

    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return -1


def _store_size(path: Path) -> int:
    total = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            total += os.path.getsize(str(path) + suffix)
    return total


def _convert(path: str | os.PathLike | None, key: str, *, to_encrypted: bool, progress=None) -> dict:
    """Encrypt or decrypt the store in place, holding it alone for the whole change.

    Other advocate processes wait (or fail with "the store is being converted"); the store's write lock is
    held too, so nothing - not even a script - commits between the copy and the swap. The copy is verified
    (integrity and row counts) before it replaces the store; on any failure, an interrupt or a full disk, the
    half-written copy is removed and the store is left as it was."""
    from advocate.store import crypto, lock

    crypto.driver()
    path = resolve_path(path)
    if not path.exists() or not path.stat().st_size:
        raise StoreError(_("there is no store at {path}").format(path=path))
    what = lock.ENCRYPT if to_encrypted else lock.DECRYPT
    tmp = path.with_name(path.name + (".encrypting" if to_encrypted else ".decrypting"))
    with lock.exclusive(path, what, BUSY_TIMEOUT_MS / 1000, notice=progress):
        store = open_store(path, key=None if to_encrypted else key, create=False)
        try:
            if to_encrypted and store.key:
                raise StoreError(_("the store {path} is already encrypted").format(path=path))
            if not to_encrypted and not store.key:
                raise StoreError(_("the store {path} is not encrypted").format(path=path))
            _begin_immediate(store.conn)  # nobody commits from here to the swap
            counts = _table_counts(store.conn)
            need = int(_store_size(path) * 1.1) + (1 << 20)
            free = _free_space(path.parent)
            if 0 <= free < need:
                raise _disk_full_error(path, need, free)
            try:
                old = os.umask(0o077)
                try:
                    if to_encrypted:
                        crypto.export_encrypted(path, tmp, key)
                    else:
                        crypto.export_plain(path, tmp, key)
                finally:
                    os.umask(old)
                check_conn = crypto.connect(tmp, key) if to_encrypted else sqlite3.connect(tmp)
                try:
                    ok = check_conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                    same = _table_counts(check_conn) == counts
                    # in WAL before the swap: the advocates waiting to open it need not switch it themselves
                    check_conn.execute("PRAGMA journal_mode = WAL")
                finally:
                    check_conn.close()
                if not (ok and same):
                    raise StoreError(_("the converted copy did not verify; the store {path} was left as it was")
                                     .format(path=path))
                os.chmod(tmp, 0o600)
            except BaseException as exc:
                _remove_with_journal(tmp)
                db_error = crypto.is_db_error(exc)
                if (isinstance(exc, OSError) or db_error) and _disk_full(exc):
                    raise _disk_full_error(path, need, _free_space(path.parent)) from None
                if db_error:
                    raise explain_sqlite_error(exc, path) from None
                raise
            store.conn.execute("ROLLBACK")
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException:
            store.close()
            raise
        store.close()
        try:
            wal = Path(str(path) + "-wal")
            if wal.exists() and wal.stat().st_size:
                raise StoreError(_("another program wrote to the store {path} during the change; nothing was "
                                   "changed (close it and run again)").format(path=path))
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(str(path) + suffix)
            old_fd = os.open(path, os.O_RDWR)
            try:
                os.replace(tmp, path)
                _zero_fd(old_fd)  # the old file's blocks (plain text, when encrypting) are overwritten
            finally:
                os.close(old_fd)
        except BaseException:
            _remove_with_journal(tmp)
            raise
    if progress:
        progress((_("Encrypted {path}; no other copy was made during the change.") if to_encrypted else
                  _("Decrypted {path}; no other copy was made during the change.")).format(path=path))
    return {"path": str(path), "encrypted": to_encrypted, "tables_checked": len(counts)}


def _disk_full_error(path: Path, need: int, free: int):
    from advocate.files import DiskFull

    if free >= 0:
        return DiskFull(_("the disk holding {path} is too full to convert it: it needs about {need} free; {free} are "
                          "free; nothing was changed and nothing was left behind").format(
            path=path, need=_human(need), free=_human(free)))
    return DiskFull(_("the disk holding {path} is too full to convert it: it needs about {need} free; nothing was "
                      "changed and nothing was left behind").format(path=path, need=_human(need)))


def _remove_with_journal(p: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(p) + suffix)


def _zero_fd(fd: int) -> None:
    with contextlib.suppress(OSError):
        size = os.fstat(fd).st_size
        block = b"\0" * (1 << 20)
        done = 0
        while done < size:
            done += os.pwrite(fd, block[: min(len(block), size - done)], done)
        os.fsync(fd)


def encrypt(path: str | os.PathLike | None, key: str, progress=None) -> dict:
    """Convert a plain store to SQLCipher in place (see :func:`_convert`); no plain copy is made."""
    if not key or len(key) < 8:
        raise StoreError(_("an encryption key needs at least 8 characters"))
    return _convert(path, key, to_encrypted=True, progress=progress)


def decrypt(path: str | os.PathLike | None, key: str | None = None, progress=None) -> dict:
    """Convert an encrypted store back to a plain SQLite file in place (the key from ``key``,
    ``ADVOCATE_DB_KEY`` or the keyring)."""
    from advocate.store import crypto

    p = resolve_path(path)
    key = crypto.find_key(p, key)
    if not key:
        raise StoreError(_("decrypting {path} needs its key: set ADVOCATE_DB_KEY").format(path=p))
    return _convert(p, key, to_encrypted=False, progress=progress)


def _table_counts(conn) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'"
        " AND name NOT LIKE '%rtree%'")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}


def _shred(path: Path) -> None:
    """Overwrite a file with zeros before unlinking it (best effort on SSDs; the real guard is disk encryption).
    A symbolic link is only unlinked: what it points to is never overwritten."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        fd = None
    if fd is not None:
        try:
            st = os.fstat(fd)
            if stat.S_ISREG(st.st_mode):
                block = b"\0" * (1 << 20)
                done = 0
                while done < st.st_size:
                    done += os.pwrite(fd, block[: min(len(block), st.st_size - done)], done)
                os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
