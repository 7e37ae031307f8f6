"""The wheel a user installs holds every module, data file and catalog, and its lookup works offline.

Builds the wheel from this checkout, installs it (no dependencies: they are the test environment's) into a
fresh virtual environment outside the tree and runs the README's lookup with it. Every module advocate imports
is declared with a lowest version, and .ci/lowest.txt installs exactly those floors.
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

# the wheel is built in the checkout (build/, advocate.egg-info): one worker builds it, once, for both tests
pytestmark = pytest.mark.xdist_group("wheel")


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


# --- dependency floors that cannot lie (issue 17) -------------------------------------------------------

def _third_party_imports() -> set[str]:
    import ast

    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "advocate"}


def _requirements(config: dict) -> dict[str, list]:
    """Declared requirement -> [Requirement, ...] (the dependencies, then every extra)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    out: dict[str, list] = {}
    for text in [*config["project"]["dependencies"],
                 *(r for extra in config["project"]["optional-dependencies"].values() for r in extra)]:
        req = Requirement(text)
        out.setdefault(canonicalize_name(req.name), []).append(req)
    return out


def test_every_import_is_declared_with_a_floor():
    """A module advocate imports comes from a distribution pyproject.toml names (as a dependency or in an extra),
    with a lowest version (keyring and sqlcipher3 are extras: used when present)."""
    import tomllib
    from importlib.metadata import packages_distributions

    from packaging.utils import canonicalize_name

    declared = _requirements(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8")))
    owners = packages_distributions()
    problems = []
    for module in sorted(_third_party_imports()):
        names = {canonicalize_name(d) for d in owners.get(module, [module])}
        hits = [r for n in names for r in declared.get(n, [])]
        if not hits:
            problems.append(f"{module}: imported, not declared")
        elif not any(s.operator in (">=", "==", "~=") for r in hits for s in r.specifier):
            problems.append(f"{module}: declared without a lowest version")
    assert not problems


def test_ci_installs_each_dependency_at_its_floor():
    """.ci/lowest.txt pins every floor of [project] dependencies at exactly that version, so the second CI pass
    runs the tests on the lowest versions a user may have."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    pins = {}
    for line in (REPO / ".ci" / "lowest.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", line
            pins[canonicalize_name(req.name)] = Version(spec.version)
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for text in config["project"]["dependencies"]:
        req = Requirement(text)
        floors = [Version(s.version) for s in req.specifier if s.operator == ">="]
        if floors:
            assert pins.get(canonicalize_name(req.name)) == max(floors), text
