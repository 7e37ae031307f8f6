"""Lint (ruff) and type check (mypy) as part of the test command, so `.ci/run` and a local `pytest` run both.

Locally: `ruff check --fix advocate tests scripts benchmarks` and `mypy` (configured in pyproject.toml).
"""

import re
import subprocess
import sys
import tomllib

from tests.helpers import REPO

BASELINE = re.compile(r"\[\[tool\.mypy\.overrides\]\]\n# BASELINE.*?ignore_errors = true\n", re.S)


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "advocate", "tests", "scripts",
                           "benchmarks"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def baseline() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for override in config["tool"]["mypy"].get("overrides", []):
        if override.get("ignore_errors"):
            return override["module"]
    return []


def test_mypy_clean_outside_a_baseline_that_only_shrinks(tmp_path):
    """One mypy run with the baseline's ignore_errors taken out: every error must be in a baselined module,
    and every baselined module must still have one (a module made clean leaves the baseline)."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    listed = baseline()
    assert not listed or BASELINE.search(text), "the mypy baseline block is not where this test expects it"
    config = tmp_path / "pyproject.toml"
    config.write_text(BASELINE.sub("", text), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(config), "--no-error-summary",
                           "--cache-dir", str(REPO / ".mypy_cache" / "full"), "advocate"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if ": error: " in line]

    def module(line: str) -> str:
        path = line.split(":", 1)[0].removesuffix(".py").removesuffix("/__init__").replace("\\", "/")
        return path.replace("/", ".")

    new = [line for line in errors if module(line) not in listed]
    assert not new, "mypy errors outside the baseline:\n" + "\n".join(new)
    clean = sorted(set(listed) - {module(line) for line in errors})
    assert not clean, f"clean now, delete from the mypy baseline in pyproject.toml: {clean}"
