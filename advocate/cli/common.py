"""What every command group shares: the store handle, messages on stderr, option bundles."""

from __future__ import annotations

import enum
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from advocate.i18n import N_, _

if TYPE_CHECKING:
    from advocate.config import Config
    from advocate.geo.online import Nominatim
    from advocate.store import Store


class Format(str, enum.Enum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    tsv = "tsv"


FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help=N_("Output: a table on the terminal, or json, ndjson, csv, tsv for scripts."),
                 case_sensitive=False),
]


@dataclass
class State:
    db: Path | None = None
    debug: bool = False
    _store: Store | None = None
    _config: Config | None = None
    messages: list[str] = field(default_factory=list)

    def store(self) -> Store:
        if self._store is None:
            from advocate.store import crypto, resolve_path
            from advocate.workspace import open_store

            key = None
            path = resolve_path(self.db)
            if (path.exists() and crypto.looks_encrypted(path) and crypto.available()
                    and not crypto.find_key(path) and interactive()):
                import getpass

                key = getpass.getpass(_("Key for {path}: ").format(path=path))
            self._store = open_store(self.db, progress=info, key=key)
            for warning in self._store.warnings:
                warn(warning)
            if self._store.created:
                info(_("Created a new store at {path} with the bundled national directory.").format(path=self._store.path))
        return self._store

    def config(self) -> Config:
        if self._config is None:
            from advocate.config import load_config

            self._config = load_config()
        return self._config

    def geocoder(self) -> Nominatim:
        """The online geocoder the user's config names (built on first lookup; only used when online)."""
        from advocate.geo.online import make_geocoder

        cfg = self.config()
        return make_geocoder(cfg.geocoder, cfg.geocoder_user_agent)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def _clean(msg: str) -> str:
    from advocate.textnorm import strip_control

    return strip_control(str(msg), keep_newlines=True)


def info(msg: str) -> None:
    """A message for the person at the terminal (stderr, never mixed with data)."""
    sys.stderr.write(_clean(msg) + "\n")
    sys.stderr.flush()


def warn(msg: str) -> None:
    from advocate.i18n import _

    sys.stderr.write(_("Warning: {message}").format(message=_clean(msg)) + "\n")
    sys.stderr.flush()


def interactive() -> bool:
    """Prompts only when a person is there: stdin and stdout are terminals and CI is not set."""
    return sys.stdin.isatty() and sys.stdout.isatty() and not os.environ.get("CI")


WideOpt = Annotated[bool, typer.Option("--wide", help=N_(
    "Draw the table as wide as it needs: every column, every cell on one line (for a wide window or a pager)."))]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help=N_("Do not ask for confirmation (for scripts)."))]


def ask_yes_no(question: str, *, default: bool = False, cancel_raises: bool = False) -> bool:
    """A yes/no question at the terminal, in the interface language: a choice of two answers picked with the
    arrow keys and Enter (questionary's confirm shows an English "(Y/n)" and answers on the key alone, so the
    Enter that follows leaks into the next prompt). Ctrl-C is a no, or KeyboardInterrupt with
    ``cancel_raises``."""
    import questionary

    yes, no = _("Yes"), _("No")
    prompt = questionary.select(question, choices=[questionary.Choice(yes, value=True),
                                                   questionary.Choice(no, value=False)],
                                default=yes if default else no, instruction=" ")
    answer = prompt.unsafe_ask() if cancel_raises else prompt.ask()
    return bool(answer)


def confirmed(yes: bool, question: str, needs: str) -> None:
    """Go on only with --yes or a yes at the prompt: without a terminal, ``needs`` (the sentence saying --yes
    is needed) is the error; a no at the prompt ends the command with nothing changed."""
    if yes:
        return
    if not interactive():
        from advocate.errors import InputError

        raise InputError(needs)
    from advocate.errors import ExitStatus

    if not ask_yes_no(question, default=False):
        info(_("Nothing was changed."))
        raise typer.Exit(int(ExitStatus.FAILURE))


def say_dropped(headers: list[str]) -> None:
    """A narrow terminal left table columns out: name them and the option that shows them."""
    info(_("Not shown at this width: {columns} (--wide shows every column).").format(columns=", ".join(headers)))


ForceOpt = Annotated[bool, typer.Option("--force", help=N_("Replace the output file if it exists "
                                                         "(never the store or its backups)."))]


def overwrite(force: bool) -> dict:
    """Keyword arguments for :func:`advocate.files.write_private` and friends: replace an existing file with
    --force, or after a yes on a terminal; otherwise refuse."""
    if force:
        return {"force": True}
    if interactive():
        return {"confirm": _confirm_replace}
    return {}


def _confirm_replace(path: Path) -> bool:
    return ask_yes_no(_("{path} exists. Replace it?").format(path=path), default=False)
