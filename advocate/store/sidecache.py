"""Caches kept beside the store (``<store>.<kind>``, 0600, listed among the store's copies so ``purge``
finds them), valid only for the exact state of the store they were made from.

The state is read from the file system, so a change by any program is seen: the store file's identity,
size and modification time, and, while its write-ahead log holds anything, the log's size, modification
time and header (whose salts change each time the log starts over). Nothing is kept beside an encrypted
store: a cache would be plain text next to it.

A cache is read only when it is a regular file (not a symbolic link) owned by the user, that no one else can
write, and whose body matches the digest written with it: a damaged, planted or forged file is ignored and
made again, never believed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advocate.store import Store

KINDS = ("grid",)  # what is kept beside a store; none of it holds client data (services and places only)


def cache_path(store: Store, kind: str) -> Path:
    return store.path.with_name(f"{store.path.name}.{kind}")


def state(store: Store) -> str | None:
    """A string that changes whenever anything is committed to the store (None: keep no cache)."""
    if getattr(store, "key", None):
        return None
    parts: list = []
    try:
        st = os.stat(store.path)
    except OSError:
        return None
    # the change time too: a copy put back with its old modification time (cp -p, touch -r) still changes it
    parts.append([st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns])
    wal = Path(f"{store.path}-wal")
    with contextlib.suppress(OSError):
        st = os.stat(wal)
        if st.st_size:  # an empty log (every reader opens one) changes nothing
            with open(wal, "rb") as fh:
                head = fh.read(32)
            parts.append([st.st_size, st.st_mtime_ns, head.hex()])
    return json.dumps(parts)


def load(store: Store, kind: str, key: str) -> bytes | None:
    """The cached bytes made under ``key``, or None (no cache, another state or another kind of content)."""
    data = _read_own(cache_path(store, kind))
    if data is None:
        return None
    header, sep, rest = data.partition(b"\n")
    if not sep or header != key.encode("utf-8"):
        return None
    digest, sep, body = rest.partition(b"\n")
    if not sep or digest != hashlib.sha256(body).hexdigest().encode("ascii"):
        return None  # damaged (or cut short): made again
    return body


def _read_own(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of this user that no one else can write (never through a
    symbolic link, never blocking on a pipe); None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def remove_all(store_path: Path) -> None:
    """Remove the caches beside a store path (a new store was made there: they describe another one)."""
    for kind in KINDS:
        with contextlib.suppress(OSError):
            os.unlink(store_path.with_name(f"{store_path.name}.{kind}"))


def save(store: Store, kind: str, key: str, body: bytes) -> None:
    """Keep ``body`` for ``key`` (atomically, owner-only); a cache that cannot be written is not kept."""
    from advocate.errors import AdvocateError
    from advocate.files import open_private
    from advocate.store import copies

    path = cache_path(store, kind)
    with contextlib.suppress(OSError, AdvocateError):
        with open_private(path, "wb", checked=path) as fh:
            fh.write(key.encode("utf-8") + b"\n" + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
        copies.record(store.path, path, kind)
