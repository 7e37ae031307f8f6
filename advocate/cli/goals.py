"""`advocate goals ...`: the survivor's own goals, in their words, and the milestones reached."""

from __future__ import annotations

from typing import Annotated

import typer

from advocate.cli.common import Format, FormatOpt, info, state
from advocate.i18n import N_, _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

IdArg = Annotated[str, typer.Argument(metavar="ID", help=N_("A goal number from `advocate goals list`."))]
ClientOpt = Annotated[str | None, typer.Option("--client", metavar="CODE", help=N_("Client code, e.g. C-7K3M9Q."))]
NoteOpt = Annotated[str | None, typer.Option("--note", help=N_("A short note for the history (no names, no story)."))]
AREAS_HELP = "housing, education, employment, transport, health, legal, family, safety, language, money, other"
COLUMNS = ["id", "client", "text", "area", "target", "status", "reached", "created", "updated"]


def emit(record: dict, fmt: Format) -> None:
    """One record for scripts: a JSON object (not a list of one), or one row of csv/tsv/ndjson."""
    if fmt == Format.json:
        import json

        print(json.dumps(record, ensure_ascii=False))
    else:
        from advocate.render import render

        render([record], fmt.value)


def _table_columns():
    return [("id", _("ID"), {"keep": True}), ("client", _("Client"), {"keep": True}), ("text", _("Goal")), ("area", _("Area")),
            ("target", _("Target")), ("status", _("Status")), ("reached", _("Reached"))]


def _labelled(goal: dict) -> dict:
    from advocate.plan.goals import STATUS_LABELS, areas

    row = dict(goal)
    status = goal["status"]
    row["status"] = _(STATUS_LABELS[status]) if status in STATUS_LABELS else status
    area = areas().get(goal["area"])
    if area:
        from advocate.i18n import current_language

        row["area"] = area["label_es"] if current_language() == "es" else area["label_en"]
    return row


@app.command()
def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help=N_("The goal in the survivor's own words (any language)."))],
    client: Annotated[str, typer.Option("--client", metavar="CODE", help=N_("Client code, e.g. C-7K3M9Q."))],
    area: Annotated[str | None, typer.Option("--area", help=N_("What it is about: housing, education, employment, transport, health, legal, family, "
                                                      "safety, language, money, other."))] = None,
    target: Annotated[str | None, typer.Option("--target", metavar="DATE",
                                               help=N_("When they hope to reach it (YYYY-MM-DD)."))] = None,
    note: NoteOpt = None,
    fmt: FormatOpt = Format.table,
):
    """Record a goal the survivor sets, as they said it.

    Example: advocate goals add --client C-7K3M9Q "Aprender a usar el autobús" --area transport --target 2027-02-01
    """
    from advocate.plan.goals import add_goal

    goal = add_goal(state(ctx).store(), client, text, area=area, target=target, note=note)
    if fmt == Format.table:
        info(_("Goal {id} recorded for {client}.").format(id=goal["id"], client=goal["client"]))
    else:
        emit(goal, fmt)


@app.command("list")
def list_(
    ctx: typer.Context,
    client: ClientOpt = None,
    open_: Annotated[bool, typer.Option("--open", help=N_("Only goals still being worked on or paused."))] = False,
    area: Annotated[str | None, typer.Option("--area", help=N_("Only this area."))] = None,
    fmt: FormatOpt = Format.table,
):
    """Goals, by client.

    Example: advocate goals list --client C-7K3M9Q --open
    """
    from advocate.plan.goals import list_goals
    from advocate.render import render

    rows = list_goals(state(ctx).store(), client=client, open_only=open_, area=area)
    if fmt == Format.table:
        rows = [_labelled(r) for r in rows]
    render(rows, fmt.value, columns=COLUMNS, table_columns=_table_columns(),
           empty_message=_("No goals yet: `advocate goals add --client CODE \"...\"`."))


@app.command()
def show(ctx: typer.Context, goal_id: IdArg, fmt: FormatOpt = Format.table):
    """One goal with its history (every status change, with its date and note).

    Example: advocate goals show 3
    """
    from advocate.plan.goals import get_goal
    from advocate.render import render, render_record

    goal = get_goal(state(ctx).store(), goal_id, with_history=True)
    if fmt != Format.table:
        emit(goal if fmt == Format.json else {k: v for k, v in goal.items() if k != "history"}, fmt)
        return
    render_record({k: v for k, v in _labelled(goal).items() if k != "history"}, "table",
                  title=_("Goal {id}").format(id=goal["id"]))
    from advocate.plan.goals import STATUS_LABELS

    def word(status):  # (a literal inside _() would be taken for a message by older Babel extractors)
        return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status

    history = [{**h, "status": word(h.get("status"))} for h in goal["history"]]
    render(history, "table", title=_("History"),
           table_columns=[("at", _("When")), ("status", _("Status")), ("note", _("Note"))])


@app.command()
def update(
    ctx: typer.Context,
    goal_id: IdArg,
    status: Annotated[str | None, typer.Option("--status", help=N_("working, reached, paused or dropped."))] = None,
    note: NoteOpt = None,
    target: Annotated[str | None, typer.Option("--target", metavar="DATE", help=N_("A new target date."))] = None,
    reached_on: Annotated[str | None, typer.Option("--reached-on", metavar="DATE",
                                                   help=N_("With --status reached: the day it was reached "
                                                        "(default today)."))] = None,
    text: Annotated[str | None, typer.Option("--text", help=N_("New words for the goal, as the survivor says it now."))] = None,
    area: Annotated[str | None, typer.Option("--area", help=N_("A new area: housing, education, employment, transport, health, legal, family, "
                                                      "safety, language, money, other."))] = None,
    fmt: FormatOpt = Format.table,
):
    """Change a goal's status (reached marks a milestone with its date), target, words or area.

    Example: advocate goals update 3 --status reached --note "Took the bus alone to the clinic"
    """
    from advocate.plan.goals import update_goal

    goal = update_goal(state(ctx).store(), goal_id, status=status, note=note, target=target, reached_on=reached_on,
                       text=text, area=area)
    if fmt == Format.table:
        if goal["status"] == "reached":
            info(_("Goal {id} reached on {day}: a milestone.").format(id=goal["id"], day=goal["reached"]))
        else:
            info(_("Goal {id} updated ({status}).").format(id=goal["id"], status=goal["status"]))
    else:
        emit({k: v for k, v in goal.items() if k != "history"}, fmt)
