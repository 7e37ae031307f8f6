"""What many tests need, in one place: paths, the in-process CLI runner, store set-up, digests and the
subprocess helpers of the crash tests. Test modules import from here, never from one another.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import stat
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "advocate"
FIX = REPO / "tests" / "fixtures"  # the small fixture files the tests import
# Real 211/Open Referral exports. They are never copied into the project: the tests that read them skip when the
# folder is absent. ADVOCATE_TEST_HSDS names it for a checkout that has no ../shared beside it.
SHARED_HSDS = Path(os.environ.get("ADVOCATE_TEST_HSDS") or REPO.parent / "shared" / "data" / "hsds")
MIAMI_211 = SHARED_HSDS / "open211-miami-2019"
needs_shared = pytest.mark.skipif(not SHARED_HSDS.is_dir(),
                                  reason=f"the real HSDS exports are not at {SHARED_HSDS} (set ADVOCATE_TEST_HSDS)")


# --- the CLI, in-process ------------------------------------------------------------------------------------------

class Result:
    """What a CLI run gave: exit code, stdout and stderr apart, and the exception if one escaped."""

    def __init__(self, r: Any):
        self.exit_code = r.exit_code
        self.stdout = r.stdout
        self.stderr = r.stderr
        self.output = r.output
        self.exception = r.exception

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"<Result exit={self.exit_code} stdout={self.stdout[:300]!r} stderr={self.stderr[:300]!r}>"


def cli_runner(env: dict[str, str] | None = None):
    """run(*args, input=None, env=None) -> Result: the CLI in this process (typer's CliRunner)."""
    from typer.testing import CliRunner

    from advocate.cli.main import app

    runner = CliRunner()

    def run(*args: object, input: str | None = None, env: dict[str, str] | None = env) -> Result:
        r = runner.invoke(app, [str(a) for a in args], input=input, env=env, catch_exceptions=True)
        return Result(r)

    return run


def check_failure(r: Result) -> None:
    """A run that failed said why in a sentence on stderr, with exit 1 or 2, and no traceback."""
    assert "Traceback" not in r.stdout + r.stderr
    if r.exit_code != 0:
        assert r.exit_code in (1, 2), r
        assert r.stderr.strip(), "a failure must say why"


def near_rows(cli, place: str, *args: object) -> list[dict]:
    """The rows of `services near PLACE ARGS... -f json`, which must succeed."""
    r = cli("services", "near", place, *args, "-f", "json")
    assert r.exit_code == 0, r
    return r.json()


def offered(cli, place: str, record: str, *args: object) -> bool:
    """Whether `services near PLACE ARGS...` lists the record whose id ends with ``record``."""
    return any(x["id"].endswith(record) for x in near_rows(cli, place, *args))


# --- files and stores ---------------------------------------------------------------------------------------------

def file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


STORE_TABLES = ("services", "clients", "appointments", "checklist_progress")


def store_digest(db_path: Path, tables: Sequence[str] = STORE_TABLES, order: str = "1") -> str:
    """A digest of the rows of ``tables`` (what a failed command must leave as it was)."""
    from advocate.workspace import open_store

    rows: list[str] = []
    with open_store(db_path) as s:
        for t in tables:
            rows += [repr(r) for r in s.conn.execute(f"SELECT * FROM {t} ORDER BY {order}")]
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def count(store, sql: str, *params: object) -> int:
    return store.conn.execute(sql, params).fetchone()[0]


def new_client(db_path: Path) -> str:
    """A client made in the store at ``db_path`` (opened and closed here); its code."""
    from advocate.clients import create_client
    from advocate.workspace import open_store

    with open_store(db_path) as s:
        return create_client(s)["code"]


def put_service(store, sid: str, lat: float, lon: float, *, name: str | None = None, city: str = "Testville",
                cats: Iterable[str] = ("shelter",), staff: Iterable[str] = ("eng",),
                interp: Iterable[str] = ()) -> None:
    """One local service at one location, straight into the store (what an import would write)."""
    with store.write():
        c = store.conn
        c.execute("INSERT INTO services (id, name, source, source_id, last_verified) VALUES (?, ?, 'test', ?, '2026-10-01')",
                  (sid, name or sid, sid))
        c.execute("INSERT INTO locations (id, latitude, longitude, city) VALUES (?, ?, ?, ?)", ("L" + sid, lat, lon, city))
        c.execute("INSERT INTO service_at_location (service_id, location_id) VALUES (?, ?)", (sid, "L" + sid))
        c.executemany("INSERT INTO service_categories VALUES (?, ?)", [(sid, x) for x in cats])
        c.executemany("INSERT INTO service_languages VALUES (?, ?, 'staff')", [(sid, x) for x in staff])
        c.executemany("INSERT INTO service_languages VALUES (?, ?, 'interpretation')", [(sid, x) for x in interp])


def make_v1_store(path: Path) -> None:
    """A store at schema version 1 with one organization, as the first release wrote it."""
    from advocate.store import _connect, _split_sql
    from advocate.store.schema import MIGRATIONS

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = _connect(path)
    for stmt in _split_sql(MIGRATIONS[0][2]):
        conn.execute(stmt)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO organizations (id, name, source) VALUES ('o1', 'Old org', 'test')")
    conn.close()


# --- spreadsheet directories ---------------------------------------------------------------------------------------

SPANISH_HEADER = ["Organización", "Servicios", "Teléfono", "Dirección", "Ciudad", "Estado", "Código postal",
                  "Idiomas", "Horario", "Sitio web", "Correo electrónico", "Notas", "Contacto"]
ROWS = [
    ["Refugio La Esperanza", "Albergue; violencia doméstica", "(305) 555-0100 ext. 2", "100 NW 1st St", "Miami",
     "FL", 33128, "Español, Mixteco", "24 horas", "https://esperanza.example.org", "info@esperanza.example.org",
     "Llamar antes de llegar", "Ana"],
    ["Centro Legal Inmigrante", "Asesoría legal de inmigración", "305-555-0200", "", "Homestead", "Florida", None,
     "Spanish, English, Q'anjob'al", "L-V 9-5", None, None, None, "Luis"],
    ["Clínica del Pueblo", "Salud", "305 555 0300 / 305 555 0301", "", "", "", 2134, "Inglés", "", "", "", "", ""],
    ["Casa del Migrante Tijuana", "Albergue", "+52 664 555 0101", "Calle 2 #100", "Tijuana", "Baja California",
     "22000", "Español", "", "", "", "", ""],
]


def workbook(path, rows=ROWS, header=SPANISH_HEADER, *, title="Recursos", extra_sheet=True):
    """An .xlsx file as people keep their lists: a title, a blank line, the header, blank and heading rows between services."""
    import openpyxl

    wb = openpyxl.Workbook()
    if extra_sheet:
        info = wb.active
        info.title = "Léame"
        info.append(["Este libro lista los recursos de la red."])
        ws = wb.create_sheet(title)
    else:
        ws = wb.active
        ws.title = title
    ws.append(["Directorio de recursos, Miami 2024"])
    ws.append([])
    ws.append(header)
    for n, row in enumerate(rows):
        ws.append(row)
        if n == 0:
            ws.append([None] * len(header))  # blank
            ws.append(["ALBERGUES Y REFUGIOS"])  # a heading across merged cells
    wb.save(path)
    return path


# --- papers a survivor carries ------------------------------------------------------------------------------------

ORG = "Casa Aurora Collective"
# must never be on a paper by default, in either language, in any format
BANNED = ["trafficking", "trata", "violence", "violencia", "victim", "víctima", "immigration", "inmigración",
          "migración", "migratorio", "police", "policía", "HSI", "ICE", ORG, "Casa Aurora"]
LAW_ENFORCEMENT_NUMBERS = ["089", "1-866-347-2423", "802-872-6196"]


def banned_in(text: str) -> list[str]:
    found = []
    for word in BANNED:
        flags = 0 if word.isupper() else re.IGNORECASE
        if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text, flags):
            found.append(word)
    return found


# --- other processes ----------------------------------------------------------------------------------------------

def python(script: str, *args: object, **popen: Any) -> subprocess.Popen:
    """``python -c script args...`` in a child process (text mode, stdout piped unless told otherwise)."""
    popen.setdefault("stdout", subprocess.PIPE)
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], text=True, **popen)


def kill_when(script: str, wanted: str, *args: object, **popen: Any) -> None:
    """Run ``python -c script args...`` until it prints a line containing ``wanted``, then kill -9 it."""
    p = python(script, *args, **popen)
    try:
        wait_for_line(p.stdout, wanted)
    finally:
        p.kill()
        p.wait()


def wait_for_line(pipe: IO[str], wanted: str, timeout: float = 120.0) -> str:
    """Read ``pipe`` until a line containing ``wanted``; fail (not hang) if it does not come within ``timeout``.

    The crash tests kill a process at a point it announces, never after a guessed sleep."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in pipe:
            lines.put(line)
            if wanted in line:
                return
        lines.put("")  # end of output

    threading.Thread(target=read, daemon=True).start()
    seen = []
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line with {wanted!r} within {timeout} s; saw {seen[-5:]!r}") from None
        if not line:
            raise AssertionError(f"the process ended before a line with {wanted!r}; saw {seen[-5:]!r}")
        seen.append(line)
        if wanted in line:
            return line
