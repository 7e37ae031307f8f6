"""`advocate db ...`: path, init, check, backup, restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from advocate.cli.common import ForceOpt, Format, FormatOpt, info, overwrite, state
from advocate.errors import ExitStatus
from advocate.i18n import N_, _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command()
def path(ctx: typer.Context):
    """Print the store's path (it need not exist yet)."""
    from advocate.store import resolve_path

    print(resolve_path(state(ctx).db))


@app.command()
def init(ctx: typer.Context):
    """Create the store (with the bundled directory) and the offline place index, if missing."""
    from advocate.geo import gazetteer

    gazetteer.connection(progress=info)
    store = state(ctx).store()
    if not store.created:
        info(_("The store at {path} already exists (schema {schema_version}); nothing to do.").format(path=store.path, schema_version=store.schema_version))
    print(store.path)


@app.command()
def check(ctx: typer.Context, fmt: FormatOpt = Format.table):
    """Integrity check, schema version, permissions and counts. Exit 1 if anything is wrong."""
    from advocate.render import render_record
    from advocate.store import check as run_check

    result = run_check(state(ctx).store())
    render_record(result, fmt.value, title=_("Store check"))
    if not result["ok"]:
        raise typer.Exit(ExitStatus.FAILURE)


@app.command()
def backup(
    ctx: typer.Context,
    dest: Annotated[Path | None, typer.Argument(metavar="DEST", help=N_("File or folder (ending in /) for the copy "
                                                     "(default: beside the store)."), path_type=str)] = None,
    force: ForceOpt = False,
):
    """Copy the store with SQLite's online backup (safe while in use); the copy is readable by you only."""
    from advocate.files import output_path
    from advocate.store import backup as run_backup
    from advocate.store import backup_path, resolve_path

    st = state(ctx)
    checked = None
    if dest is not None:  # refuse a bad destination before the store is even opened
        name = backup_path(resolve_path(st.db), "backup").name
        checked = output_path(dest, default_name=name, make_parents=str(dest).endswith("/"), **overwrite(force))
    store = st.store()
    target = run_backup(store, checked, force=True)  # the destination was checked (and agreed to) above
    info(_("Backed up {path} to {target}.").format(path=store.path, target=target))
    print(target)


@app.command()
def restore(
    ctx: typer.Context,
    src: Annotated[Path, typer.Argument(metavar="BACKUP", help=N_("A backup made by `advocate db backup`."))],
    fmt: FormatOpt = Format.table,
):
    """Replace the store with a backup after checking it; the current store is saved first.

    A current store that cannot be read (damaged, not a database) is moved aside instead, and kept.
    """
    from advocate.render import render_record
    from advocate.store import restore as run_restore

    st = state(ctx)
    st.close()
    result = run_restore(src, st.db, progress=info)
    if result.get("previous_store_saved_to"):
        info(_("The store you had was saved to {previous_store_saved_to}.").format(previous_store_saved_to=result['previous_store_saved_to']))
    if result.get("unreadable_store_moved_to"):
        info(_("The store you had could not be read; it was moved to {path}.").format(
            path=result["unreadable_store_moved_to"]))
    render_record(result, fmt.value, title=_("Restored"))


@app.command()
def encrypt(ctx: typer.Context):
    """Encrypt the store with SQLCipher (pip install 'advocate[encryption]').

    The key comes from ADVOCATE_DB_KEY or a prompt (typed twice). Keep it somewhere safe: without it
    the store cannot be read. The store is held alone during the change (other commands wait);
    the encrypted copy is verified before it replaces the plain file, and no plain copy is left.
    """
    import os

    from advocate.cli.common import interactive
    from advocate.errors import InputError
    from advocate.store import encrypt as run_encrypt

    st = state(ctx)
    st.close()
    key = os.environ.get("ADVOCATE_DB_KEY")
    if not key:
        if not interactive():
            raise InputError(_("set ADVOCATE_DB_KEY (or run on a terminal to be asked for the key)"))
        import getpass

        key = getpass.getpass(_("New key (8+ characters): "))
        if key != getpass.getpass(_("Same key again: ")):
            raise InputError(_("the two keys differ; nothing was changed"))
    result = run_encrypt(st.db, key, progress=info)
    info(_("Encrypted. Open it with ADVOCATE_DB_KEY set, or type the key when asked. {path}").format(path=result['path']))


@app.command()
def decrypt(ctx: typer.Context):
    """Turn an encrypted store back into a plain SQLite file (key from ADVOCATE_DB_KEY or a prompt)."""
    import os

    from advocate.cli.common import interactive
    from advocate.errors import InputError
    from advocate.store import decrypt as run_decrypt

    st = state(ctx)
    st.close()
    key = os.environ.get("ADVOCATE_DB_KEY")
    if not key:
        if not interactive():
            raise InputError(_("set ADVOCATE_DB_KEY (or run on a terminal to be asked for the key)"))
        import getpass

        key = getpass.getpass(_("Key: "))
    result = run_decrypt(st.db, key, progress=info)
    info(_("Decrypted. The store is a plain SQLite file again: {path}").format(path=result["path"]))


@app.command()
def scrub(ctx: typer.Context):
    """Empty the store's WAL into the file and VACUUM, so deleted rows leave no copy (after a purge that
    another program interrupted)."""
    from advocate.store import scrub as run_scrub

    store = state(ctx).store()
    run_scrub(store)
    info(_("The store was checkpointed and vacuumed; deleted rows leave no copy in it."))


@app.command()
def purge(
    ctx: typer.Context,
    older_than: Annotated[str | None, typer.Option("--older-than", metavar="AGE",
                                                   help=N_("Clients closed longer ago than this: 7y, 18m, 90d "
                                                        "(default: retention_years in the config)."))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Count what would go, delete nothing."))] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=N_("Do not ask for confirmation."))] = False,
    everywhere: Annotated[bool, typer.Option("--everywhere", help=N_(
        "Also remove the purged clients from every copy advocate made of the store (backups, pre-upgrade and "
        "pre-restore copies): scrubbed in place, or deleted when they cannot be opened."))] = False,
    fmt: FormatOpt = Format.table,
):
    """Delete closed clients past the retention period, with their appointments and answers, and places looked up
    online before then; then VACUUM. Says which copies of the store still hold them; --everywhere removes them."""
    from advocate.cli.common import interactive
    from advocate.clients import purge_closed
    from advocate.errors import InputError
    from advocate.render import render_record

    st = state(ctx)
    age = older_than or f"{st.config().retention_years}y"
    store = st.store()
    preview = purge_closed(store, age, dry_run=True)
    if not dry_run and preview["clients"] and not yes:
        if not interactive():
            raise InputError(_("purging needs confirmation; add --yes (or --dry-run to count first)"))
        from advocate.cli.common import ask_yes_no

        if not ask_yes_no(_("Delete {clients} closed clients (closed before {cutoff})?").format(
                clients=preview['clients'], cutoff=preview['cutoff']), default=False):
            info(_("Nothing was deleted."))
            raise typer.Exit(ExitStatus.FAILURE)
    result = preview if dry_run else purge_closed(store, age)
    codes = result.pop("codes", [])
    render_record(result, fmt.value, title=_("Purge (dry run)") if dry_run else _("Purge"))
    if dry_run:
        return
    from advocate.cli.clients import report_copies
    from advocate.clients import CLIENT_TABLES
    from advocate.store import copies

    if everywhere:  # retention reaches the copies too, also for clients an earlier purge took from the store
        codes = list(dict.fromkeys(codes + copies.closed_before(store, result["cutoff"])))
    if not codes:
        return

    report_copies(store, codes, CLIENT_TABLES, everywhere=everywhere,
                  again=f"advocate db purge --older-than {age} --everywhere")


@app.command()
def audit(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100000)] = 50,
    fmt: FormatOpt = Format.table,
):
    """What changed and when (action, table, row id, time - never content), newest first."""
    from advocate.clients import audit_log
    from advocate.render import render

    rows = audit_log(state(ctx).store(), limit)
    render(rows, fmt.value, columns=["id", "at", "action", "table", "row_id"],
           table_columns=[("id", "#"), ("at", N_("When (UTC)")), ("action", N_("Action")), ("table", N_("Table")),
                          ("row_id", N_("Row"))], empty_message=_("The audit log is empty."))
