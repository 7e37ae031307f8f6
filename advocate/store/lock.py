"""Who holds the store: every open store holds a shared lock on ``<store>.lock``; a conversion that
replaces the file or rewrites it whole (encrypt, decrypt, restore, a schema upgrade) holds it exclusively.

So a writer never writes into a file that is about to be swapped away: it waits (with the normal busy
timeout) until the conversion is done, or fails with "the store is being converted; try again". The lock
file is 0600 beside the store and names what holds it exclusively, so a waiting command can say what it
waits for. One file descriptor per store per process, so one process can open a store twice.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from pathlib import Path

from advocate.errors import StoreError
from advocate.i18n import N_, _

WAIT_NOTICE_S = 2.0

# what holds the store alone, as written in the lock file (English, read back by every process) and shown
# to whoever waits in their own language
SCHEMA_UPGRADE = N_("a schema upgrade")
RESTORE = "advocate db restore"
ENCRYPT = "advocate db encrypt"
DECRYPT = "advocate db decrypt"

_held: dict[str, dict] = {}  # resolved lock path -> {"fd", "shared", "exclusive"}


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".lock")


def _open(store_path: Path) -> int | None:
    path = lock_path(store_path)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
    old = os.umask(0o077)
    try:
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            # a symbolic link planted at the lock's name: removed, never written through (announcing a
            # conversion truncates the lock file, which would empty whatever the link points to)
            os.unlink(path)
            fd = os.open(path, flags | os.O_EXCL, 0o600)
    except OSError:  # a read-only folder: the store can still be read, without the lock
        return None
    finally:
        os.umask(old)
    try:
        st = os.fstat(fd)
    except OSError:
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        os.close(fd)  # a pipe or a device at the lock's name: never written to
        raise StoreError(_("{path} is not a lock file advocate made (it is a pipe, a device or a folder); "
                           "remove it and run again").format(path=path))
    return fd


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 200).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return text


def _holder_said(fd: int) -> str:
    """What holds the store, in the interface language ("" when nothing has announced itself)."""
    text = _holder(fd)
    what, sep, rest = text.rpartition(" is running (process ")
    if not sep:
        return text
    return _("{what} is running (process {pid})").format(what=_(what), pid=rest.rstrip(")"))


def _conversion_pending(fd: int) -> bool:
    """A conversion has announced itself (its process is alive and not us): new openers let it go first,
    so a stream of short writers cannot starve it."""
    text = _holder(fd)
    if not text:
        return False
    try:
        pid = int(text.rsplit("process ", 1)[1].rstrip(")"))
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait(fd: int, mode: int, store_path: Path, timeout: float, notice, what_blocks: str) -> bool:
    start = time.monotonic()
    told = False
    delay = 0.005
    while True:
        if mode == fcntl.LOCK_EX or not _conversion_pending(fd):
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                return True
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    return False
        waited = time.monotonic() - start
        if waited >= timeout:
            return False
        if notice and not told and waited >= WAIT_NOTICE_S:
            holder = _holder_said(fd) if mode == fcntl.LOCK_SH else ""
            notice(_("Waiting for the store {path}: {reason} (up to {seconds} s)...").format(
                path=store_path, reason=holder or what_blocks, seconds=f"{timeout:.0f}"))
            told = True
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _key(store_path: Path) -> str:
    # the folder resolved, not the lock file itself: a link planted at the lock's name is replaced on open,
    # and the key must stay the same before and after
    path = lock_path(Path(store_path))
    return os.path.join(os.path.realpath(path.parent), path.name)


def acquire_shared(store_path: Path, timeout: float, notice=None) -> bool:
    """Hold the store open (shared). Raises StoreError if a conversion holds it past ``timeout``.
    Returns False when no lock file can be made (a read-only folder)."""
    key = _key(store_path)
    entry = _held.get(key)
    if entry:
        entry["shared"] += 1
        return True
    fd = _open(store_path)
    if fd is None:
        return False
    if not _wait(fd, fcntl.LOCK_SH, store_path, timeout, notice, _("it is being converted")):
        holder = _holder_said(fd)
        os.close(fd)
        raise StoreError(_("the store {path} is being converted ({holder}); try again when it is done").format(
            path=store_path, holder=holder or _("encrypt, restore or upgrade")))
    _held[key] = {"fd": fd, "shared": 1, "exclusive": 0}
    return True


def discard(store_path: Path) -> None:
    """Remove the lock file beside a file that turned out not to be a store (it was made by this open, and
    nobody else holds it): a refused file is left with nothing new beside it."""
    if _key(store_path) in _held:
        return
    path = lock_path(store_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(fd).st_size == 0:
            os.unlink(path)
    except OSError:
        pass
    finally:
        os.close(fd)


def release_shared(store_path: Path) -> None:
    key = _key(store_path)
    entry = _held.get(key)
    if not entry:
        return
    entry["shared"] -= 1
    _maybe_close(key, entry)


def _maybe_close(key: str, entry: dict) -> None:
    if entry["shared"] <= 0 and entry["exclusive"] <= 0:
        with contextlib.suppress(OSError):
            fcntl.flock(entry["fd"], fcntl.LOCK_UN)
        os.close(entry["fd"])
        _held.pop(key, None)


def _announce(fd: int, what: str) -> None:
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what} is running (process {os.getpid()})".encode(), 0)


@contextlib.contextmanager
def exclusive(store_path: Path, what: str, timeout: float, notice=None):
    """Hold the store alone for a conversion (``what`` is shown to anyone who waits). Other advocate
    processes that have it open keep it: after ``timeout`` this raises StoreError saying so."""
    store_path = Path(store_path)
    key = _key(store_path)
    entry = _held.get(key)
    if entry is None:
        fd = _open(store_path)
        if fd is None:
            yield  # a read-only folder: nothing can convert it anyway
            return
        entry = {"fd": fd, "shared": 0, "exclusive": 0}
        _held[key] = entry
    fd = entry["fd"]
    if entry["exclusive"] == 0:
        _announce(fd, what)
        ok = _wait(fd, fcntl.LOCK_EX, store_path, timeout, notice, _("another advocate has it open"))
        if not ok:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            if entry["shared"]:  # a failed conversion drops the shared lock on Linux: take it back
                with contextlib.suppress(OSError):
                    fcntl.flock(fd, fcntl.LOCK_SH)
            else:
                _held.pop(key, None)
                os.close(fd)
            raise StoreError(_("another program has the store {path} open (another advocate, a script or "
                               "Datasette); close it and run {what} again").format(path=store_path, what=_(what)))
        _announce(fd, what)
    entry["exclusive"] += 1
    try:
        yield
    finally:
        entry["exclusive"] -= 1
        if entry["exclusive"] == 0:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_SH if entry["shared"] else fcntl.LOCK_UN)
            _maybe_close(key, entry)
