"""Staging folders of imports (``advocate-import-*``, ``advocate-api-*`` in TMPDIR): each running import holds
a lock on its own, and the folders of killed imports are removed at the next start. Kept small: every command
imports it."""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path

from advocate.i18n import ngettext

STAGING_PREFIX = "advocate-import-"
DRY_RUN_PREFIX = "advocate-dry-run-"  # the scratch store of a dry run with no store yet
STAGING_PREFIXES = (STAGING_PREFIX, "advocate-api-", DRY_RUN_PREFIX)


class StagingFolder:
    """A temporary folder in TMPDIR whose owner file stays locked until :meth:`cleanup` (or the process dies:
    the kernel drops the lock, and the next start removes the folder). Raises OSError like mkdtemp."""

    def __init__(self, prefix: str = STAGING_PREFIX):
        self._dir = tempfile.TemporaryDirectory(prefix=prefix)
        self.name = self._dir.name
        home = Path(self.name)
        try:  # locked before it takes its name, so a cleanup never sees it unlocked
            self._owner: int | None = os.open(home / ".owner-new", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._owner, fcntl.LOCK_EX)
            os.rename(home / ".owner-new", home / ".owner")
        except OSError:
            self.cleanup()
            raise

    def cleanup(self) -> None:
        if self._owner is not None:
            try:
                os.close(self._owner)
            except OSError:
                pass
            self._owner = None
        self._dir.cleanup()


def size_text(n: int) -> str:
    return f"{n / 1024**2:,.0f} MB" if n >= 1024**2 else f"{n:,} bytes"


_RANDOM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")  # what tempfile puts after the prefix


def _made_by_staging(folder: Path) -> bool:
    """Only what :class:`StagingFolder` makes is ever removed: a folder (not a link) of this user, private
    (0700, as mkdtemp makes it), named a prefix and then tempfile's eight random characters - never a folder of
    the user's own that happens to start with "advocate-import-" (TMPDIR may be the home folder)."""
    import stat

    name = folder.name
    prefix = next((p for p in STAGING_PREFIXES if name.startswith(p)), None)
    rest = name[len(prefix):] if prefix else ""
    if len(rest) != 8 or not set(rest) <= _RANDOM:
        return False
    st = folder.lstat()
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def clean_staging() -> list[str]:
    """Remove the staging folders of imports that are no longer running (a killed import leaves its folder
    in TMPDIR); a running import holds a lock on its folder and is left alone. Returns what was removed."""
    import shutil
    import time

    removed, size = 0, 0
    try:
        candidates = [p for prefix in STAGING_PREFIXES for p in Path(tempfile.gettempdir()).glob(prefix + "*")]
    except OSError:
        return []
    for folder in candidates:
        try:
            if not _made_by_staging(folder):
                continue
            owner = folder / ".owner"
            if owner.exists():
                fd = os.open(owner, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # its import is running
                finally:
                    os.close(fd)
            elif folder.stat().st_mtime > time.time() - 3600:
                continue  # no owner file yet: an import that is just starting (or an old version's, once old)
            size += sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
            shutil.rmtree(folder)
            removed += 1
        except OSError:
            continue
    if not removed:
        return []
    return [ngettext("removed {n} temporary folder ({size}) left in {folder} by an interrupted import",
                     "removed {n} temporary folders ({size}) left in {folder} by interrupted imports", removed).format(
        n=removed, size=size_text(size), folder=tempfile.gettempdir())]
