"""The list of copies advocate made of a store (``<store>.copies``, beside it, 0600).

Every backup advocate writes - ``db backup``, the copy kept before a restore, a schema upgrade or an
encryption - is recorded here with its kind and whether it is encrypted, so ``clients purge`` can say
which copies still hold a client and scrub or delete them, and the output gateway never writes over one.
One JSON object a line; entries whose file is gone are dropped when the list is next written.

The list is read only from a regular file of this user that no one else can write, and never through a
symbolic link; a listed path that has since become a symbolic link is not a copy advocate made, so it is
neither opened nor deleted (a planted link cannot turn a purge against another file).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advocate.store import Store


def registry_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".copies")


def _read(reg: Path) -> list[dict]:
    try:
        fd = os.open(reg, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return []
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
            return []
        with os.fdopen(fd, "rb", closefd=False) as fh:
            text = fh.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    finally:
        os.close(fd)
    out = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError, TypeError):
            entry = json.loads(line)
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                out.append(entry)
    return out


@contextlib.contextmanager
def _locked(store_path: Path):
    reg = registry_path(store_path)
    old = os.umask(0o077)
    try:
        try:
            fd = os.open(reg, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o600)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            os.unlink(reg)  # a symbolic link planted at the list's name: removed, never written through
            fd = os.open(reg, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    finally:
        os.umask(old)
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
        os.close(fd)
        raise OSError(errno.EPERM, "not a list advocate wrote", str(reg))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        entries = _read(reg)
        yield entries
        data = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries
                       if os.path.lexists(e["path"])).encode("utf-8")
        # the room is taken before the list is touched: emptied first and then refused by a full disk, it
        # forgot every copy (those on a USB stick cannot be found by name)
        with contextlib.suppress(AttributeError):  # not on macOS
            try:
                os.posix_fallocate(fd, 0, max(len(data), 1))
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
                    raise
        done = 0
        while done < len(data):
            done += os.pwrite(fd, data[done:], done)
        os.ftruncate(fd, len(data))
        os.fsync(fd)
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def record(store_path: Path, copy: Path, kind: str, *, encrypted: bool = False) -> bool:
    """Add ``copy`` (a file advocate just wrote) to the store's list. False when the list cannot be written: a copy
    beside the store is still found by its name, one elsewhere is not (the caller decides)."""
    store_path = Path(store_path)
    path = str(Path(copy).resolve())
    try:
        with _locked(store_path) as entries:
            entries[:] = [e for e in entries if e["path"] != path]
            entries.append({"path": path, "kind": kind, "encrypted": bool(encrypted),
                            "created": datetime.now(UTC).isoformat(timespec="seconds")})
    except OSError:
        return False
    return True


def forget(store_path: Path, copy: Path) -> None:
    path = str(Path(copy).resolve())
    with contextlib.suppress(OSError), _locked(Path(store_path)) as entries:
        entries[:] = [e for e in entries if e["path"] != path]


def list_copies(store_path: Path) -> list[dict]:
    """The copies of this store that still exist: listed ones, plus any advocate-named backup beside it."""
    store_path = Path(store_path)
    seen: dict[str, dict] = {}
    for e in _read(registry_path(store_path)):
        if os.path.lexists(e["path"]) and not os.path.islink(e["path"]):
            seen[e["path"]] = e
    with contextlib.suppress(OSError):
        for p in store_path.parent.iterdir():
            name = p.name
            if name.startswith(store_path.name + ".") and (name.endswith(".bak") or ".encrypting" in name
                                                        or ".decrypting" in name) \
                    and not p.is_symlink():
                key = str(p.resolve())
                if key not in seen:
                    kind = name[len(store_path.name) + 1:].split(".")[0]
                    seen[key] = {"path": key, "kind": kind, "encrypted": _looks_encrypted(p), "created": None}
    return sorted(seen.values(), key=lambda e: e["path"])


def is_cache(entry: dict) -> bool:
    """A listed cache beside the store (:mod:`advocate.store.sidecache`: the services batch grid), which holds
    services and places only - as long as it is not a database (a store copied over the cache's name is one)."""
    from advocate.store.sidecache import KINDS

    if entry.get("kind") not in KINDS:
        return False
    try:
        with open(entry["path"], "rb") as fh:
            return fh.read(16) != b"SQLite format 3\x00"
    except OSError:
        return True


def _looks_encrypted(p: Path) -> bool:
    try:
        with open(p, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return bool(head) and head != b"SQLite format 3\x00"


def listed_copies() -> set[Path]:
    """Every listed copy of every store this process knows (for the output gateway)."""
    from advocate.files import protected_stores

    out = set()
    for store in protected_stores():
        for e in _read(registry_path(store)):
            out.add(Path(e["path"]))
    return out


def _open_copy(path: Path, key: str | None, *, readonly: bool):
    import sqlite3

    from advocate.store import crypto

    if _looks_encrypted(path):
        # a copy made while the store was encrypted stays so after `db decrypt`: the key given for it opens it
        key = key or crypto.find_key(path)
        if not key or not crypto.available():
            return None
        try:
            return crypto.connect(path, key, isolation_level=None)
        except Exception:
            return None
    from advocate.store import file_uri

    uri = file_uri(path, "ro" if readonly else None)
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error:
        return None


def holding(store: Store, code: str) -> list[dict]:
    """The listed copies of ``store`` that still hold client ``code`` (a copy that cannot be opened to look,
    such as an encrypted backup without its key, counts as holding it)."""
    return holding_any(store, [code])


def holding_any(store: Store, codes) -> list[dict]:
    """The listed copies of ``store`` that hold any of ``codes``, each with ``clients``: how many of them
    it holds (None when the copy cannot be opened to look, which counts as holding them all)."""
    codes = list(dict.fromkeys(codes))
    out: list[dict] = []
    if not codes:
        return out
    for entry in list_copies(store.path):
        path = Path(entry["path"])
        if is_cache(entry):
            continue  # a cache of the directory kept beside the store holds no client
        conn = _open_copy(path, store.key, readonly=True)
        if conn is None:
            out.append({**entry, "checked": False, "clients": None})
            continue
        try:
            found = conn.execute("SELECT count(*) FROM clients WHERE code IN (SELECT value FROM json_each(?))",
                                 (json.dumps(codes),)).fetchone()[0]
        except Exception:
            found = 0
        finally:
            conn.close()
        if found:
            out.append({**entry, "checked": True, "clients": found})
    return out


def scrub(store: Store, code: str, tables: tuple[str, ...]) -> list[dict]:
    """Remove client ``code`` from every listed copy that holds it (see :func:`scrub_any`)."""
    return scrub_any(store, [code], tables)


def scrub_any(store: Store, codes, tables: tuple[str, ...]) -> list[dict]:
    """Remove every client in ``codes`` from every listed copy that holds one: scrub it in place (delete,
    VACUUM, no journal left), or delete the copy when it cannot be opened or changed. Returns what was done
    to each copy (``action`` scrubbed or deleted)."""
    from advocate.store import _shred

    codes = list(dict.fromkeys(codes))
    done = []
    for entry in holding_any(store, codes):
        path = Path(entry["path"])
        conn = _open_copy(path, store.key, readonly=False)
        if conn is None:
            _shred(path)
            forget(store.path, path)
            done.append({"path": str(path), "action": "deleted"})
            continue
        try:
            conn.execute("PRAGMA secure_delete = ON")
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            wanted = json.dumps(codes)
            conn.execute("BEGIN IMMEDIATE")
            for table in tables:
                if table in names:
                    conn.execute(f"DELETE FROM {table} WHERE client_code IN (SELECT value FROM json_each(?))",
                                 (wanted,))
            conn.execute("DELETE FROM clients WHERE code IN (SELECT value FROM json_each(?))", (wanted,))
            conn.execute("COMMIT")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
            done.append({"path": str(path), "action": "scrubbed"})
        except Exception:
            conn.close()
            conn = None
            _shred(path)
            forget(store.path, path)
            done.append({"path": str(path), "action": "deleted"})
        finally:
            if conn is not None:
                conn.close()
    return done


def closed_before(store: Store, cutoff: str) -> list[str]:
    """Codes of the clients closed before ``cutoff`` (an ISO date) in any listed copy that can be opened, so a
    retention purge can reach clients already purged from the store but still held by a copy."""
    codes: dict[str, None] = {}
    for entry in list_copies(store.path):
        conn = _open_copy(Path(entry["path"]), store.key, readonly=True)
        if conn is None:
            continue
        try:
            for (code,) in conn.execute("SELECT code FROM clients WHERE status = 'closed' AND closed IS NOT NULL "
                                        "AND substr(closed, 1, 10) < ?", (cutoff,)):
                codes[code] = None
        except Exception:
            continue
        finally:
            conn.close()
    return list(codes)
