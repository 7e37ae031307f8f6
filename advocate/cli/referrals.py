"""`advocate referrals ...` and `advocate releases ...`: hand-offs to partner organizations, and the releases
of information that let the agency share anything with them."""

from __future__ import annotations

from typing import Annotated

import typer

from advocate.cli.common import Format, FormatOpt, info, state, warn
from advocate.cli.goals import emit
from advocate.i18n import N_, _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
releases_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

ClientOpt = Annotated[str | None, typer.Option("--client", metavar="CODE", help=N_("Client code, e.g. C-7K3M9Q."))]
NoteOpt = Annotated[str | None, typer.Option("--note", help=N_("A short note for the history (no names, no story)."))]
STATUS_HELP = "sent, contacted, accepted, declined, no-response, completed"
COLUMNS = ["id", "client", "service_id", "service_name", "categories", "country", "reason", "status", "sent",
           "accepted", "goal_id", "appointment_id", "release_id", "updated"]
RELEASE_COLUMNS = ["id", "client", "recipient", "service_id", "signed", "expires", "revoked", "state", "note"]


def _table_columns():
    return [("id", _("ID"), {"keep": True}), ("client", _("Client"), {"keep": True}), ("service_name", _("Partner")), ("status", _("Status")),
            ("sent", _("Sent")), ("accepted", _("Accepted")), ("service_id", _("Service ID"))]


@app.command()
def add(
    ctx: typer.Context,
    client: Annotated[str, typer.Option("--client", metavar="CODE", help=N_("Client code, e.g. C-7K3M9Q."))],
    service: Annotated[str, typer.Option("--service", metavar="ID",
                                         help=N_("The partner: a service id from the directory (a consulate, a clinic, "
                                              "a DIF office...)."))],
    reason: Annotated[str | None, typer.Option("--reason", help=N_("Why, in a few words (no story)."))] = None,
    release: Annotated[str | None, typer.Option("--consent-release", metavar="ID",
                                                help=N_("The release of information for this partner "
                                                     "(`advocate releases list`)."))] = None,
    goal: Annotated[str | None, typer.Option("--goal", metavar="ID", help=N_("The goal this referral serves."))] = None,
    appointment: Annotated[str | None, typer.Option("--appointment", metavar="ID",
                                                    help=N_("The accompaniment that goes with it."))] = None,
    sent: Annotated[str | None, typer.Option("--sent", metavar="DATE",
                                             help=N_("When it was sent (YYYY-MM-DD; default today)."))] = None,
    note: NoteOpt = None,
    fmt: FormatOpt = Format.table,
):
    """Record a referral to a partner organization; warns when no release of information is on file for it.

    Example: advocate referrals add --client C-7K3M9Q --service us-ncmec --reason "Family tracing" --goal 2
    """
    from advocate.plan.referrals import add_referral

    result = add_referral(state(ctx).store(), client, service, reason=reason, release=release, goal=goal,
                          appointment=appointment, sent=sent, note=note)
    for w in result.warnings:
        warn(w)
    ref = result.record
    if fmt == Format.table:
        info(_("Referral {id} to {name} recorded for {client}.").format(id=ref["id"], name=ref["service_name"],
                                                                       client=ref["client"]))
    else:
        emit(ref, fmt)


@app.command("list")
def list_(
    ctx: typer.Context,
    client: ClientOpt = None,
    status: Annotated[list[str] | None, typer.Option("--status", help=N_("Only these (repeatable): sent, contacted, accepted, declined, no-response, "
                                                        "completed."))] = None,
    fmt: FormatOpt = Format.table,
):
    """Referrals, by client, with their status and dates.

    Example: advocate referrals list --status sent --status contacted
    """
    from advocate.plan.referrals import STATUS_LABELS, list_referrals
    from advocate.render import render

    rows = list_referrals(state(ctx).store(), client=client, statuses=status)
    if fmt == Format.table:
        labels = {key: _(text) for key, text in STATUS_LABELS.items()}
        rows = [{**r, "status": labels[r["status"]]} for r in rows]
    render(rows, fmt.value, columns=COLUMNS, table_columns=_table_columns(),
           empty_message=_("No referrals yet: `advocate referrals add --client CODE --service ID`."))


@app.command()
def show(ctx: typer.Context, referral_id: Annotated[str, typer.Argument(metavar="ID")], fmt: FormatOpt = Format.table):
    """One referral with the date of every change.

    Example: advocate referrals show 4
    """
    from advocate.plan.referrals import get_referral
    from advocate.render import render, render_record

    ref = get_referral(state(ctx).store(), referral_id, with_history=True)
    if fmt != Format.table:
        emit(ref if fmt == Format.json else {k: v for k, v in ref.items() if k != "history"}, fmt)
        return
    from advocate.labels import labelled
    from advocate.plan.referrals import STATUS_LABELS

    def status_word(value):
        return _(STATUS_LABELS[value]) if value in STATUS_LABELS else value

    shown = labelled({k: v for k, v in ref.items() if k != "history"}, {"categories": "category"})
    shown["status"] = status_word(shown.get("status"))
    render_record(shown, "table", title=_("Referral {id}").format(id=ref["id"]))
    render([{**h, "status": status_word(h.get("status"))} for h in ref["history"]], "table", title=_("History"),
           table_columns=[("at", _("When")), ("status", _("Status")), ("note", _("Note"))])


@app.command()
def update(
    ctx: typer.Context,
    referral_id: Annotated[str, typer.Argument(metavar="ID", help=N_("A referral number from `referrals list`."))],
    status: Annotated[str | None, typer.Option("--status", help=N_("sent, contacted, accepted, declined, no-response or "
                                                                                 "completed."))] = None,
    note: NoteOpt = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE",
                                           help=N_("When it happened (YYYY-MM-DD; default today)."))] = None,
    goal: Annotated[str | None, typer.Option("--goal", metavar="ID", help=N_("Link a goal."))] = None,
    appointment: Annotated[str | None, typer.Option("--appointment", metavar="ID",
                                                    help=N_("Link the accompaniment."))] = None,
    release: Annotated[str | None, typer.Option("--consent-release", metavar="ID", help=N_("Link a release."))] = None,
    fmt: FormatOpt = Format.table,
):
    """Record what happened to a referral (each change keeps its date), or link it to a goal or appointment.

    Example: advocate referrals update 4 --status accepted --note "Intake set for Monday"
    """
    from advocate.plan.referrals import update_referral

    ref = update_referral(state(ctx).store(), referral_id, status=status, note=note, on=on, goal=goal,
                          appointment=appointment, release=release)
    if fmt == Format.table:
        info(_("Referral {id}: {status}.").format(id=ref["id"], status=ref["status"]))
    else:
        emit({k: v for k, v in ref.items() if k != "history"}, fmt)


@releases_app.command("add")
def release_add(
    ctx: typer.Context,
    client: Annotated[str, typer.Option("--client", metavar="CODE", help=N_("Client code, e.g. C-7K3M9Q."))],
    service: Annotated[str | None, typer.Option("--service", metavar="ID",
                                                help=N_("The recipient, as a service id from the directory."))] = None,
    recipient: Annotated[str | None, typer.Option("--recipient",
                                                  help=N_("The recipient's name, when it is not in the directory."))] = None,
    signed: Annotated[str | None, typer.Option("--signed", metavar="DATE",
                                               help=N_("When it was signed (default today)."))] = None,
    expires: Annotated[str | None, typer.Option("--expires", metavar="DATE",
                                                help=N_("When it ends (default: six months after signing)."))] = None,
    note: NoteOpt = None,
    fmt: FormatOpt = Format.table,
):
    """Record that the survivor signed a release of information for ONE recipient (the paper stays on file).

    Example: advocate releases add --client C-7K3M9Q --service consulate-atlanta-ga --expires 2027-06-01
    """
    from advocate.plan.releases import add_release

    rel = add_release(state(ctx).store(), client, recipient=recipient, service=service, signed=signed,
                      expires=expires, note=note)
    if fmt == Format.table:
        info(_("Release {id} for {recipient} recorded; it ends on {day}.").format(
            id=rel["id"], recipient=rel["recipient"], day=rel["expires"]))
    else:
        emit(rel, fmt)


@releases_app.command("list")
def release_list(
    ctx: typer.Context,
    client: ClientOpt = None,
    in_force: Annotated[bool, typer.Option("--in-force", help=N_("Only releases not ended or revoked."))] = False,
    fmt: FormatOpt = Format.table,
):
    """Releases of information, by client: who may receive what, until when.

    Example: advocate releases list --client C-7K3M9Q --in-force
    """
    from advocate.plan.releases import list_releases
    from advocate.render import render

    rows = list_releases(state(ctx).store(), client=client, in_force=in_force)
    render(rows, fmt.value, columns=RELEASE_COLUMNS,
           table_columns=[("id", _("ID"), {"keep": True}), ("client", _("Client"), {"keep": True}), ("recipient", _("Recipient")),
                          ("signed", _("Signed")), ("expires", _("Ends")), ("state", _("State"))],
           empty_message=_("No releases on file."))


@releases_app.command("revoke")
def release_revoke(
    ctx: typer.Context,
    release_id: Annotated[str, typer.Argument(metavar="ID", help=N_("A release number from `releases list`."))],
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help=N_("When it was revoked (default today)."))] = None,
):
    """The survivor took their consent back: nothing more may be shared (what was sent is not recalled).

    Example: advocate releases revoke 2
    """
    from advocate.plan.releases import revoke_release

    rel = revoke_release(state(ctx).store(), release_id, on=on)
    info(_("Release {id} revoked on {day}; share nothing more with {recipient}.").format(
        id=rel["id"], day=rel["revoked"], recipient=rel["recipient"]))
