"""What lives beside the store - the batch grid cache, the lock, the list of copies - and the paths advocate
remembers (a sheet that `services sync` reads again), attacked: planted symbolic links, forged or damaged
caches, files swapped under a remembered path, time zones that are not zones (issue 14, attacker's pass)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from advocate.directory import batch
from advocate.directory.search import Filters
from advocate.store import copies, sidecache
from tests.helpers import check_failure as check
from tests.helpers import put_service as add_service
from tests.helpers import store_digest as digest


@pytest.fixture
def directory(store):
    rnd = random.Random(3)
    for i in range(60):
        add_service(store, f"g{i:03d}", rnd.uniform(33, 36), rnd.uniform(-99, -95))
    return store


def _grid(store):
    return batch.directory_grid(store, Filters())


def _answers(store):
    return _grid(store).nearest(34.5, -97.0, 5, 200)


def _built(monkeypatch) -> list:
    built: list = []
    real = batch.index_points
    monkeypatch.setattr(batch, "index_points", lambda *a: built.append(1) or real(*a))
    return built


# --- the grid cache ----------------------------------------------------------------------------------------


def test_the_grid_cache_does_not_make_a_purge_fail(cli, directory):
    """The grid is listed among the store's copies; it holds services and places only, so a purge must not
    report it as a copy still holding the client (every purge exited 1 naming <store>.grid)."""
    _grid(directory)
    grid = sidecache.cache_path(directory, "grid")
    assert grid.exists()
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("clients", "purge", code, "--yes")
    assert r.exit_code == 0, r
    assert ".grid" not in r.stderr
    other = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("clients", "purge", other, "--yes", "--everywhere")
    assert r.exit_code == 0 and ".grid" not in r.stderr, r
    assert grid.exists()  # --everywhere has nothing to remove from it either


def test_a_store_copied_over_the_grid_name_is_still_a_copy(cli, directory, db_path):
    _grid(directory)
    code = cli("clients", "new", "-f", "json").json()["code"]
    grid = sidecache.cache_path(directory, "grid")
    from advocate.store import backup

    backup(directory, grid.parent / "elsewhere.db")
    os.replace(grid.parent / "elsewhere.db", grid)  # a copy of the store now sits at the cache's name
    r = cli("clients", "purge", code, "--yes")
    assert r.exit_code == 1 and str(grid.resolve()) in r.stderr, r


def test_a_damaged_cache_of_the_same_length_is_not_believed(directory, monkeypatch):
    right = _answers(directory)
    grid = sidecache.cache_path(directory, "grid")
    data = bytearray(grid.read_bytes())
    head = data.index(b"\n", data.index(b"\n") + 1) + 1  # after the key and the digest
    for i in range(head + 200, head + 240):  # coordinates flipped, length kept
        data[i] ^= 0x55
    grid.write_bytes(bytes(data))
    built = _built(monkeypatch)
    assert _answers(directory) == right and built


def test_a_planted_symlink_at_the_cache_is_neither_read_nor_written_through(directory, tmp_path, monkeypatch):
    right = _answers(directory)
    grid = sidecache.cache_path(directory, "grid")
    forged = tmp_path / "forged"
    forged.write_bytes(grid.read_bytes())  # a valid cache for this very state, reached through a link
    os.chmod(forged, 0o600)
    grid.unlink()
    grid.symlink_to(forged)
    before = forged.read_bytes()
    built = _built(monkeypatch)
    assert _answers(directory) == right and built  # not read through the link: built again
    assert forged.read_bytes() == before  # and the link's target never written
    assert not grid.is_symlink() and grid.is_file() and (grid.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("mode", [0o640, 0o606, 0o622])
def test_a_cache_others_could_read_or_write_is_not_believed(directory, monkeypatch, mode):
    right = _answers(directory)
    grid = sidecache.cache_path(directory, "grid")
    os.chmod(grid, mode)
    built = _built(monkeypatch)
    assert _answers(directory) == right and built


def test_a_store_put_back_with_its_old_time_makes_the_cache_stale(directory):
    """cp -p / touch -r give the store back an old modification time; the change time still moves."""
    directory.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = directory.path
    before = sidecache.state(directory)
    st = os.stat(path)
    with open(path, "r+b") as fh:  # same size, same inode, one byte of the last page changed
        fh.seek(st.st_size - 1)
        last = fh.read(1)
        fh.seek(st.st_size - 1)
        fh.write(bytes([last[0] ^ 1]))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_mtime_ns == st.st_mtime_ns
    assert sidecache.state(directory) != before


def test_a_new_store_at_the_path_of_a_deleted_one_drops_its_cache(cli, directory, db_path):
    _grid(directory)
    grid = sidecache.cache_path(directory, "grid")
    assert grid.exists()
    directory.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    assert cli("db", "init").exit_code == 0
    assert not grid.exists()


# --- the lock and the list of copies ------------------------------------------------------------------------


def test_a_symlink_at_the_lock_never_empties_its_target(db_path, tmp_path):
    from advocate.store import lock
    from advocate.workspace import open_store

    victim = tmp_path / "notes.txt"
    victim.write_text("case notes the user keeps\n")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock.lock_path(db_path).symlink_to(victim)
    with open_store(db_path) as s, lock.exclusive(s.path, "a test conversion", 5):
        pass
    assert victim.read_text() == "case notes the user keeps\n"
    assert not lock.lock_path(db_path).is_symlink()


def test_a_symlink_at_the_list_of_copies_never_writes_its_target(cli, db_path, tmp_path):
    victim = tmp_path / "notes.txt"
    victim.write_text('{"path": "/etc/hostname", "kind": "backup"}\n')
    assert cli("db", "init").exit_code == 0
    copies.registry_path(db_path).symlink_to(victim)
    assert "/etc/hostname" not in {e["path"] for e in copies.list_copies(db_path)}  # never read through the link
    assert cli("db", "backup").exit_code == 0
    assert victim.read_text() == '{"path": "/etc/hostname", "kind": "backup"}\n'
    assert not copies.registry_path(db_path).is_symlink()
    assert len(copies.list_copies(db_path)) == 1


def test_purge_everywhere_never_overwrites_what_a_copy_was_swapped_for(cli, db_path, tmp_path):
    code = cli("clients", "new", "-f", "json").json()["code"]
    assert cli("db", "backup").exit_code == 0
    [entry] = copies.list_copies(db_path)
    victim = tmp_path / "thesis.txt"
    victim.write_text("a file of the user's own\n")
    Path(entry["path"]).unlink()
    Path(entry["path"]).symlink_to(victim)  # the listed backup is now a link to another file
    r = cli("clients", "purge", code, "--yes", "--everywhere")
    check(r)
    assert victim.read_text() == "a file of the user's own\n"


def test_a_registry_others_can_write_is_not_believed(cli, db_path):
    assert cli("db", "backup").exit_code == 0
    reg = copies.registry_path(db_path)
    reg.write_text('{"path": "/etc/hostname", "kind": "backup"}\n')
    os.chmod(reg, 0o666)
    assert "/etc/hostname" not in {e["path"] for e in copies.list_copies(db_path)}


# --- time zones ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tz", ["posixrules", "localtime", "Factory", "posix/America/Chicago", "right/UTC",
                                "/usr/share/zoneinfo/America/Chicago", "zone.tab", "leapseconds", "tzdata.zi"])
def test_only_real_iana_zone_names_are_accepted(cli, db_path, tz):
    code = cli("clients", "new", "-f", "json").json()["code"]
    before = digest(db_path)
    r = cli("appt", "log", "--client", code, "--when", "2026-12-01 10:00", "--type", "court", "--duration", "30",
            "--tz", tz)
    assert r.exit_code == 2 and "is not a time zone" in r.stderr, r
    assert "Traceback" not in r.stderr and digest(db_path) == before


def test_a_zone_name_in_another_case_is_the_zone(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("appt", "log", "--client", code, "--when", "2026-12-01 10:00", "--type", "court", "--duration", "30",
            "--tz", "america/chicago", "-f", "json")
    assert r.exit_code == 0, r
    assert cli("appt", "list", "-f", "json").json()[0]["tz"] == "America/Chicago"


@pytest.mark.parametrize("env, zone", [(":America/Tijuana", "America/Tijuana"), ("posixrules", None),
                                       ("localtime", None), ("UTC", "UTC")])
def test_the_machine_zone_is_a_real_zone(monkeypatch, env, zone):
    from advocate.appointments.log import local_zone_name

    monkeypatch.setenv("TZ", env)
    name = local_zone_name()
    assert name not in ("posixrules", "localtime", "Factory")
    if zone:
        assert name == zone


# --- a remembered sheet read again by `services sync` ------------------------------------------------------


@pytest.fixture
def sheet_source(cli, tmp_path):
    folder = tmp_path / "sheets"
    folder.mkdir()
    path = folder / "lista.csv"
    path.write_text("ID,Nombre,Ciudad,Estado\nA1,Albergue Uno,Miami,FL\n")
    assert cli("services", "import", path, "--source", "ids").exit_code == 0
    return path


def test_sync_refuses_a_sheet_swapped_for_a_link(cli, db_path, tmp_path, sheet_source):
    other = tmp_path / "other.csv"
    other.write_text("ID,Nombre,Ciudad,Estado\nA1,Albergue Uno,Homestead,FL\nA2,Casa Dos,Miami,FL\n")
    sheet_source.unlink()
    sheet_source.symlink_to(other)
    before = digest(db_path)
    r = cli("services", "sync", "ids", "-f", "json")
    check(r)
    report = r.json()[0]
    assert report["status"] == "failed" and "now leads to" in report["error"] and str(other) in report["error"]
    assert digest(db_path) == before


def test_sync_refuses_a_sheet_swapped_for_a_pipe(cli, db_path, sheet_source):
    sheet_source.unlink()
    os.mkfifo(sheet_source)  # reading it would wait for a writer forever
    r = cli("services", "sync", "ids", "-f", "json")
    check(r)
    assert r.json()[0]["status"] == "failed" and "pipe" in r.json()[0]["error"]


def test_sync_of_a_sheet_swapped_for_the_store_is_refused(cli, db_path, sheet_source):
    before = digest(db_path)
    sheet_source.unlink()
    os.link(db_path, sheet_source)  # a hard link: the same file as the store, under the sheet's name
    r = cli("services", "sync", "ids", "-f", "json")
    check(r)
    assert r.json()[0]["status"] == "failed" and "store" in r.json()[0]["error"]
    assert digest(db_path) == before
