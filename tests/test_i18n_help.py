"""Every command's --help in Spanish holds no English word: only Spanish, commands, options, metavars,
values the user types (categories, types, codes) and proper names."""

from __future__ import annotations

import re

import pytest

from tests.helpers import cli_runner

WORD = re.compile(r"[A-Za-zÁÉÍÓÚÑáéíóúñü][A-Za-zÁÉÍÓÚÑáéíóúñü'-]*")
# words spelled the same in both languages, formats, acronyms and proper names
ALLOWED = {
    "a", "no", "error", "local", "total", "general", "id", "ids", "ok", "json", "ndjson", "csv", "tsv", "html", "md",
    "txt", "ics", "zip", "lat", "lon", "mi", "km", "hsds", "sqlite", "sqlcipher", "iana", "iso", "advocate", "ohana",
    "open", "referral", "vacuum", "utc", "pip", "pipx", "shell", "scripts", "script", "datapackage", "icalendar",
    "ctrl-c", "stdin", "stdout", "stderr", "voca", "otip", "ciudad", "estado", "city", "st", "tijuana", "bc", "los",
    "angeles", "ca", "miami", "fl", "america", "chicago", "springfield", "new", "york", "ny", "us", "mx", "en", "es",
    "asilo", "y", "m", "d", "mxt", "mixtec", "zap", "t", "u", "wal", "gb", "dif", "fresno", "ga", "api", "apis",
    "http", "https", "etag",
    # values the user types, glossed in Spanish beside them
    "attended", "rescheduled", "no-show", "cancelled", "active", "closed", "first", "later", "as-needed", "intake",
    "working", "reached", "paused", "dropped", "sent", "contacted", "accepted", "declined", "no-response",
    "completed", "housing", "education", "employment", "transport", "health", "legal", "family", "safety",
    "language", "money", "other", "table", "terminal", "us-ncmec", "consulate-atlanta-ga", "talk-now", "leave-fast",
    "prefer-not-to-say", "resume",
    # Spanish that the English help quotes as examples
    "el", "aprender", "usar", "autobús", "cita", "ana", "numeros", "x", "h", "hoja",
}


def _commands():
    import typer

    from advocate.cli.main import app

    root = typer.main.get_command(app)
    paths, names, values = [], set(), set()

    def walk(cmd, path):
        paths.append(path)
        for p in getattr(cmd, "params", []):
            names.add((p.name or "").lower())
            for opt in [*getattr(p, "opts", []), *getattr(p, "secondary_opts", [])]:
                names.update(w.lower() for w in WORD.findall(opt))
            choices = getattr(getattr(p, "type", None), "choices", None) or []
            values.update(str(getattr(c, "value", c)).lower() for c in choices)
            if getattr(p, "metavar", None):
                names.update(w.lower() for w in WORD.findall(p.metavar))
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            names.update(w.lower() for w in WORD.findall(name))
            walk(sub, [*path, name])

    walk(root, [])
    return paths, names, values


PATHS, NAMES, VALUES = _commands()


def _vocabulary_values() -> set[str]:
    from advocate.appointments.log import types
    from advocate.directory.vocab import categories

    out = set()
    for key in [*types(), *categories()]:
        out.update(w.lower() for w in WORD.findall(key))
    return out


def _words(text: str) -> list[str]:
    text = re.sub(r"-\n\s*", "-", text)  # a hyphenated value wrapped at the end of a line
    text = re.sub(r"`[^`]*`|pip install\S*(?: \S+)?", " ", text)  # commands quoted in backticks
    text = re.sub(r"<[^<>]*>|\{[^{}]*\}|\d+<=x<=\d+", " ", text)  # Typer's metavars: <int range>, {location}
    text = re.sub(r"(predeterminado|default):\s+[\w.-]+", " ", text)
    text = re.sub(r"\b\w+_\w+\b|\[[\w-]+\]|'[^'\s]*'", " ", text)  # config keys (default_within), pip extras  # a default is a value the user types
    text = re.sub(r"\b[\w.-]*\d[\w.-]*\b", " ", text)  # codes and ids with digits: C-7K3M9Q, miami-211
    text = re.sub(r"(?<![\w])-{1,2}[\w-]+", " ", text)  # options
    text = re.sub(r"\badvocate( [a-z-]+)+", " ", text)  # command lines in examples
    return [w for w in WORD.findall(text) if not (w.isupper() and len(w) > 1)]  # metavars


@pytest.fixture(scope="module")
def english_words(cli_module):
    words = set()
    for path in PATHS:
        words.update(w.lower() for w in _words(cli_module(*path, "--help").stdout))
    return words


@pytest.fixture(scope="module")
def cli_module():
    return cli_runner(env={"ADVOCATE_LANG": "", "LANG": "C.UTF-8"})


def test_every_command_help_is_spanish(cli_module, english_words):
    allowed = ALLOWED | NAMES | VALUES | _vocabulary_values()
    offenders = {}
    for path in PATHS:
        out = cli_module("--lang", "es", *path, "--help")
        assert out.exit_code == 0, (path, out.output)
        for w in _words(out.stdout):
            if w.lower() in english_words and w.lower() not in allowed:
                offenders.setdefault(" ".join(path) or "advocate", set()).add(w)
    assert not offenders, {k: sorted(v) for k, v in offenders.items()}


def test_help_paths_cover_every_command():
    assert len(PATHS) > 30
    assert ["services", "near"] in PATHS and ["appointments", "list"] in PATHS


def test_spanish_help_shows_metavars_and_types_in_spanish(cli_module):
    """What an option takes (FILE, CODE, <str>, <int range>) and the usage line's [OPTIONS] are Spanish too;
    values the user types as they are (es|en, MX|US, html|txt|md) stay."""
    from advocate.cli.lang import METAVAR_WORDS
    from advocate.i18n import gettext_in

    english = {w for w, msgid in METAVAR_WORDS.items() if gettext_in("es", msgid) != msgid}
    offenders = {}
    for path in PATHS:
        out = cli_module("--lang", "es", *path, "--help").stdout
        found = set(re.findall(r"\[OPTIONS\]|COMMAND \[ARGS\]|<(?:str|int|float|bool|path|list\[str\])[^>]*>", out))
        found |= {w for w in re.findall(r"(?<![\w$=-])[A-Z]{2,}(?![\w=_])", out) if w in english}
        if found:
            offenders[" ".join(path) or "advocate"] = sorted(found)
    assert not offenders, offenders
    sheet = cli_module("--lang", "es", "services", "sheet", "--help").stdout
    assert "[OPCIONES]" in sheet and "--output ARCHIVO" in sheet and "--near LUGAR" in sheet and "--for MX|US" in sheet
    assert "--limit <entero>" in cli_module("--lang", "es", "services", "near", "--help").stdout
    assert "--limit <int range>" in cli_module("services", "near", "--help").stdout
    english_help = cli_module("appointments", "log", "--help").stdout
    assert "[OPTIONS]" in english_help and "--client CODE" in english_help and "--duration DURATION" in english_help
    log = cli_module("--lang", "es", "appointments", "log", "--help").stdout
    assert "--when FECHA-HORA" in log and "--tz ZONA" in log and "--duration DURACIÓN" in log


def test_every_metavar_word_in_the_code_has_its_spanish_word():
    """A new metavar ("TIME", "FOLDER") would show in English in Spanish help unless METAVAR_WORDS knows it."""
    from pathlib import Path

    from advocate.cli.lang import METAVAR_WORDS

    source = "\n".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parent.parent / "advocate" / "cli").glob("*.py"))
    words = {w for metavar in re.findall(r'metavar="([^"]+)"', source) for w in re.findall(r"[A-Z]{2,}", metavar)}
    assert words and not words - set(METAVAR_WORDS), sorted(words - set(METAVAR_WORDS))
