"""Moved: clients are a domain of their own, :mod:`advocate.clients` (checklists and plans use them without
the appointment log). This name stays for code written against the old place."""

from advocate.clients import *  # noqa: F403
from advocate.clients import CLIENT_TABLES, normalize_code, require_client  # noqa: F401
