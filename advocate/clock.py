"""The time stamps advocate records: UTC, to the second, ISO 8601 (``2026-12-03T14:30:00+00:00``)."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> str:
    """Now, as advocate stores it in ``created``/``updated``/audit columns."""
    return datetime.now(UTC).isoformat(timespec="seconds")
