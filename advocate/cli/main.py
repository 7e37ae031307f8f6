"""The ``advocate`` command: global options, error handling, and the command groups."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from advocate import __version__
from advocate.cli import fastparams
from advocate.cli.common import state
from advocate.i18n import N_, _

fastparams.install()  # command-line values converted without importing pydantic where that changes nothing


def _usage_name(self) -> str:
    """Click's own usage convention, PLACE for a required argument and [PLACE] for an optional one: Typer 0.29
    writes {location}, which reads as a template to fill, not as a place to type."""
    name = self.display_name_raw.upper()
    name = name if self.required else f"[{name}]"
    return name + ("..." if self.nargs != 1 else "")


if hasattr(typer.core.TyperArgument, "_usage_display_name"):
    typer.core.TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]


class AdvocateGroup(TyperGroup):
    """Turns library errors into one line on stderr and a stable exit code; never a traceback
    (unless --debug or ADVOCATE_DEBUG=1)."""

    def main(self, args=None, *rest, **kwargs):
        """Choose the interface language before Click parses anything (see :mod:`advocate.cli.lang`)."""
        from advocate.cli import lang

        args = lang.begin(self, list(sys.argv[1:] if args is None else args))
        return super().main(args, *rest, **kwargs)

    def invoke(self, ctx):
        from advocate.errors import AdvocateError, ExitStatus

        try:
            return super().invoke(ctx)
        except AdvocateError as exc:
            from advocate.cli.lang import flags_for

            def with_flags(err):
                flags = flags_for(err.fields)
                if flags:  # the library names the input in words; the command line names its option
                    return _("{message} ({flags})").format(message=err.full_message, flags=", ".join(flags))
                return err.full_message

            problems = getattr(exc, "problems", None)
            if problems:  # several bad values: every one on its own line, each with its own option
                message = "\n".join([exc.message] + [f"  - {with_flags(p)}" for p in problems])
            else:
                message = with_flags(exc)
            _error(message)
            ctx.exit(int(exc.exit_status))
        except KeyboardInterrupt:
            _error(_("interrupted; nothing half-written was kept"))
            ctx.exit(int(ExitStatus.INTERRUPTED))
        except BrokenPipeError:
            # `advocate ... | head`: the reader went away; not an error worth a message. Point stdout at
            # /dev/null so the flush at exit does not raise again (the Python docs' recipe for SIGPIPE)
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):  # not a real file (tests capture stdout)
                pass
            sys.stderr.close()
            ctx.exit(ExitStatus.OK)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:  # the last line of defence: one sentence, exit 1
            if isinstance(exc, typer.TyperException):  # usage errors: Typer prints them, exit 2
                raise
            if _debug(ctx):
                raise
            from advocate.store.crypto import is_db_error

            if is_db_error(exc):
                from advocate.store import explain_sqlite_error

                _error(explain_sqlite_error(exc).message)
            else:
                _error(_("unexpected {kind}: {error}; run again with --debug for details").format(
                    kind=type(exc).__name__, error=exc))
            ctx.exit(int(ExitStatus.FAILURE))
        finally:
            st = ctx.obj
            if st is not None and hasattr(st, "close"):
                st.close()


def _debug(ctx) -> bool:
    st = ctx.find_root().obj
    return bool(getattr(st, "debug", False) or os.environ.get("ADVOCATE_DEBUG"))


def _error(msg: str) -> None:
    from advocate.textnorm import strip_control

    lines = msg.split("\n")  # several problems come one per line; each line is cleaned on its own
    sys.stderr.write(_("Error: {message}").format(message="\n".join(strip_control(line) for line in lines)) + "\n")


# name -> (module, attribute, help): a run imports only the module of the group it names
GROUPS = {
    "services": ("services", "app", N_("Find, show and manage services in the directory.")),
    "places": ("places", "app", N_("See how a location string resolves (offline first).")),
    "checklist": ("checklist", "app", N_("Bilingual intake checklists: show, print, fill.")),
    "clients": ("clients", "app", N_("Clients by pseudonymous code (no names).")),
    "appointments": ("appointments", "app", N_("The accompaniment log: log, list, complete, export.")),
    "appt": ("appointments", "app", N_("Short for `appointments`.")),
    "card": ("cards", "app", N_("Papers a survivor can carry: a wallet card of numbers that work from a country.")),
    "goals": ("goals", "app", N_("The survivor's own goals and the milestones reached.")),
    "referrals": ("referrals", "app", N_("Referrals to partner organizations, followed to the outcome.")),
    "releases": ("referrals", "releases_app", N_("Releases of information: who may receive what, until when.")),
    "db": ("db", "app", N_("The store: where it is, check, back up, restore.")),
}
COMMANDS = {"report": ("report", "report"), "today": ("today", "today")}


def _load(module: str, attr: str):
    from importlib import import_module

    return getattr(import_module(f"advocate.cli.{module}"), attr)


def _version(value: bool):
    if value:
        print(f"advocate {__version__}")
        raise typer.Exit()


def main(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option("--db", envvar="ADVOCATE_DB", metavar="PATH",
                                            help=N_("The store file (default: ADVOCATE_DB, then the user data dir)."))] = None,
    debug: Annotated[bool, typer.Option("--debug", help=N_("Show tracebacks (also ADVOCATE_DEBUG=1)."))] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help=N_("Print the version and exit."))] = False,
    lang: Annotated[str | None, typer.Option(
        "--lang", metavar="en|es",
        help=N_("Interface language, here or after any command (also ADVOCATE_LANG, interface_language in the "
                "config, then the locale: LANG=es_MX.UTF-8 means Spanish). Data in json, csv, tsv and ndjson "
                "keeps its English keys and values."))] = None,
):
    st = state(ctx)
    st.db = db
    st.debug = debug
    if db:
        from advocate.files import protect_store

        protect_store(db)


TOP_LEVEL = ""  # make_app(only=TOP_LEVEL): the top level alone, for a run that shows its help or the version


def make_app(only: str | None = None) -> typer.Typer:
    """The CLI; with ``only``, just that command group (Typer converts every command on each run,
    so a run that names its group skips converting the other forty); with :data:`TOP_LEVEL`, every group's name
    and help but none of their commands (what the top-level help lists: two thirds of its time went to converting
    the sixty commands it does not show)."""
    new = typer.Typer(
        name="advocate",
        cls=AdvocateGroup,
        help=N_("Find nearby services, print bilingual intake checklists, and keep an accompaniment log - offline."),
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        rich_markup_mode=None,
    )
    new.callback()(main)
    for name, (module, attr, help_text) in GROUPS.items():
        if only == TOP_LEVEL:  # the group's name and help, none of its commands (nothing runs them)
            new.add_typer(typer.Typer(), name=name, help=help_text)
        elif only is None or name == only:
            new.add_typer(_load(module, attr), name=name, help=help_text)
    for name, (module, attr) in COMMANDS.items():
        if only is None or only in (name, TOP_LEVEL):
            new.command(name)(_load(module, attr))
    return new


app: typer.Typer  # declared, not bound: the module's __getattr__ below builds it on first use


def __getattr__(name: str) -> typer.Typer:
    """``app``, the whole CLI, is built on first use (a run that names its group builds only that group)."""
    if name == "app":
        global app
        app = make_app()
        return app
    raise AttributeError(name)


def _group_in(argv: list[str]) -> str | None:
    """The command group named on the command line, skipping global options (and --db's value)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--db", "--lang"):
            i += 2
            continue
        if arg.startswith("-"):
            if arg in ("-h", "--help", "--version", "--install-completion", "--show-completion"):
                return None
            i += 1
            continue
        return arg if arg in GROUPS or arg in COMMANDS else None
    return None


def _top_level_only(argv: list[str]) -> bool:
    """The run shows only the top level: its help (asked for, or no arguments at all) or the version, with
    nothing but global options besides."""
    asked, i = not argv, 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--db", "--lang"):
            i += 2
        elif arg in ("-h", "--help", "--version"):
            asked, i = True, i + 1
        elif arg == "--debug" or arg.startswith(("--db=", "--lang=")):
            i += 1
        else:
            return False
    return asked


def run() -> None:
    """Console-script entry point."""
    argv = sys.argv[1:]
    only = None if os.environ.get("_ADVOCATE_COMPLETE") else TOP_LEVEL if _top_level_only(argv) else _group_in(argv)
    import signal

    def terminated(signum, frame):
        # SIGTERM (a closed terminal, a service manager): unwind like Ctrl-C, so the open transaction rolls back
        # and temporary files and staging folders are removed
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError, OSError):  # not the main thread
        signal.signal(signal.SIGTERM, terminated)
    try:
        make_app(only)(prog_name="advocate")
    except KeyboardInterrupt:
        from advocate.errors import ExitStatus

        sys.stderr.write(_("Error: {message}").format(message=_("interrupted")) + "\n")
        sys.exit(ExitStatus.INTERRUPTED)
