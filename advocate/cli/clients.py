"""`advocate clients ...`: pseudonymous codes only - there is no name field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from advocate.cli.common import Format, FormatOpt, info, interactive, state
from advocate.errors import ExitStatus
from advocate.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from advocate.store import Store

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
CodeArg = Annotated[str, typer.Argument(metavar="CODE", help=N_("A client code such as C-7K3M9Q."))]


@app.command()
def new(
    ctx: typer.Context,
    language: Annotated[str | None, typer.Option("--language", "-l", help=N_("Preferred language (code or name)."))] = None,
    note: Annotated[str | None, typer.Option("--note", help=N_("A short note. No names, no story."))] = None,
    fmt: FormatOpt = Format.table,
):
    """Create a client with a random code and print it.

    Example: advocate clients new --language mxt
    """
    from advocate.clients import create_client
    from advocate.render import render

    client = create_client(state(ctx).store(), language=language, note=note)
    if fmt == Format.table:
        print(client["code"])
        info(_("Keep any link between this code and a person outside advocate, as your agency's policy says."))
    elif fmt == Format.json:
        import json

        print(json.dumps({"code": client["code"]}))
    else:
        render([client], fmt.value)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help=N_("active or closed."))] = None,
    fmt: FormatOpt = Format.table,
):
    """All clients (codes only)."""
    from advocate.clients import list_clients
    from advocate.render import render

    rows = list_clients(state(ctx).store(), status=status)
    if fmt == Format.table:
        from advocate.labels import CLIENT_VALUES, labelled

        rows = [{**labelled(r, CLIENT_VALUES), "created": (r.get("created") or "")[:10]} for r in rows]
    render(rows, fmt.value, columns=["code", "language", "status", "created", "closed", "appointments"],
           table_columns=[("code", N_("Code"), {"keep": True}), ("language", N_("Language")), ("status", N_("Status")), ("created", N_("Created")),
                          ("appointments", N_("Appointments"))], empty_message=_("No clients yet: `advocate clients new`."))


@app.command()
def show(ctx: typer.Context, code: CodeArg, fmt: FormatOpt = Format.table):
    """One client: language, status, appointments, and how far each checklist is filled.

    Example: advocate clients show C-7K3M9Q
    """
    from advocate.checklists.model import load_all
    from advocate.checklists.progress import status
    from advocate.clients import get_client
    from advocate.i18n import _
    from advocate.render import render_record

    st = state(ctx)
    client = get_client(st.store(), code)
    docs = {cid: doc for cid, (doc, _src) in load_all(st.config().checklist_override_dir).items()}
    # the counts of `checklist status` and `today` (one definition: advocate.checklists.progress.progress)
    filled = status(st.store(), client["code"], docs)
    if fmt == Format.table:
        client["checklists"] = "; ".join(  # one line: a record's cell does not keep line breaks
            _("{name}: {answered} answered, {open} open").format(name=r["checklist"], answered=r["answered"], open=r["open"])
            for r in filled)
        del client["checklist_answers"]
        from advocate.labels import CLIENT_VALUES, labelled, stamped

        client = stamped(labelled(client, CLIENT_VALUES))
    else:
        client["checklists"] = [{"checklist": r["checklist"], "answered": r["answered"], "open": r["open"]}
                                for r in filled]
    render_record(client, fmt.value, title=_("Client {code}").format(code=client["code"]) if fmt == Format.table else None)
    if fmt == Format.table and filled:
        info(_("`advocate checklist answers --client {code}` lists the answers.").format(code=client["code"]))


@app.command()
def close(ctx: typer.Context, code: CodeArg):
    """Mark a client closed (retention counts from here; see `advocate db purge`)."""
    from advocate.clients import close_client

    client = close_client(state(ctx).store(), code)
    info(_("Closed {code}.").format(code=client['code']))


@app.command()
def purge(
    ctx: typer.Context,
    code: CodeArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=N_("Do not ask for confirmation (for scripts)."))] = False,
    everywhere: Annotated[bool, typer.Option("--everywhere", help=N_(
        "Also remove the client from every copy advocate made of the store (backups, pre-upgrade and "
        "pre-restore copies): scrubbed in place, or deleted when they cannot be opened."))] = False,
):
    """Delete a client and everything tied to the code (appointments, checklist answers). Cannot be undone.

    Then says which copies advocate made of the store still hold the client; --everywhere removes it from them.
    """
    from advocate.clients import CLIENT_TABLES, get_client, normalize_code, purge_client
    from advocate.errors import NotFound
    from advocate.store import copies

    store = state(ctx).store()
    try:
        client = get_client(store, code)
    except NotFound:
        # already purged from the store: --everywhere still removes it from the copies that hold it
        gone = normalize_code(code)
        if not everywhere or not copies.holding(store, gone):
            raise
        report_copies(store, [gone], CLIENT_TABLES, everywhere=True, again="")
        return
    if not yes:
        if not interactive():
            from advocate.errors import InputError

            raise InputError(_("purging needs confirmation; add --yes to purge without a prompt"))
        from advocate.cli.common import ask_yes_no

        ok = ask_yes_no(
            _("Delete {code} with {appointments} appointments and {checklist_answers} checklist answers? This cannot be undone.").format(code=client['code'], appointments=client['appointments'], checklist_answers=client['checklist_answers']), default=False)
        if not ok:
            info(_("Nothing was deleted."))
            raise typer.Exit(ExitStatus.FAILURE)
    result = purge_client(store, client["code"])
    r = result["removed"]
    info(_("Purged {code}: {appointments} appointments, {checklist_progress} checklist answers, {goals} goals, "
           "{referrals} referrals, {releases} releases of information, and the client record.").format(
        code=result["code"], appointments=r["appointments"], checklist_progress=r["checklist_progress"],
        goals=r.get("goals", 0), referrals=r.get("referrals", 0), releases=r.get("releases", 0)))
    report_copies(store, [client["code"]], CLIENT_TABLES, everywhere=everywhere,
                  again=f"advocate clients purge {client['code']} --everywhere")


def copies_seen(store: Store) -> str:
    """One sentence: which copies of the store advocate can see (the ones it made and listed), and that a copy
    made any other way cannot be seen."""
    from advocate.store import copies

    seen = [e["path"] for e in copies.list_copies(store.path) if not copies.is_cache(e)]
    if not seen:
        return _("advocate made no copy of the store that still exists. A copy made any other way (cp, a synced "
                 "folder, an e-mail attachment) cannot be seen by advocate: delete those yourself.")
    return ngettext("advocate looked in the {n} copy of the store it made: {paths}. A copy made any other way "
                    "(cp, a synced folder, an e-mail attachment) cannot be seen by advocate: delete those yourself.",
                    "advocate looked in the {n} copies of the store it made: {paths}. A copy made any other way "
                    "(cp, a synced folder, an e-mail attachment) cannot be seen by advocate: delete those yourself.",
                    len(seen)).format(n=len(seen), paths=", ".join(seen))


def report_copies(store: Store, codes: list[str], tables, *, everywhere: bool, again: str) -> None:
    """After a purge: name every copy advocate made that still holds a purged client and exit 1, or with
    ``everywhere`` scrub or delete each, naming each one done, and fail naming any that could not be changed."""
    from advocate.cli.common import warn
    from advocate.store import copies

    what = codes[0] if len(codes) == 1 else _("{n} purged clients").format(n=len(codes))
    info(copies_seen(store))
    if not everywhere:
        held = copies.holding_any(store, codes)
        if held:
            warn(ngettext("{n} copy of the store still holds {code}: {paths}. Run `{command}` to remove it from "
                          "that copy, or delete it.",
                          "{n} copies of the store still hold {code}: {paths}. Run `{command}` to remove it from "
                          "them, or delete them.", len(held)).format(
                n=len(held), code=what, paths=", ".join(h["path"] for h in held), command=again))
            raise typer.Exit(ExitStatus.FAILURE)
        return
    for done in copies.scrub_any(store, codes, tables):
        if done["action"] == "scrubbed":
            info(_("Removed {code} from the copy {path}.").format(code=what, path=done["path"]))
        else:
            info(_("Deleted the copy {path} (it could not be opened to remove {code}).").format(
                code=what, path=done["path"]))
    left = copies.holding_any(store, codes)
    if left:
        from advocate.errors import StoreError

        raise StoreError(ngettext("{n} copy still holds {code} and could not be changed: {paths}",
                                  "{n} copies still hold {code} and could not be changed: {paths}", len(left)).format(
            n=len(left), code=what, paths=", ".join(h["path"] for h in left)))
