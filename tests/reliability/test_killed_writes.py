"""Nothing a killed command wrote is left behind unnamed, every file advocate makes is owner-only even under
umask 000, purge says which copies it could see, and the store's own warnings speak Spanish (issue 14)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from advocate.files import PartialWrite, partial_writes
from tests.helpers import REPO


def _killed(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh Python with this test's environment; it ends by SIGKILL-ing itself."""
    prelude = "import os, signal\ndef die():\n    os.kill(os.getpid(), signal.SIGKILL)\n"
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=REPO, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)


def _parts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".part") or ".part-" in p.name)


def test_an_export_killed_mid_write_is_removed_by_the_next_command(cli, tmp_path):
    out = tmp_path / "elsewhere"
    out.mkdir()
    r = _killed(f"""
        from advocate.files import open_private
        with open_private({str(out / "appointments.csv")!r}, "w") as fh:
            fh.write("id,client\\n1,C-7K3M9Q\\n" * 500)
            fh.flush()
            die()
    """)
    assert r.returncode == -9, r.stderr
    [part] = _parts(out)  # the half-written export, outside the store's folder
    assert part.name.startswith(".appointments.csv.")
    assert partial_writes(remove=False) == [part]
    r = cli("clients", "list")
    assert r.exit_code == 0, r
    assert "removed 1 half-written file left by an interrupted command" in r.stderr and str(part) in r.stderr
    assert _parts(out) == [] and not (out / "appointments.csv").exists()
    assert partial_writes(remove=False) == []
    assert "half-written" not in cli("clients", "list").stderr  # said once


def test_a_backup_killed_mid_copy_leaves_no_copy_of_the_store(cli, db_path, tmp_path):
    code = cli("clients", "new", "-f", "json").json()["code"]
    usb = tmp_path / "usb"
    usb.mkdir()
    r = _killed(f"""
        from advocate.store import backup
        from advocate.workspace import open_store

        store = open_store({str(db_path)!r})
        real = store.conn

        class Dies:
            def __getattr__(self, name):
                return getattr(real, name)

            def backup(self, target):
                real.backup(target)  # the whole store is in the temporary file now
                die()

        store.conn = Dies()
        backup(store, {str(usb / "copy.db")!r})
    """)
    assert r.returncode == -9, r.stderr
    parts = _parts(usb)
    assert parts and any(code.encode() in p.read_bytes() for p in parts)
    r = cli("clients", "purge", code, "--yes")
    assert r.exit_code == 0, r
    assert "half-written" in r.stderr
    assert _parts(usb) == [] and list(usb.iterdir()) == []


def test_a_write_still_running_is_left_alone(tmp_path):
    tmp = tmp_path / ".out.csv.abc123.part"
    tmp.write_text("half")
    note = PartialWrite(tmp)
    try:
        assert partial_writes(remove=True) == [] and tmp.exists()  # its note is locked: the writer is alive
    finally:
        note.done()
    assert partial_writes(remove=False) == []  # a finished write leaves no note


def test_a_note_never_removes_a_file_advocate_did_not_name(tmp_path):
    """A note (a crash, or an edit) that names some other file removes nothing."""
    precious = tmp_path / "thesis.txt"
    precious.write_text("mine")
    link = tmp_path / ".x.part"
    link.symlink_to(precious)
    for victim in (precious, link):
        note = PartialWrite(victim)
        note._fd and os.close(note._fd)  # as if its writer died
        note._fd = None
        partial_writes(remove=True)
    assert precious.read_text() == "mine"


def test_purge_says_which_copies_it_could_see(cli, db_path, tmp_path):
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("clients", "purge", code, "--yes")
    assert r.exit_code == 0, r
    assert "advocate made no copy of the store" in r.stderr and "cp" in r.stderr
    code = cli("clients", "new", "-f", "json").json()["code"]
    assert cli("db", "backup", f"{tmp_path}/usb/").exit_code == 0
    r = cli("clients", "purge", code, "--yes", "--everywhere")
    assert r.exit_code == 0, r
    [copy] = (tmp_path / "usb").iterdir()
    assert "advocate looked in the 1 copy of the store it made" in r.stderr and str(copy) in r.stderr
    assert "cannot be seen by advocate" in r.stderr


def test_store_warnings_are_in_spanish(cli, db_path, tmp_path):
    assert cli("db", "init").exit_code == 0
    os.chmod(db_path, 0o644)
    out = tmp_path / "o"
    out.mkdir()
    _killed(f"""
        from advocate.files import open_private
        with open_private({str(out / "x.csv")!r}, "w") as fh:
            fh.write("x")
            fh.flush()
            die()
    """)
    r = cli("--lang", "es", "clients", "list")
    assert "otros usuarios pueden leer el almacén" in r.stderr, r
    assert "se borró 1 archivo a medio escribir" in r.stderr, r
    assert "can be read by other users" not in r.stderr and "half-written" not in r.stderr


def test_store_errors_are_in_spanish(cli, db_path):
    import sqlite3

    from advocate.i18n import set_language
    from advocate.store import explain_sqlite_error

    set_language("es")
    try:
        said = {str(explain_sqlite_error(sqlite3.OperationalError(t), db_path)) for t in
                ("attempt to write a readonly database", "database or disk is full", "database disk image is malformed",
                 "database is locked", "unable to open database file", "something else")}
        unsaid = str(explain_sqlite_error(sqlite3.OperationalError("database is locked")))
    finally:
        set_language("en")
    assert all("almacén" in s for s in said) and len(said) == 6, said
    assert unsaid == "el almacén está ocupado (otro programa está escribiendo en él); intente de nuevo"


def test_every_file_is_owner_only_under_umask_000(cli, db_path, tmp_path):
    old = os.umask(0)
    try:
        deep = tmp_path / "a" / "b" / "store.db"
        cli_db = ["--db", deep]
        assert cli(*cli_db, "db", "init").exit_code == 0
        code = cli(*cli_db, "clients", "new", "-f", "json").json()["code"]
        assert cli(*cli_db, "appt", "log", "--client", code, "--when", "2026-12-01 10:00", "--type", "court",
                   "--duration", "30", "--tz", "America/Chicago").exit_code == 0
        assert cli(*cli_db, "db", "backup").exit_code == 0
        assert cli(*cli_db, "db", "backup", f"{tmp_path}/usb/new/").exit_code == 0
        assert cli(*cli_db, "appointments", "export", "--ics", tmp_path / "cal.ics").exit_code == 0
        r = cli(*cli_db, "appointments", "export", "--ics", f"{tmp_path}/out/cal/")  # a new folder: made 0700
        assert r.exit_code == 0, r  # (it was refused: "the folder .../out/cal does not exist")
        assert (tmp_path / "out" / "cal" / "appointments.ics").is_file()
        assert cli(*cli_db, "checklist", "show", "intake", "-f", "html", "-o", f"{tmp_path}/sheets/").exit_code == 0
        assert cli(*cli_db, "services", "export", tmp_path / "export").exit_code == 0
        from advocate.directory import batch
        from advocate.directory.search import Filters
        from advocate.workspace import open_store

        with open_store(deep) as s:
            batch.directory_grid(s, Filters())
    finally:
        os.umask(old)
    loose = []
    for root, dirs, files in os.walk(tmp_path):
        for name in dirs + files:
            p = Path(root) / name
            if p.is_symlink():
                continue
            if stat.S_IMODE(p.lstat().st_mode) & 0o077:
                loose.append(f"{p.relative_to(tmp_path)} {stat.S_IMODE(p.lstat().st_mode):o}")
    assert loose == []
    assert (deep.with_name("store.db.grid")).exists()


def test_a_killed_dry_run_scratch_store_is_removed(cli, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    tempfile.tempdir = None
    try:
        sheet = tmp_path / "lista.csv"
        sheet.write_text("Nombre,Ciudad,Estado\nAlbergue Uno,Miami,FL\n")
        r = _killed(f"""
            import advocate.directory.hsds as hsds
            real = hsds.import_directory

            def dies(*a, **k):
                die()

            hsds.import_directory = dies
            from advocate.cli.main import app
            app(["--db", {str(tmp_path / "none" / "store.db")!r}, "services", "import", {str(sheet)!r}, "--dry-run"])
        """)
        assert r.returncode == -9, r.stderr
        assert [p.name[:17] for p in (tmp_path / "tmp").iterdir()] == ["advocate-dry-run-"]
        assert not (tmp_path / "none").exists()  # a dry run makes no store
        r = cli("clients", "list")
        assert r.exit_code == 0, r
        assert "removed 1 temporary folder" in r.stderr
        assert list((tmp_path / "tmp").iterdir()) == []
    finally:
        tempfile.tempdir = None



def test_staging_cleanup_removes_only_what_staging_made(cli, tmp_path, monkeypatch):
    """TMPDIR may be the home folder: a folder of the user's own named advocate-import-..., or one others can
    read, is never taken for a killed import's."""
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    tempfile.tempdir = None
    try:
        kept = [tmp / "advocate-import-notes", tmp / "advocate-api-2026-backup", tmp / "advocate-import-abcd1234"]
        for folder in kept:
            folder.mkdir(mode=0o755)
            os.chmod(folder, 0o755)  # the last one is named like staging, but staging makes folders 0700
            (folder / "mine.txt").write_text("the user's own")
            os.utime(folder, (os.path.getmtime(folder) - 7200,) * 2)
        gone = tmp / "advocate-import-q8x_2kzz"  # a killed import's, as mkdtemp names and makes it
        gone.mkdir(mode=0o700)
        os.utime(gone, (os.path.getmtime(gone) - 7200,) * 2)
        r = cli("db", "check")
        assert r.exit_code == 0, r
        assert "removed 1 temporary folder" in r.stderr
        assert all((folder / "mine.txt").read_text() == "the user's own" for folder in kept) and not gone.exists()
    finally:
        tempfile.tempdir = None
