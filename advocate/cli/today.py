"""`advocate today`: what needs attention - appointments coming up, referrals with no answer, goals past their
target, checklists left half-filled, releases about to end."""

from __future__ import annotations

from typing import Annotated

import typer

from advocate.cli.common import Format, FormatOpt, state
from advocate.i18n import N_, _

COLUMNS = ["kind", "reason", "client", "ref", "due", "days", "detail"]


def today(
    ctx: typer.Context,
    client: Annotated[str | None, typer.Option("--client", metavar="CODE", help=N_("Only this client."))] = None,
    days: Annotated[int | None, typer.Option("--days", metavar="N", min=0, max=366,
                                             help=N_("Appointments in the next N days (default: agenda_days, 7)."))] = None,
    fmt: FormatOpt = Format.table,
):
    """What needs attention: upcoming appointments, referrals with no answer, goals past their target date,
    half-filled checklists, releases about to end.

    Example: advocate today
    """
    from advocate.checklists.model import load_all
    from advocate.plan.agenda import KINDS, REASONS, AgendaSettings, agenda
    from advocate.render import render

    st = state(ctx)
    cfg = st.config()
    settings = AgendaSettings(days_ahead=cfg.agenda_days if days is None else days,
                              referral_days=cfg.referral_followup_days, release_days=cfg.release_warning_days)
    docs = {cid: doc for cid, (doc, _src) in load_all(cfg.checklist_override_dir).items()}
    items = [i.as_dict() for i in agenda(st.store(), client=client, settings=settings, checklists=docs)]
    if fmt == Format.table:
        kinds = {key: _(text) for key, text in KINDS.items()}
        reasons = {key: _(text) for key, text in REASONS.items()}
        from datetime import date

        from advocate.i18n import relative_day
        from advocate.labels import appointment_type_label

        today_ = date.today()
        for row in items:
            if row["kind"] == "appointment":  # the detail starts with the type's code
                kind, _sp, rest = row["detail"].partition(" ")
                row["detail"] = " ".join(x for x in (appointment_type_label(kind), rest) if x)
            row["kind"], row["reason"] = kinds[row["kind"]], reasons[row["reason"]]
            row["due"] = f'{row["due"]} ({relative_day(date.fromisoformat(row["due"]), today_)})'

    render(items, fmt.value, columns=COLUMNS,
           table_columns=[("kind", _("What")), ("ref", _("ID")), ("client", _("Client")), ("due", _("Due")),
                          ("reason", _("Why")), ("detail", _("Detail"))],
           title=_("Needs attention") if items else None, empty_message=_("Nothing needs attention."))
