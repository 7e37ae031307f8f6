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
        from advocate.labels import REPORT_LABELS, field_label, in_sentence, value_label

        render_record(_shown(rep["summary"]), "table", labels=REPORT_LABELS,
                      title=_("Accompaniment report {start} to {end}").format(start=_day(start), end=_day(end)))
        kinds = {"type": "type", "language": "language", "month": "month"}
        for dim, table in rep["breakdowns"].items():
            rows = [{**_shown(row), dim: value_label(kinds.get(dim, "other"), row[dim])} for row in table]
            render(rows, "table", title=_("By {value}").format(value=in_sentence(field_label(dim, REPORT_LABELS))),
                   table_columns=[(dim, field_label(dim, REPORT_LABELS)), ("accompaniments", N_("Accompaniments")),
                                  ("clients", N_("Clients")), ("hours", N_("Hours"))],
                   empty_message=_("(no accompaniments to break down by {dim})").format(
                       dim=in_sentence(field_label(dim, REPORT_LABELS))))
        _render_plan(rep["plan"])
    n = rep["suppression"]["threshold"]
    if rep["suppression"]["applied"]:
        info(_("Small counts were suppressed ({rule}).").format(
            rule=_("counts from 1 to {last} shown as <{n}, with complementary suppression").format(last=n - 1, n=n)))
    elif threshold:
        info(_("No counts needed suppression."))
    else:
        info(_("Suppression is off: do not share this report outside your organization."))


def _day(value) -> str:
    from advocate.i18n import format_date

    return format_date(value, "long")


def _shown(row: dict) -> dict:
    """Counts for a person: "suppressed" and "none" in the interface language, rates as percentages."""
    from advocate.i18n import format_number
    from advocate.labels import value_label

    out = {}
    for key, value in row.items():
        if key.endswith("_rate") and isinstance(value, float):
            value = format_number(value * 100, 1) + "%"  # CLDR en_US and es_MX: 33.3%
        elif isinstance(value, float):
            value = format_number(value, 1)
        elif isinstance(value, int) and not isinstance(value, bool):
            value = format_number(value, 0)
        out[key] = value_label("other", value)
    return out


def _render_plan(plan: dict) -> None:
    """Goals and referrals: the summary, then each breakdown that has rows."""
    from advocate.i18n import _
    from advocate.labels import REPORT_LABELS
    from advocate.render import render, render_record

    render_record(_shown(plan["summary"]), "table", title=_("Goals and referrals"), labels=REPORT_LABELS)
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
        table = [{**_shown(row), key: _plan_value(key, row[key])} for row in table]
        render(table, "table", title=title,
               table_columns=[(key, key_header), (count, count_header), ("clients", _("Clients"))])


def _plan_value(key: str, value):
    """A goal area, referral category or outcome in the interface language."""
    from advocate.i18n import _, current_language
    from advocate.labels import category_label, value_label

    if key == "category":
        return category_label(value)
    if key == "area":
        from advocate.plan.goals import areas

        row = areas().get(value)
        return (row["label_es"] if current_language() == "es" else row["label_en"]) if row else value_label("other", value)
    if key == "status":
        from advocate.plan.referrals import STATUS_LABELS

        return _(STATUS_LABELS[value]) if value in STATUS_LABELS else value_label("other", value)
    return value_label("other", value)
