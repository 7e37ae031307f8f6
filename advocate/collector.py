"""Python's cycle collector, run less often while advocate makes and drops rows by the hundred thousand."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def fewer_collections(young: int = 50_000) -> Iterator[None]:
    """Run the cycle collector less often inside the block: by default it scans every young object each 700
    allocations, and the rows an import's block or a batch's chunk holds are scanned over and over (a tenth to a
    fifth of a second on a 20k-service import or a 10k-row batch). Memory stays bounded: a collection still runs
    every ``young`` allocations. The thresholds are put back as they were, also when the block fails."""
    before = gc.get_threshold()
    gc.set_threshold(max(young, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
