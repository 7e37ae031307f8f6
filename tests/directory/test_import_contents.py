"""What an import writes into the store, table by table, pinned: a change made for speed must leave every row as it
was (issue 16). Each case imports an export into a fresh store, then imports it again (the update path), and
compares a digest of every directory table after each pass with the one recorded here.

If you changed what an import writes ON PURPOSE, run this file with ``ADVOCATE_PRINT_DIGESTS=1`` and ``-s``: it
prints the new digests to paste into ``EXPECTED`` (and say in your commit what changed and why)."""

import hashlib
import os
from pathlib import Path

import pytest

from advocate.directory.hsds import import_directory

FIX = Path(__file__).resolve().parent.parent / "fixtures"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "hsds"

# every column but ``changed`` (the clock of the run); rowids and the R*Tree's own ids aside
TABLES = {
    "services": "SELECT {cols} FROM services WHERE source = ? ORDER BY id",
    "organizations": "SELECT * FROM organizations WHERE source = ? ORDER BY id",
    "locations": "SELECT * FROM locations WHERE source = ? ORDER BY id",
    "service_at_location": "SELECT service_id, location_id FROM service_at_location WHERE service_id IN {of} "
    "ORDER BY 1, 2",
    "service_categories": "SELECT * FROM service_categories WHERE service_id IN {of} ORDER BY 1, 2",
    "category_evidence": "SELECT * FROM category_evidence WHERE service_id IN {of} ORDER BY 1, 2",
    "service_languages": "SELECT * FROM service_languages WHERE service_id IN {of} ORDER BY 1, 2, 3",
    "services_fts": "SELECT * FROM services_fts WHERE service_id IN {of} ORDER BY service_id",
    "sal_rtree": "SELECT service_id, location_id, min_lat, max_lat, min_lon, max_lon, active FROM sal_rtree "
    "WHERE service_id IN {of} ORDER BY 1, 2",
}


def digests(store, source: str) -> dict[str, str]:
    cols = ", ".join(r[1] for r in store.conn.execute("PRAGMA table_info(services)") if r[1] != "changed")
    of = "(SELECT id FROM services WHERE source = ?)"
    out = {}
    for table, sql in TABLES.items():
        rows = store.conn.execute(sql.format(cols=cols, of=of), (source,)).fetchall()
        out[table] = f"{len(rows)}:{hashlib.sha256(repr(rows).encode()).hexdigest()[:16]}"
    return out


CASES = {
    "hsds-1.1-quirks": (FIX / "hsds-1.1-quirks", False),
    "ohana-fixture": (FIX / "ohana", False),
    "hsds-3.0-fixture": (FIX / "hsds-3.0", False),
    "miami-211": (SHARED / "open211-miami-2019", True),
    "ohana-san-mateo": (SHARED / "ohana-san-mateo-sample", True),
    "hsds-3.0-examples-csv": (SHARED / "hsds-3.0-examples" / "csv", True),
    "hsds-3.0-examples-json": (SHARED / "hsds-3.0-examples" / "json" / "service_full.json", True),
}

EXPECTED: dict[str, dict] = {
    "hsds-1.1-quirks": {
        "tables": {
            "services": "5:0ccabef978c6e486",
            "organizations": "2:8092bdba152deb97",
            "locations": "5:031a8642c30a063d",
            "service_at_location": "5:1158c1c939a9f208",
            "service_categories": "7:5ef35e4c5ff9c58e",
            "category_evidence": "5:abe3fe14ffa1eab7",
            "service_languages": "6:e154b54d518b7349",
            "services_fts": "5:8aa156b8c406a02d",
            "sal_rtree": "4:3c2691201154f9ba",
        },
        "stats": "9514f9641fcd85b6",
        "stats_again": "e508be6ef87e21a4",
    },
    "ohana-fixture": {
        "tables": {
            "services": "3:3da605c6d0b1c6d4",
            "organizations": "1:0f1acfdb503bc7ee",
            "locations": "2:cad9996666169c5e",
            "service_at_location": "3:daf24942d320fdd5",
            "service_categories": "3:f2f2bec4f4af2be1",
            "category_evidence": "2:fa147e882eb2f913",
            "service_languages": "6:55cf4921698dbb25",
            "services_fts": "3:ded299d0fa21074e",
            "sal_rtree": "2:cfa222aee7a420c7",
        },
        "stats": "6a9cd0454a6dada0",
        "stats_again": "b4958b9656336c5b",
    },
    "hsds-3.0-fixture": {
        "tables": {
            "services": "1:d7e176b5079ebd90",
            "organizations": "1:511f267d27ddd7c3",
            "locations": "1:f19cf5a2f91820b6",
            "service_at_location": "1:1693327a2dfc377c",
            "service_categories": "1:00041beb1016c5ac",
            "category_evidence": "0:4f53cda18c2baa0c",
            "service_languages": "3:5b2c3ff9b236903f",
            "services_fts": "1:765894e0b455873a",
            "sal_rtree": "1:85424f5580551833",
        },
        "stats": "3fee4474e178f440",
        "stats_again": "a27378801dd7a51f",
    },
    "miami-211": {
        "tables": {
            "services": "1851:c56a568e0216a645",
            "organizations": "691:b29b5a085c974ec0",
            "locations": "1851:721df66f598e8cdc",
            "service_at_location": "1851:391a6554aae308a0",
            "service_categories": "3007:5c089fdf2f4fcf3b",
            "category_evidence": "2670:8b58a82c3c1487e9",
            "service_languages": "4203:0b6b924e23fd7849",
            "services_fts": "1851:af04024fd386471b",
            "sal_rtree": "1842:79b5566e72269d95",
        },
        "stats": "9dc9c6bf1d190d03",
        "stats_again": "2a333d2beb300565",
    },
    "ohana-san-mateo": {
        "tables": {
            "services": "23:4c426355dc21b081",
            "organizations": "8:ad05030fbd837fa1",
            "locations": "22:c3c5bbc74ebcf9fe",
            "service_at_location": "23:40de9e64bc170c20",
            "service_categories": "28:3ba2fda08e3d9e34",
            "category_evidence": "16:fbd9054c0bee8c2c",
            "service_languages": "37:5792fd1e14576845",
            "services_fts": "23:113110a343e3872b",
            "sal_rtree": "23:0421dceb06616d37",
        },
        "stats": "286bff8b80458fb1",
        "stats_again": "d717bb54a132b445",
    },
    "hsds-3.0-examples-csv": {
        "tables": {
            "services": "1:ec59ce7595869b18",
            "organizations": "1:0a9742e5fc261f12",
            "locations": "1:5f08f03c33837b69",
            "service_at_location": "1:458eac7a572d4c69",
            "service_categories": "1:26b9ca79eed0ecad",
            "category_evidence": "0:4f53cda18c2baa0c",
            "service_languages": "3:1189067fae9e222f",
            "services_fts": "1:b0a27ad43f2da8cf",
            "sal_rtree": "0:4f53cda18c2baa0c",
        },
        "stats": "2fa2e847627e7538",
        "stats_again": "2cd333b117d47053",
    },
    "hsds-3.0-examples-json": {
        "tables": {
            "services": "1:5bb3fd2179992b84",
            "organizations": "1:0a9742e5fc261f12",
            "locations": "1:5f08f03c33837b69",
            "service_at_location": "1:458eac7a572d4c69",
            "service_categories": "1:26b9ca79eed0ecad",
            "category_evidence": "0:4f53cda18c2baa0c",
            "service_languages": "3:1189067fae9e222f",
            "services_fts": "1:b0a27ad43f2da8cf",
            "sal_rtree": "0:4f53cda18c2baa0c",
        },
        "stats": "2fa2e847627e7538",
        "stats_again": "2cd333b117d47053",
    },
}


@pytest.mark.parametrize("case", list(CASES))
def test_import_writes_what_it_wrote_before(store, case):
    path, shared = CASES[case]
    if shared and not path.exists():
        pytest.skip("../shared/data/hsds is not here")
    first = import_directory(store, path, source="pinned")
    tables = digests(store, "pinned")
    again = import_directory(store, path, source="pinned")
    assert digests(store, "pinned") == tables  # importing the same export again changes nothing
    got = {"tables": tables, "stats": _stats_digest(first), "stats_again": _stats_digest(again)}
    if os.environ.get("ADVOCATE_PRINT_DIGESTS"):
        print(f"\n    {case!r}: {got!r},")
    assert case in EXPECTED, f"no digest recorded for {case}: run with ADVOCATE_PRINT_DIGESTS=1 -s"
    assert got == EXPECTED[case]


def _stats_digest(stats) -> str:
    """The import's summary (the sample of rejected rows included), as a short digest."""
    return hashlib.sha256(repr(sorted(stats.items())).encode()).hexdigest()[:16]
