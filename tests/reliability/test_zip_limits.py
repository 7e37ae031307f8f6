"""Hostile archives (issue 14): a zip bomb, a line of a gigabyte, too many members, a bad CRC and JSON nested
too deep are each refused with one sentence, while streaming and with little memory, and the store is unchanged."""

from __future__ import annotations

import sqlite3
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.helpers import FIX


def bomb(path: Path, mib: int = 1024, head: bytes = b"id,name\n", name: bytes = b"services.csv") -> Path:
    """A ~1 MB zip whose one member unpacks to ``mib`` MiB of "0" (one line): built from one compressed
    block repeated (a full flush resets the compressor), so it takes a fraction of a second."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    zeros = b"0" * (1 << 20)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    data = first + block * mib + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    size = len(head) + mib * (1 << 20)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0) + name
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(name),
                          0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    path.write_bytes(local + data + central + end)
    return path


def _counts(db_path: Path) -> tuple:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("services", "audit"))
    finally:
        conn.close()


def _config(tmp_path: Path, text: str) -> None:
    cfg = tmp_path / "config"
    cfg.mkdir(exist_ok=True)
    (cfg / "config.toml").write_text(text)


# VmHWM is this process's own peak (ru_maxrss would include the pytest process it was spawned from)
PEAK = """
import sys
from advocate.cli.main import run
sys.argv = ["advocate", "services", "import", sys.argv[1]]
try:
    run()
    code = 0
except SystemExit as exc:
    code = exc.code
peak = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
sys.stderr.write(f"\\nEXIT {code} PEAK_KB {peak}\\n")
"""


def _peak(archive: Path, tmp_path: Path) -> tuple[int, int, str]:
    import os

    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc (Linux)")
    env = {**os.environ, "ADVOCATE_DB": str(tmp_path / "data" / "advocate.db")}
    r = subprocess.run([sys.executable, "-c", PEAK, str(archive)], capture_output=True, text=True, env=env, timeout=120)
    last = r.stderr.strip().splitlines()[-1].split()
    return int(last[1]), int(last[3]), r.stderr


def test_a_one_megabyte_zip_of_a_gigabyte_fails_fast_in_little_memory(cli, db_path, tmp_path):
    cli("db", "check")
    before = _counts(db_path)
    archive = bomb(tmp_path / "bomb.zip")
    assert archive.stat().st_size < 2 * 1024**2 and zipfile.ZipFile(archive).infolist()[0].file_size > 1024**3
    code, peak_kb, err = _peak(archive, tmp_path)
    assert code == 2, err
    assert "zip bomb" in err and "import_max_ratio" in err and "Traceback" not in err
    assert peak_kb < 200 * 1024, f"peak RSS {peak_kb} KB"
    assert _counts(db_path) == before


def test_the_line_cap_holds_while_streaming_a_zip(cli, db_path, tmp_path):
    """With the ratio guard turned off, the gigabyte line is stopped by the line cap as it streams."""
    cli("db", "check")
    before = _counts(db_path)
    _config(tmp_path, "import_max_ratio = 100000\nimport_max_line_mb = 4\n")
    archive = bomb(tmp_path / "bomb.zip", mib=200)
    code, peak_kb, err = _peak(archive, tmp_path)
    assert code == 2, err
    assert "line 2 of services.csv is longer than 4 MB" in err and "import_max_line_mb" in err
    assert peak_kb < 200 * 1024, f"peak RSS {peak_kb} KB"
    assert _counts(db_path) == before


def test_a_long_line_in_a_folder_is_refused_before_it_is_held(cli, db_path, tmp_path):
    cli("db", "check")
    before = _counts(db_path)
    _config(tmp_path, "import_max_line_mb = 1\n")
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "services.csv").write_text("id,name\ns1,Food bank\ns2," + "x" * (3 * 1024**2) + "\n")
    r = cli("services", "import", folder)
    assert r.exit_code == 2, r
    assert "line 3 of services.csv is longer than 1 MB" in r.stderr
    assert _counts(db_path) == before


def test_the_total_and_member_caps(cli, db_path, tmp_path):
    cli("db", "check")
    before = _counts(db_path)
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        z.writestr("services.csv", "id,name\ns1,Food bank\n")
        for i in range(12):
            z.writestr(f"extra/{i}.txt", "x")
    _config(tmp_path, "import_max_members = 10\n")
    r = cli("services", "import", many)
    assert r.exit_code == 2 and "holds 13 files, more than the 10" in r.stderr, r
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("services.csv", "id,name\n" + "".join(f"s{i},Service number {i}\n" for i in range(60_000)))
        z.writestr("locations.csv", "id,name\n" + "".join(f"l{i},Place {i}\n" for i in range(60_000)))
    _config(tmp_path, "import_max_total_mb = 1\n")
    r = cli("services", "import", big)
    assert r.exit_code == 2 and "more than 1 MB of data once unpacked" in r.stderr, r
    assert _counts(db_path) == before


def test_the_caps_are_counted_while_streaming_not_only_from_the_directory(tmp_path):
    """A zip directory that understates a member is still caught by what is actually unpacked."""
    import copy

    from advocate.directory.hsds_read import RATIO_FREE, Limits, _Budget, _CappedMember
    from advocate.errors import InputError

    archive = bomb(tmp_path / "b.zip", mib=64)
    z = zipfile.ZipFile(archive)
    real = z.infolist()[0]
    lying = copy.copy(real)
    lying.compress_size = 10
    member = _CappedMember(z.open(real), lying, _Budget(archive, Limits(ratio=2)))
    with pytest.raises(InputError, match="zip bomb"):
        while member.read(1 << 20):
            pass
    assert member._count <= RATIO_FREE + (1 << 20)
    budget = _Budget(archive, Limits(total_bytes=8 * 1024**2, ratio=10**6))
    member = _CappedMember(z.open(real), real, budget)
    with pytest.raises(InputError, match="more than 8 MB"):
        while member.read(1 << 20):
            pass


def test_a_damaged_zip_and_deep_json_get_one_sentence(cli, db_path, tmp_path):
    cli("db", "check")
    before = _counts(db_path)
    crc = tmp_path / "crc.zip"
    with zipfile.ZipFile(crc, "w") as z:
        z.writestr("services.csv", "id,name\n" + "s1,Food bank\n" * 10)
    data = bytearray(crc.read_bytes())
    data[data.find(b"Food bank")] = ord("X")
    crc.write_bytes(bytes(data))
    r = cli("services", "import", crc)
    assert r.exit_code == 2 and "is damaged (Bad CRC-32" in r.stderr and "unexpected" not in r.stderr, r
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    r = cli("services", "import", deep)
    assert r.exit_code == 2 and "nested too deeply" in r.stderr and "unexpected" not in r.stderr, r
    assert _counts(db_path) == before


def test_a_real_export_zip_is_within_the_default_caps(cli, tmp_path):
    fixtures = FIX / "hsds-1.1-quirks"
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for f in fixtures.rglob("*"):
            if f.is_file():
                z.write(f, f.relative_to(fixtures))
    r = cli("services", "import", archive, "--source", "zipped")
    assert r.exit_code == 0, r


def test_a_huge_folder_or_a_device_is_refused_not_walked_or_read_forever(cli, tmp_path):
    home = tmp_path / "home"
    (home / "deep" / "er").mkdir(parents=True)
    for i in range(12):
        (home / "deep" / "er" / f"note{i}.txt").write_text("x")
    _config(tmp_path, "import_max_members = 10\n")
    r = cli("services", "import", home)
    assert r.exit_code == 2 and "holds more than 10 files; give the export's own folder" in r.stderr, r
    if Path("/dev/zero").exists():
        r = cli("services", "import", "/dev/zero")
        assert r.exit_code == 2 and "is not a folder, a .zip" in r.stderr, r
