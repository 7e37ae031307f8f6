"""The documented Python API (advocate/__init__.py, docs/python-api.md): every name resolves, the jobs work
from the library alone, and the docs' example runs in a process where Typer and Rich cannot be imported."""

import re
import subprocess
import sys
import textwrap

import pytest

import advocate
from tests.helpers import REPO

DOC = REPO / "docs" / "python-api.md"

# Installed before the example runs: importing typer or rich raises, and so does opening a socket. (Click is
# allowed: sqlite-utils imports it for its plugin hooks.)
BLOCKER = textwrap.dedent("""
    import importlib.abc, socket, sys

    class Blocked(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("typer", "rich"):
                raise ImportError(f"{name} is blocked: the library must not need it")
            return None

    sys.meta_path.insert(0, Blocked())

    def refuse(*args, **kwargs):
        raise OSError("network access attempted")

    socket.socket.connect = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
""")
AFTER = textwrap.dedent("""
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("typer", "rich"))
    print("LOADED", loaded)
""")


def example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_every_public_name_resolves():
    assert advocate.__all__ == ["__version__", *advocate._API]
    for name in advocate.__all__:
        assert getattr(advocate, name) is not None, name
    assert set(advocate.__all__) <= set(dir(advocate))
    with pytest.raises(AttributeError):
        advocate.no_such_name  # noqa: B018


def test_every_public_name_is_in_the_docs():
    text = DOC.read_text(encoding="utf-8")
    missing = [n for n in advocate.__all__ if n != "__version__" and f"`{n}" not in text and f" {n}(" not in text]
    assert not missing


def test_the_docs_example_runs_with_typer_and_rich_blocked(tmp_path):
    script = tmp_path / "example.py"
    script.write_text(BLOCKER + example() + AFTER, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "LOADED []" in out
    assert re.search(r"New York, NY 10001 -> Consulate General of Mexico in New York [\d.]+ mi", out)
    assert re.search(r"^\d+ rows; rows that did not resolve: \[3\]$", out, re.M)
    assert re.search(r"^C-[0-9A-Z]{6} answered \['start.talk-alone', 'start.talk-now'\]$", out, re.M)
    assert re.search(r"^appointment 1 2030-12-03T14:30-06:00 \[\]$", out, re.M)
    assert "error: give both the latitude and the longitude column ('lat_column', 'lon_column')" in out
    assert "Traceback" not in done.stderr


def test_the_blocker_really_blocks(tmp_path):
    script = tmp_path / "blocked.py"
    script.write_text(BLOCKER + "import advocate.cli.main\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode != 0 and "is blocked" in done.stderr


def test_a_lookup_search_and_batch_from_the_library(store):
    place = advocate.resolve_place("Miami, FL")
    near = advocate.services_near(store, place, filters=advocate.Filters.parse(categories=["consular"]), national=False)
    assert near and near == sorted(near, key=lambda r: (r["distance_km"], r["name"].casefold()))
    found = advocate.search_services(store, "consulado", near=place, limit=5)
    assert 0 < len(found) <= 5
    located = [r["distance_km"] for r in found if r.get("distance_km") is not None]
    assert located == sorted(located)
    assert all("matched" in r for r in found)
    unordered = advocate.search_services(store, "consulado", limit=5)
    assert {r["id"] for r in unordered} and all(r.get("distance_km") is None for r in unordered)
    service = advocate.get_service(store, near[0]["id"])
    assert service["id"] == near[0]["id"]
    out = list(advocate.run_batch(store, iter([{"zip": "33130"}]), columns=advocate.batch_columns(["zip"]),
                                  per_location=1))
    assert [set(r) for r in out] == [{"zip", *advocate.OUT_FIELDS}] and out[0]["rank"] == 1


def test_a_client_checklist_and_appointment_from_the_library(store):
    code = advocate.create_client(store)["code"]
    intake, source = advocate.get_checklist("intake")
    with pytest.raises(advocate.InputError) as err:
        advocate.save_answers(store, code, intake, [("talk-now", "maybe", None)])
    assert err.value.fields and "--" not in err.value.message
    assert advocate.checklist_answers(store, code, "intake") == {}
    advocate.save_answers(store, code, intake, [("talk-now", "yes", None)])
    assert advocate.checklist_answers(store, code, "intake")["start.talk-now"]["answer"] == "yes"
    rows, hidden = advocate.answer_rows(store, code, {"intake": intake})
    assert [r["item"] for r in rows] == ["start.talk-now"] and hidden == 0
    logged = advocate.log_appointment(store, client=code, when="2030-01-02 09:00", tz="America/Los_Angeles",
                                      type="medical", duration=60)
    assert advocate.list_appointments(store, client=code)[0]["id"] == logged.appointment["id"]
    with pytest.raises(advocate.NotFound):
        advocate.get_client(store, "C-AAAAAA")
