"""Caches kept beside the store (``<store>.<kind>``, 0600, listed among the store's copies so ``purge``
finds them), valid only for the exact state of the store they were made from.

The state is read from the file system, so a change by any program is seen: the store file's identity,
size and modification time, and, while its write-ahead log holds anything, the log's size, modification
time and header (whose salts change each time the log starts over). Nothing is kept beside an encrypted
store: a cache would be plain text next to it.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advocate.store import Store


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
    parts.append([st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns])
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
    try:
        data = cache_path(store, kind).read_bytes()
    except OSError:
        return None
    header, sep, body = data.partition(b"\n")
    return body if sep and header == key.encode("utf-8") else None


def save(store: Store, kind: str, key: str, body: bytes) -> None:
    """Keep ``body`` for ``key`` (atomically, owner-only); a cache that cannot be written is not kept."""
    from advocate.errors import AdvocateError
    from advocate.files import open_private
    from advocate.store import copies

    path = cache_path(store, kind)
    with contextlib.suppress(OSError, AdvocateError):
        with open_private(path, "wb", checked=path) as fh:
            fh.write(key.encode("utf-8") + b"\n" + body)
        copies.record(store.path, path, kind)
