"""Pulling an HSDS 3.0 API, measured: services per second and the client's peak memory.

A real HSDS API (tests/directory/hsds_server.py: stdlib http.server on 127.0.0.1, gzip, fully nested
service objects) serves N generated services; `advocate services import URL --allow-http` runs as its own
process, so its peak memory (ru_maxrss, from wait4) is the client's alone. The pull is timed for a tenth of
N and for N at the same page size (ten times the pages), and for N at a page size ten times bigger (a tenth
of the pages): peak memory should stay flat in the number of pages (pages are staged on disk, never held),
growing only with what a store of that size needs. Then 100 services change on the server and
`advocate services sync` is timed (only the changes and the id listing travel).

Run: python benchmarks/bench_api.py [--services 20000] [--page-size 100] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.directory.hsds_server import HsdsApi, make_service  # noqa: E402


def pull(tmp: Path, services: int, page_size: int, label: str) -> dict:
    server = HsdsApi([make_service(i) for i in range(services)]).start()
    server.tick(3600)  # the directory was last edited an hour before this pull
    db = tmp / f"{label}.db"
    env = {**os.environ, "ADVOCATE_DB": str(db), "NO_COLOR": "1"}
    try:
        _measured(env, "services", "sources")  # create the store first: its creation is not the pull
        secs, peak, out, _err = _measured(env, "services", "import", server.base_url, "--allow-http", "--source",
                                          "bench", "--page-size", str(page_size), "-f", "json")
        summary = json.loads(out)
        result = {"label": label, "services": services, "page_size": page_size, "pages": summary["pages"],
                  "seconds": secs, "per_second": summary["services_read"] / secs, "peak_mb": peak}
        if label == "full":
            server.tick(3600)
            for i in range(0, services, max(1, services // 100)):
                server.touch(f"svc-{i:05d}", lambda s: s["phones"][0].update(number="305-555-0000"))
            s_secs, s_peak, s_out, _ = _measured(env, "services", "sync", "-f", "json")
            [report] = json.loads(s_out)
            result["sync"] = {"seconds": s_secs, "updated": report["updated"], "peak_mb": s_peak}
        return result
    finally:
        server.stop()


def _measured(env: dict, *args: str) -> tuple[float, int, str, str]:
    """Like run_cli, with the peak of this process alone (wait4 on the child before anyone else reaps it)."""
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "advocate", *args], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    chunks_out: list[bytes] = []
    chunks_err: list[bytes] = []

    def drain(stream, into):
        for block in iter(lambda: stream.read(65536), b""):
            into.append(block)

    threads = [threading.Thread(target=drain, args=(p.stdout, chunks_out)),
               threading.Thread(target=drain, args=(p.stderr, chunks_err))]
    for th in threads:
        th.start()
    _pid, status, usage = os.wait4(p.pid, 0)
    for th in threads:
        th.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    secs = time.perf_counter() - t
    out, err = b"".join(chunks_out).decode(), b"".join(chunks_err).decode()
    if p.returncode:
        raise SystemExit(f"advocate {' '.join(args)} failed: {err.strip()[-500:]}")
    return secs, usage.ru_maxrss // 1024, out, err


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--services", type=int, default=20000)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--quick", action="store_true", help="2,000 services (a smoke test of the harness)")
    args = ap.parse_args()
    n = 2000 if args.quick else args.services
    size = args.page_size
    with tempfile.TemporaryDirectory(prefix="advocate-bench-api-") as d:
        tmp = Path(d)
        runs = [pull(tmp, max(1, n // 10), size, "tenth"), pull(tmp, n, size, "full"),
                pull(tmp, n, size * 10, "big-pages")]
    for r in runs:
        print(f"{r['services']:>7,} services, {r['pages']:>4} pages of {r['page_size']:>4}: {r['seconds']:6.1f} s, "
              f"{r['per_second']:7,.0f} services/s, client peak {r['peak_mb']} MB")
    full = runs[1]
    print(f"sync after {full['sync']['updated']} changes on the server: {full['sync']['seconds']:.1f} s, "
          f"peak {full['sync']['peak_mb']} MB")
    print(f"peak memory, {runs[1]['pages']} pages vs {runs[2]['pages']} pages of the same {n:,} services: "
          f"{runs[1]['peak_mb']} MB vs {runs[2]['peak_mb']} MB; {runs[0]['services']:,} services: {runs[0]['peak_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
