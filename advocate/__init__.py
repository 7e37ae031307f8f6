"""advocate: an offline, bilingual toolkit for advocates serving survivors.

The package is a library first; the ``advocate`` command is a thin layer over it. Nothing here imports
Typer or Rich, and nothing prints, so a script, a notebook or a web page can use it directly
(docs/python-api.md)::

    import advocate

    with advocate.open_store() as store:              # the user's store (created on first use)
        place = advocate.resolve_place("Tijuana, BC")
        rows = advocate.services_near(store, place, filters=advocate.Filters.parse(categories=["consular"]))

Every name below is imported on first use, so ``import advocate`` stays cheap. Errors are
:class:`AdvocateError` subclasses: one plain sentence (``str(err)``) and ``err.fields``, the inputs it is
about (a front end names its own controls for them; the message names none).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> (module, attribute)
_API = {
    # the store
    "open_store": ("advocate.workspace", "open_store"),
    "Store": ("advocate.store", "Store"),
    # places and services
    "resolve_place": ("advocate.geo.resolve", "resolve_place"),
    "Place": ("advocate.geo.resolve", "Place"),
    "Filters": ("advocate.directory.search", "Filters"),
    "services_near": ("advocate.directory.search", "services_near"),
    "search_services": ("advocate.directory.search", "search_services"),
    "get_service": ("advocate.directory.search", "get_service"),
    "cautions": ("advocate.directory.search", "cautions"),
    "ServiceRow": ("advocate.directory.search", "ServiceRow"),
    # many locations at once
    "read_rows": ("advocate.directory.batch", "read_rows"),
    "batch_columns": ("advocate.directory.batch", "batch_columns"),
    "run_batch": ("advocate.directory.batch", "run_batch"),
    "BatchColumns": ("advocate.directory.batch", "BatchColumns"),
    "BatchResult": ("advocate.directory.batch", "BatchResult"),
    "OUT_FIELDS": ("advocate.directory.batch", "OUT_FIELDS"),
    # clients (pseudonymous codes only)
    "create_client": ("advocate.clients", "create_client"),
    "get_client": ("advocate.clients", "get_client"),
    # checklists
    "get_checklist": ("advocate.checklists.model", "get_checklist"),
    "save_answers": ("advocate.checklists.progress", "save_answers"),
    "checklist_answers": ("advocate.checklists.progress", "answers"),
    "answer_rows": ("advocate.checklists.progress", "answer_rows"),
    # the accompaniment log
    "log_appointment": ("advocate.appointments.log", "log_appointment"),
    "list_appointments": ("advocate.appointments.log", "list_appointments"),
    # errors
    "AdvocateError": ("advocate.errors", "AdvocateError"),
    "InputError": ("advocate.errors", "InputError"),
    "NotFound": ("advocate.errors", "NotFound"),
    "StoreError": ("advocate.errors", "StoreError"),
}

# the names of _API, spelt out so linters and type checkers see them
__all__ = [
    "__version__",
    "open_store",
    "Store",
    "resolve_place",
    "Place",
    "Filters",
    "services_near",
    "search_services",
    "get_service",
    "cautions",
    "ServiceRow",
    "read_rows",
    "batch_columns",
    "run_batch",
    "BatchColumns",
    "BatchResult",
    "OUT_FIELDS",
    "create_client",
    "get_client",
    "get_checklist",
    "save_answers",
    "checklist_answers",
    "answer_rows",
    "log_appointment",
    "list_appointments",
    "AdvocateError",
    "InputError",
    "NotFound",
    "StoreError",
]

if TYPE_CHECKING:
    from advocate.appointments.log import list_appointments, log_appointment
    from advocate.checklists.model import get_checklist
    from advocate.checklists.progress import answer_rows, save_answers
    from advocate.checklists.progress import answers as checklist_answers
    from advocate.clients import create_client, get_client
    from advocate.directory.batch import OUT_FIELDS, BatchColumns, BatchResult, batch_columns, read_rows, run_batch
    from advocate.directory.search import Filters, ServiceRow, cautions, get_service, search_services, services_near
    from advocate.errors import AdvocateError, InputError, NotFound, StoreError
    from advocate.geo.resolve import Place, resolve_place
    from advocate.store import Store
    from advocate.workspace import open_store


def __getattr__(name: str):  # lazy: `import advocate` stays cheap
    try:
        module, attribute = _API[name]
    except KeyError:
        raise AttributeError(f"module 'advocate' has no attribute {name!r}") from None
    from importlib import import_module

    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
