"""Lint (ruff) and type check (mypy) as part of the test command, so `.ci/run` and a local `pytest` run both.

Locally: `ruff check --fix advocate tests scripts benchmarks` and `mypy` (configured in pyproject.toml).
"""

import subprocess
import sys
import tomllib

from tests.helpers import REPO


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "advocate", "tests", "scripts",
                           "benchmarks"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_module_is_exempt_from_the_type_check():
    """The baseline of modules not yet clean has shrunk to nothing: no override may switch errors off again."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    exempt = [o["module"] for o in config["tool"]["mypy"].get("overrides", []) if o.get("ignore_errors")]
    assert not exempt, f"mypy errors switched off for {exempt}; fix the module instead"


def test_mypy_clean():
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary",
                           "--cache-dir", str(REPO / ".mypy_cache" / "full"), "advocate"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
