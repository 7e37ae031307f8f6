"""Writing files that may hold client data: created 0600, replaced atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from advocate.errors import AdvocateError


def write_private(path: str | os.PathLike, data: bytes | str) -> Path:
    path = Path(path).expanduser()
    if path.is_dir():
        raise AdvocateError(f"{path} is a folder; give a file name")
    if not path.parent.exists():
        raise AdvocateError(f"the folder {path.parent} does not exist")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
