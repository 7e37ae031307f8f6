"""Batch lookups and large imports, measured.

1. `advocate services batch` end to end (a real process, CSV in, CSV out): 10,000 ZIP rows, nearest 5,
   over a synthetic 100k-service directory. Target: 5,000+ locations per second.
2. Importing a synthetic 100k-service HSDS export: time and peak memory (ru_maxrss), with 20k and
   100k services, to see memory stay roughly flat per service.

Run: python benchmarks/bench_batch.py [--rows 10000] [--services 100000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import synthetic_store  # noqa: E402


def bench_batch(tmp: Path, rows: int, services: int) -> dict:
    from advocate.geo import gazetteer

    db = tmp / "batch.db"
    synthetic_store(db, services).close()
    conn = gazetteer.connection()
    zips = [r[0] for r in conn.execute("SELECT zip FROM zips WHERE active = 1 AND latitude BETWEEN 25 AND 49"
                                       " AND longitude BETWEEN -124 AND -67")]
    rnd = random.Random(3)
    src = tmp / "in.csv"
    with src.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "zip"])
        for i in range(rows):
            w.writerow([f"K{i:05d}", rnd.choice(zips)])
    env = {**os.environ, "ADVOCATE_DB": str(db)}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "advocate", "services", "batch", str(src), "--location-column", "zip",
                          "-n", "5", "--within", "500mi"], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    lines = out.stdout.count("\n") - 1
    return {"rows": rows, "services": services, "seconds": elapsed, "rows_per_s": rows / elapsed,
            "output_rows": lines, "exit": out.returncode}


def write_export(folder: Path, n: int):
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(5)
    with (folder / "services.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "organization_id", "name", "description"])
        for i in range(n):
            w.writerow([i, i % 500, f"Service {i}", "Food pantry and shelter referrals"])
    with (folder / "organizations.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name"])
        for i in range(500):
            w.writerow([i, f"Org {i}"])
    with (folder / "locations.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "latitude", "longitude"])
        for i in range(n):
            w.writerow([i, rnd.uniform(25, 49), rnd.uniform(-124, -67)])
    with (folder / "service_at_location.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "service_id", "location_id"])
        for i in range(n):
            w.writerow([i, i, i])
    with (folder / "languages.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "service_id", "language"])
        for i in range(n):
            w.writerow([i, i, "Spanish, English"])


def bench_import(tmp: Path, n: int) -> dict:
    """`advocate services import` in its own process; peak RSS of that process (ru_maxrss of the child)."""
    folder = tmp / f"export{n}"
    write_export(folder, n)
    db = tmp / f"import{n}.db"
    env = {**os.environ, "ADVOCATE_DB": str(db)}
    subprocess.run([sys.executable, "-m", "advocate", "db", "init"], env=env, capture_output=True, check=True)
    code = ("import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            f"p = subprocess.run([sys.executable, '-m', 'advocate', 'services', 'import', {str(folder)!r}, '-f', 'json'],"
            " capture_output=True, text=True)\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    secs, kib, rc = out.stdout.split()
    return {"services": n, "seconds": float(secs), "peak_mib": int(kib) / 1024, "exit": int(rc)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--services", type=int, default=100_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        os.environ.setdefault("ADVOCATE_CACHE_DIR", str(tmp / "cache"))
        b = bench_batch(tmp, args.rows, args.services)
        print(f"batch: {b['rows']:,} ZIP rows x nearest 5 over {b['services']:,} services: {b['seconds']:.2f} s, "
              f"{b['rows_per_s']:,.0f} rows/s (target 5,000+), {b['output_rows']:,} output rows, exit {b['exit']}")
        for n in (args.services // 5, args.services):
            r = bench_import(tmp, n)
            print(f"import: {r['services']:,} services in {r['seconds']:.1f} s "
                  f"({r['services'] / r['seconds']:,.0f}/s), peak RSS {r['peak_mib']:.0f} MiB, exit {r['exit']}")


if __name__ == "__main__":
    main()
