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
from advocate.i18n import N_, _

SQLITE_HEADER = b"SQLite format 3\x00"
# the operating system's reason for a failed read or write, said in the interface language (its own strerror is
# English whatever the user reads)
_OS_REASONS = {errno.ENOENT: N_("no such file or folder"), errno.EACCES: N_("permission denied"),
               errno.EPERM: N_("permission denied"), errno.EISDIR: N_("it is a folder"),
               errno.ENOTDIR: N_("a part of the path is not a folder"), errno.ENOSPC: N_("the disk is full"),
               errno.EROFS: N_("the disk is read-only"), errno.ELOOP: N_("too many links in the path"),
               errno.ENAMETOOLONG: N_("the name is too long")}


def os_reason(exc: BaseException) -> str:
    """Why an OSError happened, in words the user reads ("no existe el archivo o la carpeta")."""
    code = getattr(exc, "errno", None)
    if code in _OS_REASONS:
        return _(_OS_REASONS[code])
    return getattr(exc, "strerror", None) or str(exc)
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


def is_store_file(path: Path, store_path: Path) -> bool:
    """``path`` is the store, one of its side files, or a copy advocate names after it."""
    path = _resolved(path)
    if path == store_path:
        return True
    if path.parent != store_path.parent:
        return False
    name, base = path.name, store_path.name
    if name in {base + s for s in STORE_SIDE_SUFFIXES}:
        return True
    if name.startswith(base + "."):
        rest = name[len(base):]
        return rest.endswith(".bak") or ".encrypting" in rest or ".decrypting" in rest or rest in (".copies", ".lock", ".grid") or ".bak-" in rest
    return False


def _guard(path: Path, said: dict[str, str], *, wal: bool) -> str | None:
    """Which of ``said``'s sentences applies to ``path`` (None if none): the store or one of its files or backups
    ("store"), the store under another name ("alias"), a listed copy ("copy"), anything in the data folder
    ("data"), an SQLite database, or with ``wal`` a write-ahead log ("sqlite")."""
    real = _resolved(path)
    data = _data_dir()
    for store in protected_stores():
        if is_store_file(real, store) or is_store_file(path.absolute(), store):
            return said["store"].format(path=path, data=data)
        with contextlib.suppress(OSError):
            if path.exists() and store.exists() and os.path.samefile(path, store):
                return said["alias"].format(path=path, data=data)
    from advocate.store.copies import listed_copies

    if real in listed_copies():
        return said["copy"].format(path=path, data=data)
    if real == data or data in real.parents:
        return said["data"].format(path=path, data=data)
    if real.is_file():
        try:
            with open(real, "rb") as fh:
                head = fh.read(16)
        except OSError:
            head = b""
        if head == SQLITE_HEADER or (wal and head[:4] in WAL_MAGIC):
            return said["sqlite"].format(path=path, data=data)
    return None


def refusal(path: Path) -> str | None:
    """Why advocate must never write ``path`` (None if it may, subject to the existing-file rule)."""
    return _guard(path, {
        "store": _("{path} is the store or one of its own files or backups; advocate never writes over it "
                   "(choose another path)"),
        "alias": _("{path} is the store under another name; advocate never writes over it (choose another path)"),
        "copy": _("{path} is a copy of the store that advocate keeps track of; advocate never writes over it "
                  "(choose another path)"),
        "data": _("{path} is inside advocate's data folder ({data}), which holds the store; write somewhere else"),
        "sqlite": _("{path} is an SQLite database (a store or a backup?); advocate never writes over one "
                    "(choose another path)"),
    }, wal=False)


WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")


def input_refusal(path: str | os.PathLike) -> str | None:
    """Why advocate must never read ``path`` as a directory to import (None if it may): the store, its side
    files, backups and listed copies, anything in advocate's data folder, any SQLite database or write-ahead
    log. Importing one would turn client data into "services" that an export then hands to others."""
    return _guard(Path(os.fspath(path)).expanduser(), {
        "store": _("{path} is the store or one of its own files or backups; advocate never imports it "
                   "(give the directory export you meant)"),
        "alias": _("{path} is the store under another name; advocate never imports it "
                   "(give the directory export you meant)"),
        "copy": _("{path} is a copy of the store that advocate keeps track of; advocate never imports it "
                  "(give the directory export you meant)"),
        "data": _("{path} is inside advocate's data folder ({data}), which holds the store; advocate never "
                  "imports from it"),
        "sqlite": _("{path} is an SQLite database (a store or a backup?), not a directory export; advocate "
                    "never imports one"),
    }, wal=True)


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
    there = target.exists() or target.is_symlink()
    if (target.exists() and not target.is_file()) or (there and _system_path(target)):  # (/dev/null replaced: never)
        raise OutputRefused(_("{path} is not a plain file (a device, a pipe or a socket); give the name of a file "
                              "to write instead").format(path=target), field="output")
    if there:
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


def _system_path(path: Path) -> bool:
    """Whether ``path``, or a link it leads through, is one of the links to a process's open files (/dev/stdout,
    /dev/fd/1, /proc/self/fd/1): they lead to whatever the standard output is, a plain file when it is redirected to
    one, and the link would be replaced by a file of ours."""
    p = os.path.abspath(path)
    for _hop in range(40):
        p = os.path.join(os.path.realpath(os.path.dirname(p)), os.path.basename(p))
        if p.startswith(("/proc/", "/dev/fd/", "/dev/stdin", "/dev/stdout", "/dev/stderr")):
            return True
        if not os.path.islink(p):
            return False
        p = os.path.join(os.path.dirname(p), os.readlink(p))
    return True  # (links that lead round in a circle)


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
                         .format(path=path, reason=os_reason(exc)))


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
    note = PartialWrite(tmp)
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
    finally:
        note.done()


# --- temporary files a killed command leaves ------------------------------------------------------------------
#
# A file is written to a temporary ``.NAME.XXXX.part`` beside its destination and renamed into place; a command
# killed meanwhile (SIGKILL, power loss) leaves that half-written file - a partial export of appointments, a
# backup of the whole store - wherever the destination was. So each temporary file is first named in a note in
# advocate's data folder (``writing/``, 0700), locked while it is written; the next command that opens a store
# removes the temporary files whose notes are no longer locked (their writer is gone) and says so.


def _writing_folder() -> Path:
    return _data_dir() / "writing"


class PartialWrite:
    """The note naming one temporary file while it is written (best effort: a data folder that cannot be
    written leaves the file unnamed, as before, and the write goes on)."""

    def __init__(self, tmp: str | os.PathLike):
        import fcntl
        import json

        self._fd: int | None = None
        self._note: Path | None = None
        try:
            folder = _writing_folder()
            make_private_dirs(folder)
            fd, new = tempfile.mkstemp(prefix=".", suffix=".new", dir=folder)
        except (OSError, AdvocateError):
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # locked before it takes its name: a cleanup never sees it unlocked
            os.write(fd, json.dumps({"path": os.path.abspath(tmp), "pid": os.getpid()}).encode("utf-8"))
            note = Path(new).with_name(Path(new).name[1:-len(".new")] + ".json")
            os.rename(new, note)
        except OSError:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(new)
            return
        self._fd, self._note = fd, note

    def done(self) -> None:
        if self._note is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._note)
            self._note = None
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def _remove_partial(path: Path) -> bool:
    """Zero and remove a temporary file a killed write left (with an SQLite journal beside it), if it is one:
    a regular file of this user named like advocate's temporary files. True if something was removed."""
    import stat

    name = path.name
    if not (name.startswith(".") and name.endswith(".part")):
        return False
    removed = False
    for p in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            fd = os.open(p, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
                continue
            block = b"\0" * (1 << 20)
            done = 0
            while done < st.st_size:  # it may hold client data: zeroed first (best effort on SSDs)
                done += os.pwrite(fd, block[: min(len(block), st.st_size - done)], done)
            os.unlink(p)
            removed = True
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def partial_writes(*, remove: bool) -> list[Path]:
    """The temporary files of writes whose command is gone (killed mid-write), removed when ``remove``; a
    write still running holds its note locked and is left alone."""
    import fcntl
    import json

    found: list[Path] = []
    try:
        notes = sorted(_writing_folder().glob("*.json"))
    except OSError:
        return found
    for note in notes:
        try:
            fd = os.open(note, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # its write is running
            try:
                path = Path(json.loads(os.read(fd, 8192).decode("utf-8"))["path"])
            except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
                path = None
            if path is not None and os.path.lexists(path):
                if not remove:
                    found.append(path)
                    continue
                if _remove_partial(path):
                    found.append(path)
            if remove:
                with contextlib.suppress(OSError):
                    os.unlink(note)
        finally:
            os.close(fd)
    return found


def clean_partial_writes() -> list[str]:
    """Remove what killed writes left (see :func:`partial_writes`); one sentence saying what, or nothing."""
    from advocate.i18n import ngettext

    gone = partial_writes(remove=True)
    if not gone:
        return []
    return [ngettext("removed {n} half-written file left by an interrupted command: {paths}",
                     "removed {n} half-written files left by interrupted commands: {paths}", len(gone)).format(
        n=len(gone), paths=", ".join(str(p) for p in gone))]


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
