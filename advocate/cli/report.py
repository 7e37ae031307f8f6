"""`advocate report`: aggregate counts for funders, small cells suppressed."""

from __future__ import annotations

from typing import Annotated

import typer

from advocate.cli.common import Format, FormatOpt, info, state
from advocate.i18n import N_, _


def report(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option("--month", metavar="YYYY-MM", help=N_("A calendar month."))] = None,
    from_: Annotated[str | None, typer.Option("--from", metavar="DATE", help=N_("Start date (YYYY-MM-DD)."))] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="DATE", help=N_("End date, inclusive."))] = None,
    by: Annotated[str, typer.Option("--by", help=N_("Breakdowns: type, voca_family, otip_category, language, month."))] = "type,voca_family,language",
    suppress_below: Annotated[int | None, typer.Option("--suppress-below", metavar="N",
                                                       help=N_("Hide counts 1..N-1 (default 5; 0 turns it off)."))] = None,
    fmt: FormatOpt = Format.table,
):
    """Accompaniments, unique clients (new and continuing), hours, interpreter languages, no-show rate.

    Example: advocate report --month 2026-12
    """
    from advocate.appointments.report import build_report, period_from, report_rows
    from advocate.render import render, render_record

    st = state(ctx)
    start, end = period_from(month, from_, to)
    threshold = st.config().suppress_below if suppress_below is None else suppress_below
    rep = build_report(st.store(), start, end, by=[b.strip() for b in by.split(",") if b.strip()],
                       suppress_below=threshold)
    if fmt == Format.json:
        import json

        print(json.dumps(rep, ensure_ascii=False, indent=2))
    elif fmt in (Format.csv, Format.tsv, Format.ndjson):
        render(report_rows(rep), fmt.value)
    else:
        render_record(rep["summary"], "table", title=_("Accompaniment report {start} to {end}").format(start=start, end=end))
        for dim, table in rep["breakdowns"].items():
            render(table, "table", title=_("By {value}").format(value=dim.replace('_', ' ')),
                   table_columns=[(dim, dim.replace("_", " ").capitalize()), ("accompaniments", N_("Accompaniments")),
                                  ("clients", N_("Clients")), ("hours", N_("Hours"))],
                   empty_message=_("(no accompaniments to break down by {dim})").format(dim=dim))
        _render_plan(rep["plan"])
    if rep["suppression"]["applied"]:
        info(_("Small counts were suppressed ({rule}).").format(rule=rep['suppression']['rule']))
    elif threshold:
        info(_("No counts needed suppression."))
    else:
        info(_("Suppression is off: do not share this report outside your organization."))


def _render_plan(plan: dict) -> None:
    """Goals and referrals: the summary, then each breakdown that has rows."""
    from advocate.i18n import _
    from advocate.render import render, render_record

    labels = {"goals_set": _("Goals set"), "goals_reached": _("Goals reached (milestones)"),
              "clients_with_goals": _("Clients who set goals"), "referrals": _("Referrals made"),
              "referrals_accepted": _("Referrals accepted"), "clients_referred": _("Clients referred"),
              "median_days_to_acceptance": _("Median days from referral to acceptance")}
    render_record(plan["summary"], "table", title=_("Goals and referrals"), labels=labels)
    titles = {"goals_set_by_area": (_("Goals set by area"), "area", "goals", _("Area"), _("Goals")),
              "goals_reached_by_area": (_("Goals reached by area"), "area", "goals", _("Area"), _("Goals")),
              "referrals_by_category": (_("Referrals by category"), "category", "referrals", _("Category"),
                                        _("Referrals")),
              "referrals_by_outcome": (_("Referrals by outcome"), "status", "referrals", _("Outcome"), _("Referrals")),
              "referrals_by_country": (_("Referrals by country"), "country", "referrals", _("Country"),
                                       _("Referrals"))}
    for name, table in plan["breakdowns"].items():
        if not table:
            continue
        title, key, count, key_header, count_header = titles[name]
        render(table, "table", title=title,
               table_columns=[(key, key_header), (count, count_header), ("clients", _("Clients"))])
