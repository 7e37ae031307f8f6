"""The store as the command line and the Python API open it: the store layer, seeded with the bundled
directory (the store itself knows no directory: :class:`advocate.store.Seed`)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advocate.store import Store


def open_store(path: str | os.PathLike | None = None, *, create: bool = True, migrate: bool = True,
               progress=None, key: str | None = None) -> Store:
    """Open the store at ``path`` (default: ``ADVOCATE_DB``, then the user data dir), created with the
    bundled national and cross-border directory on first use and refreshed when the shipped directory
    changed. Use it as a context manager, or call ``close()``."""
    from advocate.directory.bundled import SEED
    from advocate.store import open_store as open_plain

    return open_plain(path, create=create, migrate=migrate, progress=progress, key=key, seed=SEED)
