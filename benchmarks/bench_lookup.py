"""Speed goals, measured (not asserted in tests).

1. Cold wall time of `advocate --help` and `advocate services near 10001` against a minimal
   one-command Typer app in the same environment: medians of interleaved runs, and the ratios.
   Goals: --help <= 1.0x the minimal app; a cold lookup <= 1.1x.
2. In-process latency on synthetic directories of 10k and 100k services: nearest-10 alone, and
   ``services_near`` as a whole (national rows included). Goal: the whole lookup <= 1 ms median at 100k.

benchmarks/run_all.py measures every goal against its baseline in one interleaved run.

Run: python benchmarks/bench_lookup.py [--runs 15] [--sizes 10000,100000]

The package is byte-compiled first (as `pip install` does): with PYTHONDONTWRITEBYTECODE set, an
editable checkout would otherwise recompile every advocate module on every run while Typer's own
modules load from .pyc, which measures the environment rather than the tool.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL_APP = '''
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "x"):
    """Say hello."""
    print(name)
app()
'''


def wall(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def cold_start(runs: int, tmp: Path) -> dict:
    import compileall

    import advocate

    compileall.compile_dir(str(Path(advocate.__file__).parent), quiet=1)
    env = {**os.environ, "ADVOCATE_DB": str(tmp / "bench.db"), "ADVOCATE_CACHE_DIR": str(tmp / "cache")}
    minimal = tmp / "minimal_app.py"
    minimal.write_text(MINIMAL_APP)
    advocate = [sys.executable, "-m", "advocate"]
    subprocess.run([*advocate, "db", "init"], env=env, check=True, capture_output=True)  # build once
    cases = {
        "minimal --help": [sys.executable, str(minimal), "--help"],
        "minimal run": [sys.executable, str(minimal), "--name", "y"],
        "advocate --help": [*advocate, "--help"],
        "advocate services near 10001": [*advocate, "services", "near", "10001", "-f", "json"],
    }
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(runs):  # interleaved, so drift hits every case alike
        for name, cmd in cases.items():
            times[name].append(wall(cmd, env))
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "median_s": med,
        "help_ratio": med["advocate --help"] / med["minimal --help"],
        "lookup_ratio": med["advocate services near 10001"] / med["minimal run"],
    }


def synthetic_store(path: Path, n: int, seed: int = 7):
    from advocate.workspace import open_store

    store = open_store(path)
    rnd = random.Random(seed)
    cats = ["shelter", "medical", "legal-immigration", "mental-health", "food", "consular"]
    langs = ["eng", "spa", "mxt", "zai", "quc", "mam"]
    with store.write():
        c = store.conn
        c.executemany("INSERT INTO services (id, name, source, source_id, last_verified) VALUES (?, ?, 'bench', ?, '2026-10-01')",
                      ((f"b{i}", f"Service {i}", str(i)) for i in range(n)))
        # continental US box
        c.executemany("INSERT INTO locations (id, latitude, longitude) VALUES (?, ?, ?)",
                      ((f"l{i}", rnd.uniform(25, 49), rnd.uniform(-124, -67)) for i in range(n)))
        c.executemany("INSERT INTO service_at_location (service_id, location_id) VALUES (?, ?)",
                      ((f"b{i}", f"l{i}") for i in range(n)))
        c.executemany("INSERT INTO service_categories VALUES (?, ?)", ((f"b{i}", rnd.choice(cats)) for i in range(n)))
        c.executemany("INSERT INTO service_languages VALUES (?, ?, 'staff')", ((f"b{i}", rnd.choice(langs)) for i in range(n)))
    return store


def nearest_latency(sizes: list[int], tmp: Path, queries: int = 2000) -> dict:
    from advocate.directory.search import Filters, nearest_ids

    out = {}
    for n in sizes:
        store = synthetic_store(tmp / f"syn{n}.db", n)
        rnd = random.Random(1)
        pts = [(rnd.uniform(26, 48), rnd.uniform(-123, -68)) for _ in range(queries)]
        f = Filters()
        samples = []
        for lat, lon in pts:
            t = time.perf_counter()
            nearest_ids(store.conn, lat, lon, 20000.0, 10, f)
            samples.append(time.perf_counter() - t)
        fc = Filters.parse(["shelter"], ["es"])
        filtered = []
        for lat, lon in pts[:500]:
            t = time.perf_counter()
            nearest_ids(store.conn, lat, lon, 20000.0, 10, fc)
            filtered.append(time.perf_counter() - t)
        # the whole lookup a user runs: nearest local rows, their details, geodesic distances, national rows
        from advocate.directory.search import services_near
        from advocate.geo.resolve import Place

        whole = []
        for lat, lon in pts[:500]:
            place = Place(query="bench", latitude=lat, longitude=lon, label="bench", kind="coordinates",
                          source="input", country="US")
            t = time.perf_counter()
            services_near(store, place, within_km=80.47, limit=10)
            whole.append(time.perf_counter() - t)
        out[n] = {"nearest10_median_ms": statistics.median(samples) * 1000,
                  "services_near_median_ms": statistics.median(whole) * 1000,
                  "nearest10_p95_ms": sorted(samples)[int(0.95 * len(samples))] * 1000,
                  "nearest10_filtered_median_ms": statistics.median(filtered) * 1000}
        store.close()
    return out


def whole_lookup(db: Path, queries: int = 1000, seed: int = 1) -> dict:
    """``services_near`` as a user runs it (nearest local rows, their details, geodesic distances, the
    national rows), in process, over the store at ``db``: median and p95 in ms."""
    from advocate.directory.search import services_near
    from advocate.geo.resolve import Place
    from advocate.workspace import open_store

    store = open_store(db)
    rnd = random.Random(seed)
    pts = [(rnd.uniform(26, 48), rnd.uniform(-123, -68)) for _ in range(queries)]
    samples = []
    for lat, lon in pts:
        place = Place(query="bench", latitude=lat, longitude=lon, label="bench", kind="coordinates",
                      source="input", country="US")
        t = time.perf_counter()
        services_near(store, place, within_km=80.47, limit=10)
        samples.append(time.perf_counter() - t)
    store.close()
    samples.sort()
    return {"median_ms": statistics.median(samples) * 1000, "p95_ms": samples[int(0.95 * len(samples))] * 1000}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--skip-cold", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        os.environ["ADVOCATE_CACHE_DIR"] = str(tmp / "cache")
        if not args.skip_cold:
            cs = cold_start(args.runs, tmp)
            print("cold start, median of", args.runs, "interleaved runs:")
            for k, v in cs["median_s"].items():
                print(f"  {k:32s} {v * 1000:7.1f} ms")
            print(f"  --help ratio  {cs['help_ratio']:.2f}x  (goal <= 1.0x)")
            print(f"  lookup ratio  {cs['lookup_ratio']:.2f}x  (goal <= 1.1x)")
        for n, r in nearest_latency([int(s) for s in args.sizes.split(",")], tmp).items():
            print(f"nearest-10 over {n:>7,} services: median {r['nearest10_median_ms']:.3f} ms, "
                  f"p95 {r['nearest10_p95_ms']:.3f} ms, with -c shelter -l es {r['nearest10_filtered_median_ms']:.3f} ms"
                  "")
            print(f"services_near (whole lookup, national rows included) over {n:>7,}: median "
                  f"{r['services_near_median_ms']:.3f} ms  (goal <= 1 ms at 100k)")


if __name__ == "__main__":
    main()
