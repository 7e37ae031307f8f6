"""The time stamps advocate records: UTC, to the second, ISO 8601 (``2026-12-03T14:30:00+00:00``)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now_utc() -> str:
    """Now, as advocate stores it in ``created``/``updated``/audit columns."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def today_local() -> str:
    """Today as the machine's zone counts it (``2026-11-30``): the day a user gives and sees on dated records (a
    referral sent or accepted, a goal reached), and the day report periods are read in. A UTC day would put
    what a case manager in Chicago records after 6 pm on tomorrow."""
    return date.today().isoformat()
