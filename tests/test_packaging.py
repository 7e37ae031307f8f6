"""The wheel a user installs holds every module, data file and catalog, and its lookup works offline.

Builds the wheel from this checkout, installs it (no dependencies: they are the test environment's) into a
fresh virtual environment outside the tree and runs the README's lookup with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.helpers import PACKAGE, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # an isolated build, as pip install does (setuptools comes from pip's cache after the first install)
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    (whl,) = out.glob("advocate-*.whl")
    return whl


def test_wheel_holds_the_whole_tree(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(["git", "ls-files", "advocate", "data"], cwd=REPO, capture_output=True, text=True)
    files = tracked.stdout.split() if tracked.returncode == 0 else [
        str(p.relative_to(REPO)) for d in ("advocate", "data") for p in (REPO / d).rglob("*") if p.is_file()]
    missing = []
    for f in files:
        if "__pycache__" in f or not (REPO / f).exists():
            continue
        inside = "advocate/_data/" + f[len("data/"):] if f.startswith("data/") else f
        if inside not in names:
            missing.append(f)
    assert missing == []
    # every package is discovered (setup.py), a new one too before git knows it
    packages = {str(p.relative_to(REPO)) for p in PACKAGE.rglob("__init__.py") if "__pycache__" not in p.parts}
    assert packages - names == set()
    assert "advocate/_data/__init__.py" in names and "advocate/_data/checklists/intake.json" in names
    assert any(n.startswith("advocate/locale/es/LC_MESSAGES/") and n.endswith(".mo") for n in names)
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert "advocate/py.typed" in names


def test_installed_wheel_answers_the_readme_lookup(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=False)
    py = env_dir / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    # the test environment may hold an editable install of this checkout: the venv's copy must win
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["ADVOCATE_DB"] = str(tmp_path / "store.db")
    code = ("import sys, advocate; assert advocate.__file__.startswith(sys.argv[1]), advocate.__file__;"
            "from advocate.cli.main import run; sys.argv=['advocate','services','near','10001','-f','json']; run()")
    p = subprocess.run([str(py), "-S", "-c", f"import site; site.addsitedir({site!r}); site.main(); {code}", site],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert '"scope": "national"' in p.stdout
