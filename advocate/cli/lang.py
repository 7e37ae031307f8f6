"""The interface language on the command line: ``--lang``, and Typer/Click's own words in it.

``--lang en|es`` is accepted before the subcommand (``advocate --lang es services near 10001``) or
anywhere after it (``advocate services near 10001 --lang es``). Two commands already have a ``--lang``
of their own, for the language of what they print (``checklist show|print|fill`` and
``appointments export``): there ``--lang`` after the subcommand keeps that meaning, and when it names a
single interface language the interface follows it too (unless ``--lang`` was also given before the
subcommand, which always wins).

The language is chosen before Click parses anything, so ``--help`` and usage errors are already in it.
Click's and Typer's own sentences ("Usage:", "Options", "Try ... for help.", "No such option") are
hard-coded English in the Click copy Typer vendors; :func:`install` routes them through the interface
catalog. The msgids live in :mod:`advocate.cli.clickstrings`.
"""

from __future__ import annotations

import re
import sys

from advocate.errors import ExitStatus
from advocate.i18n import N_, _, choose_language, normalize_language, set_language

_installed = False
_commands: list = []  # the command path of this run (root first), for mapping error fields to flags


def _takes_value(param) -> bool:
    return not getattr(param, "is_flag", False) and not getattr(param, "count", False) and param.nargs != 0


def _option_index(cmd) -> dict[str, object]:
    idx = {}
    for p in getattr(cmd, "params", []):
        if getattr(p, "param_type_name", "") == "option":
            for name in [*p.opts, *p.secondary_opts]:
                idx[name] = p
    return idx


def split_lang(root, args: list[str]) -> tuple[list[str], str | None, str | None]:
    """``args`` without the interface ``--lang`` given after the subcommand, the interface flag value
    and the value of a command's own ``--lang`` (only when it names one interface language)."""
    out: list[str] = []
    _commands[:] = [root]
    flag = None
    own: list[str] = []
    cmd = root
    options = _option_index(cmd)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out.extend(args[i:])
            break
        if arg.startswith("--lang") and (arg == "--lang" or arg.startswith("--lang=")):
            value = arg.split("=", 1)[1] if "=" in arg else (args[i + 1] if i + 1 < len(args) else None)
            width = 1 if "=" in arg else 2
            if "--lang" in options:  # the root's own flag, or a command's own --lang: Click parses it
                if cmd is root:
                    flag = value
                else:
                    own.append(value or "")
                out.extend(args[i:i + width])
            else:
                flag = value if value is not None else flag
                if value is None:  # `--lang` with nothing after it: let Click say so
                    out.append(arg)
            i += width
            continue
        if arg.startswith("-"):
            out.append(arg)
            name = arg.split("=", 1)[0]
            param = options.get(name)
            if param is not None and "=" not in arg and _takes_value(param) and i + 1 < len(args):
                out.append(args[i + 1])
                i += 1
            i += 1
            continue
        out.append(arg)
        sub = getattr(cmd, "commands", {}).get(arg) if hasattr(cmd, "commands") else None
        if sub is not None:
            cmd = sub
            _commands.append(sub)
            options = _option_index(cmd)
        i += 1
    single = {normalize_language(v) for v in own}
    own_lang = single.pop() if len(own) == 1 and len(single) == 1 and None not in single else None
    return out, flag, own_lang


def flags_for(fields) -> list[str]:
    """The options of this run's command (or the root's) that the library's error ``fields`` name:
    ``("from", "to")`` -> ``["--from", "--to"]``."""
    out = []
    for field in fields or ():
        want = field.replace("_", "-")
        for cmd in reversed(_commands):
            match = None
            for p in getattr(cmd, "params", []):
                longs = [o for o in getattr(p, "opts", []) if o.startswith("--")]
                if getattr(p, "param_type_name", "") == "option" and longs and (
                        (p.name or "").rstrip("_") == field or f"--{want}" in longs):
                    match = f"--{want}" if f"--{want}" in longs else longs[0]
                    break
            if match:
                if match not in out:
                    out.append(match)
                break
    return out


def begin(root, args: list[str]) -> list[str]:
    """Choose the interface language for this run and put Click's words and the help texts in it.
    Returns the arguments Click should parse."""
    args, flag, own = split_lang(root, args)
    config_value = None
    try:
        from advocate.config import load_config

        config_value = load_config().interface_language or None
    except Exception:  # a broken config file is reported by the command that reads it
        config_value = None
    from advocate.errors import AdvocateError

    try:
        lang = choose_language(flag or own, config_value=config_value)
    except AdvocateError as exc:
        set_language("en")
        sys.stderr.write("Error: " + exc.full_message + "\n")
        sys.exit(ExitStatus.USAGE)
    set_language(lang)
    install()
    if lang != "en":
        translate_tree(root)
    return args


# the words of metavars (what an option or argument takes), translated word by word: "FILE|-" -> "ARCHIVO|-"
METAVAR_WORDS = {"CODE": N_("CODE"), "DATE": N_("DATE"), "LANG": N_("LANG"), "FILE": N_("FILE"),
                 "CATEGORY": N_("CATEGORY"), "NAME": N_("NAME"), "COL": N_("COL"), "DISTANCE": N_("DISTANCE"),
                 "PLACE": N_("PLACE"), "SECONDS": N_("SECONDS"), "PATH": N_("PATH"), "LOCATION": N_("LOCATION"),
                 "FIELD": N_("FIELD"), "COLUMN": N_("COLUMN"), "ITEM": N_("ITEM"), "ANSWER": N_("ANSWER"),
                 "TEXT": N_("TEXT"), "AGE": N_("AGE"), "DURATION": N_("DURATION"), "ZONE": N_("ZONE"),
                 "WORDS": N_("WORDS"), "FOLDER": N_("FOLDER"), "DEST": N_("DEST"), "DATETIME": N_("DATETIME"),
                 "BACKUP": N_("BACKUP"), "YYYY": N_("YYYY"), "MM": "MM",
                 "URL": "URL", "ID": "ID", "N": "N", "MX": "MX", "US": "US"}
# the value types Typer shows between <> when an option has no metavar
TYPE_WORDS = {"str": N_("<text>"), "int": N_("<integer>"), "float": N_("<number>"), "int range": N_("<integer>"),
              "float range": N_("<number>"), "bool": N_("<yes/no>"), "path": N_("<path>"), "file": N_("<file>"),
              "directory": N_("<folder>"), "list[str]": N_("<list of texts>"), "datetime": N_("<date and time>")}
_METAVAR_WORD = re.compile(r"[A-Z]{1,}")


def translate_metavar(text: str) -> str:
    """ "FILE|-" -> "ARCHIVO|-" in Spanish; choices typed as values (es|en, MX|US, html|txt|md) stay as they are."""
    return _METAVAR_WORD.sub(lambda m: _(METAVAR_WORDS[m[0]]) if m[0] in METAVAR_WORDS else m[0], text)


def translate_tree(cmd) -> None:
    """Help texts are English msgids in the code (marked with ``N_`` or a command docstring); put them in
    the interface language on the freshly built command tree, with the metavars and the usage line's
    [OPTIONS] and COMMAND [ARGS]..."""
    for attr in ("help", "short_help", "epilog"):
        value = getattr(cmd, attr, None)
        if value:
            setattr(cmd, attr, _(value))
    if getattr(cmd, "options_metavar", None) == "[OPTIONS]":
        cmd.options_metavar = _("[OPTIONS]")
    if getattr(cmd, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        cmd.subcommand_metavar = _("COMMAND [ARGS]...")
    for p in getattr(cmd, "params", []):
        if getattr(p, "help", None):
            p.help = _(p.help)
        if getattr(p, "metavar", None):
            p.metavar = translate_metavar(p.metavar)
    for sub in (getattr(cmd, "commands", None) or {}).values():
        translate_tree(sub)


# --- Click's and Typer's own words ----------------------------------------------------------------

_MESSAGES = [
    # (pattern over Click/Typer/pydantic's English, msgid with the same named fields)
    (r"No such option: (?P<name>.+)", N_("No such option: {name}")),
    (r"Option (?P<name>'[^']*') does not take a value\.", N_("Option {name} does not take a value.")),
    (r"Option (?P<name>'[^']*') requires an argument\.", N_("Option {name} requires an argument.")),
    (r"Option (?P<name>'[^']*') requires (?P<n>\d+) arguments\.", N_("Option {name} requires {n} arguments.")),
    (r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)", N_("Got unexpected extra argument(s) ({args})")),
    (r"No such command (?P<name>'[^']*')\. Did you mean (?P<matches>.+)\?",
     N_("No such command {name}. Did you mean {matches}?")),
    (r"No such command (?P<name>'[^']*')\.", N_("No such command {name}.")),
    (r"Missing command\.", N_("Missing command.")),
    (r"Input should be a valid integer, unable to parse string as an integer", N_("a whole number is expected")),
    (r"Input should be a valid number, unable to parse string as a number", N_("a number is expected")),
    (r"Input should be a valid integer.*", N_("a whole number is expected")),
    (r"Input should be greater than or equal to (?P<n>\S+)", N_("it should be at least {n}")),
    (r"Input should be less than or equal to (?P<n>\S+)", N_("it should be at most {n}")),
    (r"Input should be greater than (?P<n>\S+)", N_("it should be more than {n}")),
    (r"Input should be less than (?P<n>\S+)", N_("it should be less than {n}")),
    (r"(?:Value error, )?(?P<value>.+) is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}.")),
    (r"(?:Value error, )?(?P<value>.+) is not a valid (?P<kind>boolean|integer|float)\.?",
     N_("{value} is not a valid {kind}.")),
    (r"(?P<what>File|Directory|Path) (?P<path>'.*') does not exist\.", N_("{what} {path} does not exist.")),
]
_COMPILED = [(re.compile(p + r"\Z", re.S), msgid) for p, msgid in _MESSAGES]


_DID_YOU_MEAN = re.compile(r"(?P<message>.+?)\.? Did you mean (?P<matches>.+)\?\Z", re.S)


def translate_message(text: str) -> str:
    """Click/Typer's English sentence in the interface language (as is when no pattern knows it)."""
    from advocate.i18n import current_language

    english = current_language() == "en"
    if english and not text.startswith("Input should be"):
        return text  # Click's own English as it is; pydantic's ("unable to parse string as an integer") in words
    m = None if english else _DID_YOU_MEAN.match(text)
    if m:
        return _("{message}. Did you mean {matches}?").format(
            message=translate_message(m["message"] + ".").rstrip("."), matches=m["matches"])
    for pattern, msgid in _COMPILED:
        m = pattern.match(text)
        if m:
            fields = {k: (_(v) if k in ("what", "kind") else v) for k, v in m.groupdict().items()}
            return _(msgid).format(**fields)
    return text


def install() -> None:
    """Route the vendored Click's hard-coded words through the interface catalog (idempotent; in
    English every sentence comes out exactly as Click wrote it)."""
    global _installed
    if _installed:
        return
    _installed = True
    import typer.core as tcore
    from typer import _click
    from typer._click import exceptions as cexc
    from typer._click import formatting as cfmt

    tcore._ = _  # type: ignore[assignment]  # the same signature, spelled differently
    # Rich help panels are unused while rich_markup_mode is None; importing typer.rich_utils costs ~0.15 s
    # of start-up (Rich's markdown, syntax and traceback modules), so patch it only if something loaded it
    rutils = sys.modules.get("typer.rich_utils")
    if rutils is not None:
        rutils._ = _  # type: ignore[attr-defined]  # a module from sys.modules, typed as ModuleType

    # the patches below replace methods of classes typer vendors from Click (hence the method-assign ignores)
    display_type = tcore._TyperParameter.display_type

    def _display_type(self, ctx):
        """``<str>`` -> ``<texto>``: the value type in the interface language (choices stay as typed)."""
        from advocate.i18n import current_language

        shown = display_type(self, ctx)
        inner = shown[1:-1] if shown.startswith("<") and shown.endswith(">") else None
        if inner in TYPE_WORDS and current_language() != "en":
            return _(TYPE_WORDS[inner])
        return shown

    tcore._TyperParameter.display_type = _display_type  # type: ignore[method-assign]

    write_usage = cfmt.HelpFormatter.write_usage

    def _write_usage(self, prog, args="", prefix=None):
        return write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    cfmt.HelpFormatter.write_usage = _write_usage  # type: ignore[method-assign]

    get_help_option = _click.core.Command.get_help_option

    def _get_help_option(self, ctx):
        opt = get_help_option(self, ctx)
        if opt is not None and opt.help:
            opt.help = _("Show this message and exit.") if opt.help == "Show this message and exit." else _(opt.help)
        return opt

    _click.core.Command.get_help_option = _get_help_option  # type: ignore[method-assign]

    def _hint(param_hint):
        if param_hint is not None and not isinstance(param_hint, str):
            return " / ".join(repr(x) for x in param_hint)
        return param_hint

    def bad_parameter_message(self):
        hint = self.param_hint if self.param_hint is not None else (
            self.param.get_error_hint() if self.param is not None else None)
        message = translate_message(self.message)
        if hint is None:
            return _("Invalid value: {message}").format(message=message)
        return _("Invalid value for {hint}: {message}").format(hint=_hint(hint), message=message)

    def missing_parameter_message(self):
        hint = self.param_hint if self.param_hint is not None else (
            self.param.get_error_hint() if self.param is not None else None)
        hint = _hint(hint)
        param_type = self.param_type or (self.param.param_type_name if self.param is not None else "parameter")
        msg = self.message
        if self.param is not None:
            extra = self.param.get_missing_message(ctx=self.ctx)
            if extra:
                msg = f"{msg}. {extra}" if msg else extra
        kinds = {"argument": _("Missing argument {hint}."), "option": _("Missing option {hint}."),
                 "parameter": _("Missing parameter {hint}.")}
        text = kinds.get(param_type, kinds["parameter"]).format(hint=hint or "").replace(" .", ".")
        return f"{text} {translate_message(msg)}" if msg else text

    def no_such_option_message(self):
        text = translate_message(self.message)
        if not self.possibilities:
            return text
        return _("{message} (Possible options: {options})").format(
            message=text, options=", ".join(sorted(self.possibilities)))

    def usage_error_message(self):
        return translate_message(self.message)

    def file_error_message(self):
        return _("Could not open file {name}: {reason}").format(name=repr(self.ui_filename), reason=self.message)

    def usage_error_show(self, file=None):
        from typer._click._compat import get_text_stderr
        from typer._click.utils import echo

        file = file or get_text_stderr()
        color = None
        hint = ""
        if self.ctx is not None and self.ctx.command.get_help_option(self.ctx) is not None:
            hint = _("Try '{command} {option}' for help.").format(
                command=self.ctx.command_path, option=self.ctx.help_option_names[0]) + "\n"
        if self.ctx is not None:
            color = self.ctx.color
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=color)
        echo(_("Error: {message}").format(message=self.format_message()), file=file, color=color)

    def click_exception_show(self, file=None):
        from typer._click._compat import get_text_stderr
        from typer._click.utils import echo

        echo(_("Error: {message}").format(message=self.format_message()), file=file or get_text_stderr(),
             color=self.show_color)

    cexc.ClickException.show = click_exception_show  # type: ignore[method-assign]
    cexc.UsageError.show = usage_error_show  # type: ignore[method-assign]
    cexc.UsageError.format_message = usage_error_message  # type: ignore[method-assign]
    cexc.BadParameter.format_message = bad_parameter_message  # type: ignore[method-assign]
    cexc.MissingParameter.format_message = missing_parameter_message  # type: ignore[method-assign]
    cexc.NoSuchOption.format_message = no_such_option_message  # type: ignore[method-assign]
    cexc.FileError.format_message = file_error_message  # type: ignore[method-assign]
