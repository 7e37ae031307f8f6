"""Every speed goal of advocate, measured against what a user would run instead, in ONE interleaved run.

The machine this runs on is usually shared and noisy (absolute times vary by a third and more), so
every figure printed is a ratio of medians of runs that alternate with their baseline: drift hits
both sides alike. The baselines (benchmarks/baselines/) are:

* import: ``sqlite-utils`` ``Database(db)[table].insert_all(csv.DictReader(fh))`` per table, in one
  process, on the same export (the Miami 211 export replicated, ~18.5k services, every table);
  the ratio is CPU time (user + system) of the whole process, start-up included on both sides. sqlite-utils imports
  pandas and numpy wherever they are installed (here they are: the batch baseline needs them), ~0.4 s of its CPU
  that loading CSVs does not need, so the same script is also run where it cannot import them, and both ratios print.
* cold lookup: a one-command Typer app (``--help``, and running its command with one option),
  against ``advocate --help`` and ``advocate services near 10001 -f json``.
* batch: the one-file pandas + scipy cKDTree script (baselines/baseline_batch.py) against
  ``advocate services batch FILE --location-column zip -n 5 -f csv`` over a synthetic 100k-service
  store, for 10k nationwide ZIPs, 10k ZIPs of one metro area and 200 rows (wall time).
* in process: ``services_near`` as a whole (national rows included) at 100k services, median ms
  (the one absolute goal: it does not depend on process start-up).
* the API pull (benchmarks/bench_api.py), when present, is run once at the end and its lines printed.
* the spreadsheet import (benchmarks/bench_sheet.py: XLSX and CSV vs pandas.read_excel + to_sql and
  sqlite-utils insert --csv, peak RSS flat in rows), when present, likewise.

Goals: import CPU ratio <= 1.0; cold near <= 1.1x; --help <= 1.0x; batch nationwide <= 0.5x;
services_near <= 1 ms median at 100k.

Run: python benchmarks/run_all.py [--runs 7] [--quick] [--hsds DIR]
(needs pandas, scipy, zipcodes and sqlite-utils in the same environment: pip install pandas scipy)
--quick: 3 rounds, the Miami export replicated 3 times, 2,000 batch rows over 20k services (a smoke
test of the harness and a rough ratio; the goals are stated for the full sizes).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MINIMAL_APP = '''
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "x"):
    """Say hello."""
    print(name)
app()
'''

SQLITE_UTILS = '''
import csv, os, sys
from sqlite_utils import Database
src, out = sys.argv[1], sys.argv[2]
db = Database(out)
for name in sorted(os.listdir(src)):
    if name.endswith(".csv"):
        with open(os.path.join(src, name), newline="", encoding="utf-8-sig") as fh:
            db[name[:-4]].insert_all(csv.DictReader(fh))
'''

# the same, in a process that cannot import pandas or numpy: sqlite-utils imports both wherever they are installed (this
# benchmark's environment has them, for the batch baseline), ~0.4 s of its CPU that loading CSVs does not need
SQLITE_UTILS_BARE = 'import sys\nsys.modules["pandas"] = sys.modules["numpy"] = None\n' + SQLITE_UTILS

DEFAULT_HSDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "hsds" / "open211-miami-2019" / "data"


# Each measured process is started from this small launcher, not from the benchmark process itself:
# a child forked from a large parent reports the parent's memory as its own peak RSS.
LAUNCHER = """
import os, resource, subprocess, sys, time
out = open(sys.argv[1], "wb") if sys.argv[1] != "-" else subprocess.DEVNULL
t = time.perf_counter()
rc = subprocess.call(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, rc)
"""


def run(cmd: list[str], env: dict, out: Path | None = None) -> tuple[float, float, int, int]:
    """(wall s, CPU s of the child, peak RSS KiB, exit status) of one process."""
    p = subprocess.run([sys.executable, "-c", LAUNCHER, str(out) if out else "-", *cmd], env=env,
                       capture_output=True, text=True, check=True)
    wall, cpu, rss, rc = p.stdout.split()
    return float(wall), float(cpu), int(rss), int(rc)


TEXT_TABLES = ("services", "organizations", "locations")
TEXT_COLUMNS = ("name", "alternate_name", "description")


def replicate(src: Path, dst: Path, copies: int) -> int:
    """The export at ``src`` copied ``copies`` times into one export at ``dst``: every id column
    (``id`` and ``*_id``) of copy k > 0 gets the suffix ``~k``, so the copies are distinct services
    that keep every link between tables; taxonomy codes are a shared vocabulary and stay as they are.
    The names and descriptions of services, organizations and places of copy k > 0 end in " (k+1)", so no
    cache keyed on a record's own text (the category classifier's) answers a copy from the first one: a real
    export of that size has each of its texts once. Returns the number of services."""
    dst.mkdir(parents=True, exist_ok=True)
    services = 0
    for f in sorted(src.glob("*.csv")):
        with f.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        head, body = rows[0], rows[1:]
        vocabulary = f.stem in ("taxonomy", "taxonomy_terms")  # codes of a shared vocabulary: written once
        ids = [i for i, h in enumerate(head) if (h == "id" or h.endswith("_id")) and h != "taxonomy_id"]
        texts = [i for i, h in enumerate(head) if h in TEXT_COLUMNS] if f.stem in TEXT_TABLES else []
        with (dst / f.name).open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(head)
            for k in range(1 if vocabulary else copies):
                for r in body:
                    if k:
                        r = list(r)
                        for i in ids:
                            if i < len(r) and r[i].strip():
                                r[i] = f"{r[i].strip()}~{k}"
                        for i in texts:
                            if i < len(r) and r[i].strip():
                                r[i] = f"{r[i]} ({k + 1})"
                    w.writerow(r)
        if f.name == "services.csv":
            services = len(body) * copies
    return services


def zip_rows(path: Path, rows: int, box) -> None:
    from bench_batch import write_zip_rows

    write_zip_rows(path, rows, box)


class Case:
    def __init__(self, name, cmd, env, *, before=None, metric="wall", out=None):
        self.name, self.cmd, self.env, self.before, self.metric, self.out = name, cmd, env, before, metric, out
        self.samples: list[float] = []
        self.rss: list[int] = []
        self.status = 0

    def once(self):
        if self.before:
            self.before()
        wall, cpu, rss, rc = run(self.cmd, self.env, self.out)
        self.samples.append(cpu if self.metric == "cpu" else wall)
        self.rss.append(rss)
        self.status = self.status or rc

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=None, help="interleaved rounds (default 7; 3 with --quick)")
    ap.add_argument("--quick", action="store_true", help="small sizes and 3 rounds: a rough check")
    ap.add_argument("--hsds", type=Path, default=DEFAULT_HSDS, help="an HSDS CSV export to replicate (Miami 211)")
    ap.add_argument("--copies", type=int, default=None, help="times the export is replicated (default 10; 3 quick)")
    ap.add_argument("--services", type=int, default=None, help="synthetic directory size (default 100,000)")
    ap.add_argument("--rows", type=int, default=None, help="batch rows (default 10,000)")
    ap.add_argument("--only", default="import,cold,batch,near,api,sheet", help="comma-separated parts to run")
    args = ap.parse_args(argv)
    runs = args.runs or (3 if args.quick else 7)
    copies = args.copies or (3 if args.quick else 10)
    services = args.services or (20_000 if args.quick else 100_000)
    nrows = args.rows or (2_000 if args.quick else 10_000)
    parts = set(args.only.split(","))
    py = sys.executable

    import compileall

    import advocate

    compileall.compile_dir(str(Path(advocate.__file__).parent), quiet=1)  # as pip install leaves it
    import os as _os

    print(f"advocate benchmarks, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {_os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}, {runs} interleaved rounds{' (--quick)' if args.quick else ''}")
    with tempfile.TemporaryDirectory(prefix="advocate-bench-") as d:
        tmp = Path(d)
        base_env = {**os.environ, "XDG_DATA_HOME": str(tmp / "data"), "XDG_CONFIG_HOME": str(tmp / "cfg"),
                    "XDG_CACHE_HOME": str(tmp / "cache"), "ADVOCATE_CACHE_DIR": str(tmp / "cache")}
        os.environ.update({k: base_env[k] for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                                                    "ADVOCATE_CACHE_DIR")})
        cases: list[Case] = []
        big = tmp / "big.db"
        if parts & {"cold", "batch", "near"}:
            from bench_lookup import synthetic_store

            t = time.perf_counter()
            synthetic_store(big, services).close()
            print(f"  (a synthetic store of {services:,} services built in {time.perf_counter() - t:.1f} s)")
        big_env = {**base_env, "ADVOCATE_DB": str(big)}
        if "import" in parts:
            export = tmp / "export"
            n = replicate(args.hsds, export, copies)
            empty = tmp / "empty.db"
            subprocess.run([py, "-m", "advocate", "db", "init"], env={**base_env, "ADVOCATE_DB": str(empty)},
                           check=True, capture_output=True)
            target = tmp / "import.db"
            su_out = tmp / "su.db"
            su_script = tmp / "su_import.py"
            su_script.write_text(SQLITE_UTILS)
            su_bare = tmp / "su_import_bare.py"
            su_bare.write_text(SQLITE_UTILS_BARE)

            def fresh_store():
                for p in tmp.glob("import.db*"):
                    p.unlink()
                shutil.copy2(empty, target)

            def fresh_su():
                for p in tmp.glob("su.db*"):
                    p.unlink()
            print(f"  (import: {args.hsds.resolve().parent.name if args.hsds.name == 'data' else args.hsds.name} replicated {copies}x = {n:,} services)")
            cases += [Case("import: advocate services import", [py, "-m", "advocate", "services", "import", str(export),
                                                                "--source", "bench", "-f", "json"],
                           {**base_env, "ADVOCATE_DB": str(target)}, before=fresh_store, metric="cpu"),
                      Case("import: sqlite-utils insert_all", [py, str(su_script), str(export), str(su_out)], base_env,
                           before=fresh_su, metric="cpu"),
                      Case("import: sqlite-utils insert_all, no pandas", [py, str(su_bare), str(export), str(su_out)],
                           base_env, before=fresh_su, metric="cpu")]
        if "cold" in parts:
            minimal = tmp / "minimal_app.py"
            minimal.write_text(MINIMAL_APP)
            cases += [Case("cold: typer app --help", [py, str(minimal), "--help"], big_env),
                      Case("cold: typer app running", [py, str(minimal), "--name", "y"], big_env),
                      Case("cold: advocate --help", [py, "-m", "advocate", "--help"], big_env),
                      Case("cold: advocate services near 10001 -f json",
                           [py, "-m", "advocate", "services", "near", "10001", "-f", "json"], big_env)]
        if "batch" in parts:
            from bench_batch import NATIONWIDE, ONE_METRO

            for label, rows, box in (("nationwide", nrows, NATIONWIDE), ("one metro", nrows, ONE_METRO),
                                     ("200 rows", 200, NATIONWIDE)):
                src = tmp / f"batch-{label.replace(' ', '-')}.csv"
                zip_rows(src, rows, box)
                cases += [Case(f"batch {label}: advocate",
                               [py, "-m", "advocate", "services", "batch", str(src), "--location-column", "zip",
                                "-n", "5", "-f", "csv"], big_env, out=tmp / "out-advocate.csv"),
                          Case(f"batch {label}: pandas + cKDTree",
                               [py, str(HERE / "baselines" / "baseline_batch.py"), str(src)], big_env,
                               out=tmp / "out-pandas.csv")]
        # warm the page cache and any cache each side keeps (both sides alike), then interleave
        for c in cases:
            c.once()
            c.samples.clear()
            c.rss.clear()
        for _ in range(runs):
            for c in cases:
                c.once()
        by = {c.name: c for c in cases}
        results = []

        def ratio(label, mine, theirs, goal, unit):
            a, b = by[mine], by[theirs]
            r = a.median / b.median
            best = min(a.samples) / min(b.samples)
            results.append((label, r, goal))
            held = "holds" if r <= goal else "NOT met"
            print(f"{label:44s} {r:5.2f}x  ({a.median * 1000:7.0f} vs {b.median * 1000:7.0f} ms {unit}, medians; "
                  f"best runs {best:.2f}x; goal <= {goal:.1f}x: {held})")

        print("medians of interleaved runs:")
        if "import" in parts:
            ratio("import CPU vs sqlite-utils insert_all", "import: advocate services import",
                  "import: sqlite-utils insert_all", 1.0, "CPU")
            ratio("  the same, sqlite-utils without pandas", "import: advocate services import",
                  "import: sqlite-utils insert_all, no pandas", 1.0, "CPU")
            print(f"{'':44s} peak RSS: advocate {max(by['import: advocate services import'].rss) / 1024:.0f} MiB, "
                  f"sqlite-utils {max(by['import: sqlite-utils insert_all'].rss) / 1024:.0f} MiB")
        if "cold" in parts:
            ratio("cold --help vs the Typer app", "cold: advocate --help", "cold: typer app --help", 1.0, "wall")
            ratio("cold near 10001 -f json vs the Typer app", "cold: advocate services near 10001 -f json",
                  "cold: typer app running", 1.1, "wall")
        if "batch" in parts:
            for label, goal in (("nationwide", 0.5), ("one metro", 1.0), ("200 rows", 1.0)):
                ratio(f"batch {label} vs pandas + cKDTree", f"batch {label}: advocate",
                      f"batch {label}: pandas + cKDTree", goal, "wall")
        bad = [c.name for c in cases if c.status]
        if bad:
            print("these exited non-zero:", ", ".join(bad))
        if "near" in parts:
            from bench_lookup import whole_lookup

            r = whole_lookup(big)
            held = "holds" if r["median_ms"] <= 1.0 else "NOT met"
            print(f"{'services_near in process, ' + format(services, ',') + ' services':44s} median "
                  f"{r['median_ms']:.3f} ms, p95 {r['p95_ms']:.3f} ms (goal <= 1 ms median: {held})")
        api = HERE / "bench_api.py"
        if "api" in parts and api.exists():
            print("API pull (benchmarks/bench_api.py):")
            p = subprocess.run([py, str(api), *(["--quick"] if args.quick else [])], env=base_env,
                               capture_output=True, text=True)
            print("  " + (p.stdout.strip() or p.stderr.strip()[-500:]).replace("\n", "\n  "))
        sheet = HERE / "bench_sheet.py"
        if "sheet" in parts and sheet.exists():
            print("Spreadsheet import (benchmarks/bench_sheet.py):")
            p = subprocess.run([py, str(sheet), *(["--quick"] if args.quick else [])], env=base_env,
                               capture_output=True, text=True)
            print("  " + (p.stdout.strip() or p.stderr.strip()[-500:]).replace("\n", "\n  "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
