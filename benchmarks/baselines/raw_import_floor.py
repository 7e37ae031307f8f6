"""The raw floor of loading an HSDS CSV export into SQLite: csv.reader + one executemany per table,
no normalisation, no indexes. Usage: python raw_import_floor.py EXPORT_DIR OUT.db
Compare `advocate services import EXPORT_DIR` against it (and against `sqlite-utils insert OUT.db TABLE FILE --csv`
per table) in one interleaved run; quote the ratio, not the seconds."""
import csv
import os
import sqlite3
import sys

src, db = sys.argv[1], sys.argv[2]
if os.path.exists(db):
    os.remove(db)
con = sqlite3.connect(db)
with con:
    for name in sorted(os.listdir(src)):
        if not name.endswith(".csv"):
            continue
        t = name[:-4]
        with open(os.path.join(src, name), newline="", encoding="utf-8-sig") as fh:
            rows = csv.reader(fh)
            head = next(rows)
            cols = ", ".join(f'"{h}"' for h in head)
            con.execute(f'CREATE TABLE "{t}" ({cols})')
            con.executemany(f'INSERT INTO "{t}" VALUES ({", ".join("?" * len(head))})', rows)
con.close()
