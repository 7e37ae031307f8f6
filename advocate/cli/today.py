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

        from babel.dates import format_skeleton

        from advocate.appointments.log import get_appointment
        from advocate.cli.appointments import _show_local
        from advocate.i18n import babel_locale, relative_day

        today_ = date.today()
        for row in items:
            if row["kind"] == "appointment":  # as `appointments list` shows it: type, time and zone's city, place
                shown = _show_local([get_appointment(st.store(), row["ref"])], st.store())[0]
                row["detail"] = " ".join(x for x in (shown["type"], shown["starts_local"].split("\n")[-1]) if x) + (
                    f' - {shown["place"]}' if shown.get("place") else "")
            elif row["kind"] == "checklist":  # "answered/all", as `checklist status` counts them
                answered, _sep, total = row["detail"].partition("/")
                row["detail"] = _("{answered} of {total} answered").format(answered=answered, total=total)
            row["kind"], row["reason"] = kinds[row["kind"]], reasons[row["reason"]]
            due = date.fromisoformat(row["due"])
            row["due"] = f'{format_skeleton("yMMMEd", due, locale=babel_locale())} ({relative_day(due, today_)})'

    render(items, fmt.value, columns=COLUMNS,
           table_columns=[("kind", _("What")), ("ref", _("ID")), ("client", _("Client")), ("due", _("Due")),
                          ("reason", _("Why")), ("detail", _("Detail"))],
           title=_("Needs attention") if items else None, empty_message=_("Nothing needs attention."))
