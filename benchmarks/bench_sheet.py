"""Importing a spreadsheet, measured: rows per second and peak memory, for XLSX and CSV, against baselines.

A list of services as a small agency keeps it (Spanish headers: Organización, Servicio, Teléfono, Dirección,
Ciudad, Estado, Código postal, Idiomas, Servicios, Horario, Sitio web, Correo, Descripción; phones such as
"(305) 555-0100 ext. 2", languages "Español, Mixteco", a blank row now and then) is generated with openpyxl
at N rows (default 50,000) and at a tenth of N, as .xlsx and as .csv. In interleaved rounds (each round runs
every case once, in turn, so the drift of a shared machine hits every side alike):

* ``advocate services import FILE --layout sheet`` (a new store each time), XLSX and CSV, at N and N/10;
* for the XLSX, what a user would run instead: ``pandas.read_excel`` + ``DataFrame.to_sql`` into SQLite;
* for the CSV: ``sqlite-utils insert DB services FILE --csv``.

Each process is started from run_all's small launcher, so its peak RSS and CPU time are its own. Printed:
rows per CPU second and peak RSS (medians) per case, the ratios against the baselines, and the peak at N over the peak at N/10 (flat
memory: close to 1, whatever the number of rows).

Run: python benchmarks/bench_sheet.py [--rows 50000] [--runs 3] [--quick]
(pandas is needed for the XLSX baseline: pip install pandas; without it that baseline is left out.)
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
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
from run_all import Case  # noqa: E402

HEADERS = ["Organización", "Nombre del servicio", "Teléfono", "Dirección", "Ciudad", "Estado", "Código postal",
           "Idiomas", "Servicios", "Horario", "Sitio web", "Correo", "Descripción"]
PLACES = [("Miami", "FL", "33130"), ("Homestead", "FL", "33030"), ("Houston", "TX", "77002"),
          ("San Antonio", "TX", "78207"), ("Los Angeles", "CA", "90012"), ("Fresno", "CA", "93721"),
          ("Chicago", "IL", "60608"), ("New York", "NY", "10001"), ("Atlanta", "GA", "30303"),
          ("Phoenix", "AZ", "85003")]
LANGUAGES = ["Español, Mixteco", "Español, Inglés", "Inglés", "Español, K'iche', Mam", "Español, Zapoteco",
             "Inglés, Español, Náhuatl"]
SERVICES = ["Albergue; violencia doméstica", "Asesoría legal migratoria", "Salud mental; consejería",
            "Clínica médica", "Alimentos; despensa", "Empleo; capacitación", "Trámites consulares"]
HOURS = ["Lun-Vie 9:00-17:00", "Lunes a viernes 8 a 16 h", "24 horas", "Mar y Jue 10:00-14:00"]

PANDAS_IMPORT = """
import sqlite3, sys
import pandas as pd
df = pd.read_excel(sys.argv[1], dtype=str)
con = sqlite3.connect(sys.argv[2])
df.to_sql("services", con, if_exists="replace", index=False)
con.commit()
con.close()
"""


def row(i: int) -> list[str]:
    city, state, zip5 = PLACES[i % len(PLACES)]
    phone = f"(305) 555-{i % 10000:04d}" + (" ext. 2" if i % 3 == 0 else "") + (
        f" / 786-555-{(i * 7) % 10000:04d}" if i % 5 == 0 else "")
    return [f"Organización {i % 700}", f"Servicio {i} de apoyo", phone, f"{100 + i} Calle Principal", city, state,
            zip5, LANGUAGES[i % len(LANGUAGES)], SERVICES[i % len(SERVICES)], HOURS[i % len(HOURS)],
            f"https://ejemplo.org/{i}", f"contacto{i}@ejemplo.org",
            "Acompañamiento y orientación para personas sobrevivientes; atención en español y lenguas indígenas."]


def write_sheets(folder: Path, rows: int) -> tuple[Path, Path]:
    """The same list as .xlsx (openpyxl, write-only) and .csv; a blank row after every 1,000."""
    import openpyxl

    xlsx, text = folder / f"servicios-{rows}.xlsx", folder / f"servicios-{rows}.csv"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Directorio")
    with text.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        ws.append(HEADERS)
        w.writerow(HEADERS)
        for i in range(rows):
            r = row(i)
            ws.append(r)
            w.writerow(r)
            if i % 1000 == 999:
                ws.append([])
                w.writerow([])
    wb.save(xlsx)
    return xlsx, text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=None, help="rows of the big sheet (default 50,000; 10,000 quick)")
    ap.add_argument("--runs", type=int, default=None, help="interleaved rounds (default 3; 1 with --quick)")
    ap.add_argument("--quick", action="store_true", help="10,000 rows, one round: a rough check")
    args = ap.parse_args(argv)
    rows = args.rows or (10_000 if args.quick else 50_000)
    runs = args.runs or (1 if args.quick else 3)
    py = sys.executable
    have_pandas = importlib.util.find_spec("pandas") is not None
    print(f"spreadsheet import, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}, {rows:,} and {rows // 10:,} rows, {runs} interleaved rounds")
    with tempfile.TemporaryDirectory(prefix="advocate-bench-sheet-") as d:
        tmp = Path(d)
        env = {**os.environ, "XDG_DATA_HOME": str(tmp / "data"), "XDG_CONFIG_HOME": str(tmp / "cfg"),
               "XDG_CACHE_HOME": str(tmp / "cache"), "ADVOCATE_CACHE_DIR": str(tmp / "cache"), "NO_COLOR": "1"}
        t = time.perf_counter()
        big_x, big_c = write_sheets(tmp, rows)
        small_x, small_c = write_sheets(tmp, rows // 10)
        print(f"  (sheets written in {time.perf_counter() - t:.1f} s: {big_x.stat().st_size / 2**20:.1f} MiB xlsx, "
              f"{big_c.stat().st_size / 2**20:.1f} MiB csv)")
        empty = tmp / "empty.db"
        subprocess.run([py, "-m", "advocate", "db", "init"], env={**env, "ADVOCATE_DB": str(empty)}, check=True,
                       capture_output=True)
        target = tmp / "store.db"
        other = tmp / "baseline.db"

        def fresh():
            for p in [*tmp.glob("store.db*"), *tmp.glob("baseline.db*")]:
                p.unlink()
            shutil.copy2(empty, target)

        store_env = {**env, "ADVOCATE_DB": str(target)}
        pandas_script = tmp / "pandas_import.py"
        pandas_script.write_text(PANDAS_IMPORT)

        def adv(path: Path) -> list[str]:
            return [py, "-m", "advocate", "services", "import", str(path), "--layout", "sheet", "--source", "bench",
                    "-f", "json"]

        cpu = {"metric": "cpu", "before": fresh}
        cases = {
            "xlsx": Case(f"advocate xlsx {rows:,}", adv(big_x), store_env, out=tmp / "xlsx.json", **cpu),
            "csv": Case(f"advocate csv {rows:,}", adv(big_c), store_env, out=tmp / "csv.json", **cpu),
            "xlsx small": Case(f"advocate xlsx {rows // 10:,}", adv(small_x), store_env, **cpu),
            "csv small": Case(f"advocate csv {rows // 10:,}", adv(small_c), store_env, **cpu),
            "sqlite-utils": Case(f"sqlite-utils insert --csv {rows:,}",
                                 [py, "-m", "sqlite_utils", "insert", str(other), "services", str(big_c), "--csv"],
                                 env, **cpu),
        }
        if have_pandas:
            cases["pandas"] = Case(f"pandas read_excel + to_sql {rows:,}", [py, str(pandas_script), str(big_x),
                                                                          str(other)], env, **cpu)
        for r in range(runs):
            for c in cases.values():
                c.once()
            print(f"  round {r + 1} of {runs} done")
        bad = [c.name for c in cases.values() if c.status]
        if bad:
            print("these exited non-zero:", ", ".join(bad))
            return 1
        for kind in ("xlsx", "csv"):  # every row became a service, none rejected: the import did the whole job
            summary = json.loads((tmp / f"{kind}.json").read_text())
            print(f"  ({kind}: {summary['imported']:,} services imported, {summary['rejected']} rejected, "
                  f"{summary.get('no_location', 0)} without a place)")
            if summary["imported"] != rows:
                print(f"  {kind}: expected {rows:,} services")
                return 1

        def per_s(c: Case, n: int) -> float:
            return n / statistics.median(c.samples)

        def mib(c: Case) -> float:
            return statistics.median(c.rss) / 1024

        print("medians (CPU seconds of the process: the machine is shared, wall time drifts):")
        for key, c in cases.items():
            n = rows // 10 if "small" in key else rows
            print(f"  {c.name:36s} {statistics.median(c.samples):7.1f} s CPU  {per_s(c, n):8.0f} rows/s  "
                  f"peak RSS {mib(c):6.0f} MiB")
        print("ratios:")
        x, s = cases["xlsx"], cases["csv"]
        if have_pandas:
            p = cases["pandas"]
            print(f"  xlsx time vs pandas read_excel + to_sql:   {statistics.median(x.samples) / statistics.median(p.samples):.2f}x"
                  f"   peak RSS {mib(x) / mib(p):.2f}x")
        su = cases["sqlite-utils"]
        print(f"  csv time vs sqlite-utils insert --csv:     {statistics.median(s.samples) / statistics.median(su.samples):.2f}x"
              f"   peak RSS {mib(s) / mib(su):.2f}x")
        print(f"  peak RSS at {rows:,} rows / at {rows // 10:,}:    xlsx {mib(x) / mib(cases['xlsx small']):.2f}x, "
              f"csv {mib(s) / mib(cases['csv small']):.2f}x  (1.0 = flat)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
