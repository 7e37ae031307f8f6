"""Every test gets its own store, config and data dirs; no test touches a real user's files.

The offline gazetteer is built once per test session, before the first test, into a shared cache dir (it takes
seconds; as a session fixture its time shows under `--durations` as the first test's setup, not inside whichever
test happens to look a place up first). Rich and Typer widths are pinned so tables and help text are stable.
What tests repeat lives in tests/helpers.py.

The suite runs on every core (pytest-xdist: `-n auto --dist loadgroup` in pyproject.toml). Each worker is its own
session with its own basetemp, so each builds its own gazetteer (~3.5 s of CPU, on its own core at the same time as
the other's: a shared build behind a lock would make the second worker wait as long). Nothing a test writes is
shared between workers: store, config, data, cache and TMPDIR are the test's own (`isolated`); the wheel build,
which writes build/ and *.egg-info in the checkout, is one xdist group (tests/test_packaging.py). A run naming
only test ids (`pytest tests/x.py::test_y`) stays in one process: starting workers would cost more than it saves.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

os.environ["COLUMNS"] = "120"
os.environ["TERMINAL_WIDTH"] = "120"
os.environ["NO_COLOR"] = "1"
os.environ.pop("ADVOCATE_DB_KEY", None)

from tests.helpers import cli_runner


def pytest_xdist_auto_num_workers(config):
    """`-n auto` for the whole suite or a folder; no workers when every argument names a test (`file::test`)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # the user's number, read by xdist itself
    if config.args and all("::" in str(arg) for arg in config.args):
        return 0
    return None


@pytest.fixture(scope="session")
def gazetteer_cache(tmp_path_factory) -> Path:
    """The cache dir every test shares, with the offline gazetteer already built in it."""
    from advocate.geo import gazetteer

    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("ADVOCATE_CACHE_DIR")
    os.environ["ADVOCATE_CACHE_DIR"] = str(folder)
    try:
        gazetteer.connection()
    finally:
        if before is None:
            os.environ.pop("ADVOCATE_CACHE_DIR")
        else:
            os.environ["ADVOCATE_CACHE_DIR"] = before
    return folder


@pytest.fixture(autouse=True)
def isolated(tmp_path, tmp_path_factory, monkeypatch, gazetteer_cache):
    monkeypatch.setenv("ADVOCATE_DB", str(tmp_path / "data" / "advocate.db"))
    monkeypatch.setenv("ADVOCATE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ADVOCATE_CACHE_DIR", str(gazetteer_cache))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    # imports stage in TMPDIR and every store open sweeps the staging folders killed imports left there: a test's
    # sweep must see only its own (not another worker's, nor a real import's in /tmp)
    temp = tmp_path_factory.mktemp("tmpdir")  # beside tmp_path, not in it: tests that list tmp_path see only theirs
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.delenv("ADVOCATE_CONFIG", raising=False)
    monkeypatch.delenv("ADVOCATE_DEBUG", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    # C's localtime_r (date.today(), SQLite's 'localtime') keeps the zone of the last tzset: a test that set TZ
    # and read the clock would leave its zone to the next tests of the worker (a report test failed after midnight)
    time.tzset()
    # the interface language comes from these: every test starts in English unless it says otherwise
    for var in ("ADVOCATE_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    from advocate.i18n import set_language

    set_language("en")
    yield tmp_path
    set_language("en")


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch, request):
    """Every test runs with outbound connections refused: advocate must work offline, and a test
    that needs the network (none does) would have to say so with @pytest.mark.network."""
    if request.node.get_closest_marker("network"):
        return
    import socket

    def refuse(*args, **kwargs):
        raise NetworkBlocked(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "data" / "advocate.db"


@pytest.fixture
def store(db_path):
    from advocate.workspace import open_store

    s = open_store(db_path)
    yield s
    s.close()


@pytest.fixture
def cli():
    """Run the CLI in-process: cli("services", "near", "10001", input=None) -> Result (tests/helpers.py)."""
    return cli_runner()
