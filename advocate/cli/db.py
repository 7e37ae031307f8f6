"""`advocate db ...`: path, init, check, backup, restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from advocate.cli.common import Format, FormatOpt, info, state

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
        info(f"The store at {store.path} already exists (schema {store.schema_version}); nothing to do.")
    print(store.path)


@app.command()
def check(ctx: typer.Context, fmt: FormatOpt = Format.table):
    """Integrity check, schema version, permissions and counts. Exit 1 if anything is wrong."""
    from advocate.render import render_record
    from advocate.store import check as run_check

    result = run_check(state(ctx).store())
    render_record(result, fmt.value, title="Store check")
    if not result["ok"]:
        raise typer.Exit(1)


@app.command()
def backup(
    ctx: typer.Context,
    dest: Annotated[Path | None, typer.Argument(help="File or folder for the copy (default: beside the store).")] = None,
):
    """Copy the store with SQLite's online backup (safe while in use); the copy is readable by you only."""
    from advocate.store import backup as run_backup
    from advocate.store import backup_path

    store = state(ctx).store()
    target = run_backup(store, dest or backup_path(store.path, "backup"))
    info(f"Backed up {store.path} to {target}.")
    print(target)


@app.command()
def restore(
    ctx: typer.Context,
    src: Annotated[Path, typer.Argument(help="A backup made by `advocate db backup`.")],
    fmt: FormatOpt = Format.table,
):
    """Replace the store with a backup after checking it; the current store is saved first."""
    from advocate.render import render_record
    from advocate.store import restore as run_restore

    st = state(ctx)
    st.close()
    result = run_restore(src, st.db)
    if result.get("previous_store_saved_to"):
        info(f'The store you had was saved to {result["previous_store_saved_to"]}.')
    render_record(result, fmt.value, title="Restored")
