"""The one output gateway: every file advocate writes is decided and written here.

:func:`output_path` decides where a file may go and refuses what must never be written over:

- the store, its ``-wal``/``-shm``/``-journal``, its backups and the copies advocate made of it
  (``*.bak``, ``*.encrypting``, the copies list) - for the store in use and the default one;
- anything inside advocate's data folder;
- any existing SQLite database (a store or a backup under another name);
- an existing file, unless the caller says ``force=True`` or ``confirm(path)`` says yes.

A path ending in ``/`` means a folder (created 0700 if missing, the file gets ``default_name``).
:func:`write_private` writes the bytes 0600, atomically (a temporary file in the same folder,
then a rename), so a reader never sees half a file and a failure leaves what was there.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from advocate.errors import AdvocateError, InputError
from advocate.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"
STORE_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")

_stores: set[Path] = set()  # every store path opened or named in this process


class OutputRefused(InputError):
    """A path advocate will not write (the store, its copies, the data folder, an existing file): exit 2."""


class DiskFull(AdvocateError):
    """The disk filled up while writing; what was being written was removed."""


def protect_store(path: str | os.PathLike | None) -> None:
    """Remember a store path so no output can replace it or its side files (called by open_store and the CLI)."""
    if path:
        _stores.add(_resolved(Path(path).expanduser()))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop
        return path.absolute()


def protected_stores() -> list[Path]:
    from advocate.config import default_db_path

    return sorted(_stores | {_resolved(default_db_path())})


def _data_dir() -> Path:
    from advocate.config import data_dir

    return _resolved(data_dir())


def is_store_file(path: Path, store: Path) -> bool:
    """``path`` is the store, one of its side files, or a copy advocate names after it."""
    path = _resolved(path)
    if path == store:
        return True
    if path.parent != store.parent:
        return False
    name, base = path.name, store.name
    if name in {base + s for s in STORE_SIDE_SUFFIXES}:
        return True
    if name.startswith(base + "."):
        rest = name[len(base):]
        return rest.endswith(".bak") or ".encrypting" in rest or rest in (".copies", ".lock", ".grid") or ".bak-" in rest
    return False


def refusal(path: Path) -> str | None:
    """Why advocate must never write ``path`` (None if it may, subject to the existing-file rule)."""
    real = _resolved(path)
    for store in protected_stores():
        if is_store_file(real, store) or is_store_file(path.absolute(), store):
            return _("{path} is the store or one of its own files or backups; advocate never writes over it "
                     "(choose another path)").format(path=path)
        with contextlib.suppress(OSError):
            if path.exists() and store.exists() and os.path.samefile(path, store):
                return _("{path} is the store under another name; advocate never writes over it "
                         "(choose another path)").format(path=path)
    from advocate.store.copies import listed_copies

    if real in listed_copies():
        return _("{path} is a copy of the store that advocate keeps track of; advocate never writes over it "
                 "(choose another path)").format(path=path)
    data = _data_dir()
    if real == data or data in real.parents:
        return _("{path} is inside advocate's data folder ({data}), which holds the store; "
                 "write somewhere else").format(path=path, data=data)
    if real.is_file():
        try:
            with open(real, "rb") as fh:
                head = fh.read(16)
        except OSError:
            head = b""
        if head == SQLITE_HEADER:
            return _("{path} is an SQLite database (a store or a backup?); advocate never writes over one "
                     "(choose another path)").format(path=path)
    return None


WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")


def input_refusal(path: str | os.PathLike) -> str | None:
    """Why advocate must never read ``path`` as a directory to import (None if it may): the store, its side
    files, backups and listed copies, anything in advocate's data folder, any SQLite database or write-ahead
    log. Importing one would turn client data into "services" that an export then hands to others."""
    path = Path(os.fspath(path)).expanduser()
    real = _resolved(path)
    for store in protected_stores():
        if is_store_file(real, store) or is_store_file(path.absolute(), store):
            return _("{path} is the store or one of its own files or backups; advocate never imports it "
                     "(give the directory export you meant)").format(path=path)
        with contextlib.suppress(OSError):
            if path.exists() and store.exists() and os.path.samefile(path, store):
                return _("{path} is the store under another name; advocate never imports it "
                         "(give the directory export you meant)").format(path=path)
    from advocate.store.copies import listed_copies

    if real in listed_copies():
        return _("{path} is a copy of the store that advocate keeps track of; advocate never imports it "
                 "(give the directory export you meant)").format(path=path)
    data = _data_dir()
    if real == data or data in real.parents:
        return _("{path} is inside advocate's data folder ({data}), which holds the store; advocate never "
                 "imports from it").format(path=path, data=data)
    if real.is_file():
        try:
            with open(real, "rb") as fh:
                head = fh.read(16)
        except OSError:
            head = b""
        if head == SQLITE_HEADER or head[:4] in WAL_MAGIC:
            return _("{path} is an SQLite database (a store or a backup?), not a directory export; advocate "
                     "never imports one").format(path=path)
    return None


def check_input(path: str | os.PathLike) -> None:
    """Raise :class:`InputError` (exit 2) when ``path`` must not be imported (see :func:`input_refusal`)."""
    reason = input_refusal(path)
    if reason:
        raise InputError(reason, field="path")


def output_path(path: str | os.PathLike, *, force: bool = False, confirm: Callable[[Path], bool] | None = None,
                default_name: str | None = None, make_parents: bool = False) -> Path:
    """Check where a file may be written, before anything is written; return the file's path.

    Raises :class:`OutputRefused` (exit 2) with one sentence when the path is refused."""
    raw = os.fspath(path)
    if not raw or raw == "-":
        raise OutputRefused(_("give a file name to write to"), field="output")
    folder_meant = raw.endswith(("/", os.sep))
    target = Path(raw).expanduser()
    if folder_meant or target.is_dir():
        if default_name is None:
            raise OutputRefused(_("{path} is a folder; give a file name").format(path=raw), field="output")
        if target.exists() and not target.is_dir():
            raise OutputRefused(_("{path} is a file, not a folder").format(path=target), field="output")
        _check_folder(target)
        target = target / default_name
        make_parents = True
    reason = refusal(target)
    if reason:
        raise OutputRefused(reason, field="output")
    if target.is_dir():
        raise OutputRefused(_("{path} is a folder; give a file name").format(path=target), field="output")
    if target.exists() or target.is_symlink():
        if not (force or (confirm is not None and confirm(target))):
            raise OutputRefused(_("{path} already exists; nothing was written (replacing it has to be asked for)")
                                .format(path=target), field="force")
    parent = target.parent
    if not parent.exists():
        if not make_parents:
            raise OutputRefused(_("the folder {path} does not exist").format(path=parent), field="output")
    elif not parent.is_dir():
        raise OutputRefused(_("{path} is not a folder").format(path=parent), field="output")
    return target


def _check_folder(folder: Path) -> None:
    reason = refusal(folder)
    if reason:
        raise OutputRefused(reason, field="output")


def private_folder(path: str | os.PathLike) -> Path:
    """A folder for files that may hold client data: checked like a file path, created 0700 if missing."""
    folder = Path(os.fspath(path)).expanduser()
    if folder.exists() and not folder.is_dir():
        raise OutputRefused(_("{path} is a file; give a folder").format(path=folder), field="output")
    _check_folder(folder)
    make_private_dirs(folder)
    return folder


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents, each 0700 (folders that hold client data)."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _os_error(exc, d) from None
        os.chmod(d, 0o700)


def _os_error(exc: OSError, path: Path) -> AdvocateError:
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return DiskFull(_("the disk holding {path} is full; nothing was written (free some space and run "
                          "again)").format(path=path))
    if exc.errno in (errno.EACCES, errno.EPERM):
        return AdvocateError(_("{path} cannot be written (permission denied); nothing was written").format(path=path))
    if exc.errno == errno.EROFS:
        return AdvocateError(_("{path} is on a read-only disk; nothing was written").format(path=path))
    return AdvocateError(_("{path} could not be written ({reason}); nothing was written")
                         .format(path=path, reason=exc.strerror or exc))


@contextlib.contextmanager
def open_private(path: str | os.PathLike, mode: str = "w", *, force: bool = False,
                 confirm: Callable[[Path], bool] | None = None, default_name: str | None = None,
                 make_parents: bool = False, checked: Path | None = None, **open_kw) -> Iterator:
    """Write a private file as a stream: a 0600 temporary file beside it, renamed into place only when the
    block ends without error (so an error or an interrupt leaves the old file, or none)."""
    target = checked or output_path(path, force=force, confirm=confirm, default_name=default_name,
                                    make_parents=make_parents)
    if not target.parent.exists():
        make_private_dirs(target.parent)
    if "b" not in mode:
        open_kw.setdefault("encoding", "utf-8")
        open_kw.setdefault("newline", "")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise _os_error(exc, target) from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, mode, **open_kw) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise _os_error(exc, target) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_private(path: str | os.PathLike, data: bytes | str, *, force: bool = False,
                  confirm: Callable[[Path], bool] | None = None, default_name: str | None = None,
                  make_parents: bool = False) -> Path:
    """Write ``data`` to ``path`` through the gateway: checked, 0600, atomic. Returns the path written.

    ``force`` replaces an existing file (never the store or its copies); ``confirm(path)`` is asked
    instead when given (a CLI on a terminal); ``default_name`` is the file name when ``path`` is a folder."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    target = output_path(path, force=force, confirm=confirm, default_name=default_name, make_parents=make_parents)
    with open_private(target, "wb", checked=target) as fh:
        fh.write(raw)
    return target
