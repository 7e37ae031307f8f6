"""A real HSDS 3.0 API on 127.0.0.1 for tests and the benchmark (stdlib http.server in a thread).

It serves `/`, `/services` (paged; ``modified_after``, ``minimal``, ``full``) and `/services/{id}` over a list
of service objects it holds, with a clock of its own (its ``Date`` header and the modification stamps), and
faults on demand: ``server.faults[page] = ["429", "500", "truncate", "slow", "cut"]`` are served, one per
request, to the next requests for that page of the full listing (``"detail:<id>"`` keys for one service).

Listings carry validators as a careful server sends them: an ETag of the answer's bytes and a Last-Modified
of the last change to the collection (edits and deletions alike), and a conditional request whose validators
still hold is answered 304 (``conditional=False`` turns that off). ``first_page=0`` numbers pages from 0, as
some servers do (HSDS 3 says 1).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection
_real_getaddrinfo = socket.getaddrinfo

NESTED = ("service_at_locations", "phones", "schedules", "languages", "attributes", "contacts", "organization")

ZIPS = [("33130", "Miami", "FL", 25.767, -80.205), ("10001", "New York", "NY", 40.750, -73.997),
        ("90012", "Los Angeles", "CA", 34.062, -118.239), ("78207", "San Antonio", "TX", 29.424, -98.526),
        ("60608", "Chicago", "IL", 41.848, -87.671)]


def make_service(i: int, modified: str = "2026-01-01T00:00:00Z") -> dict:
    zip5, city, state, lat, lon = ZIPS[i % len(ZIPS)]
    sid = f"svc-{i:05d}"
    return {
        "id": sid, "name": f"Servicio {i} Legal Aid", "description": "Immigration legal help for survivors.",
        "url": f"https://example.org/{i}", "email": f"info{i}@example.org", "status": "active",
        "last_modified": modified,
        "organization": {"id": f"org-{i % 50}", "name": f"Organization {i % 50}"},
        "phones": [{"id": f"ph-{i}", "number": f"305-555-{i % 10000:04d}"}],
        "languages": [{"id": f"la-{i}", "name": "Spanish", "code": "es"}],
        "schedules": [{"id": f"sc-{i}", "opens_at": "09:00", "closes_at": "17:00", "byday": "MO,TU,WE"}],
        "attributes": [{"id": f"at-{i}", "taxonomy_term": {"id": "t-legal", "code": "legal-immigration",
                                                           "name": "Immigration legal help"}}],
        "service_at_locations": [{"id": f"sal-{i}", "location": {
            "id": f"loc-{i}", "name": f"Office {i}", "latitude": lat + (i % 100) / 1000, "longitude": lon,
            "addresses": [{"id": f"ad-{i}", "address_1": f"{i} Main St", "city": city, "state_province": state,
                           "postal_code": zip5, "country": "US", "address_type": "physical"}]}}],
    }


class HsdsApi:
    """The server's state; ``base_url`` once started."""

    def __init__(self, services: list[dict] | None = None, *, nested_list: bool = True, supports_minimal: bool = True,
                 version: str = "3.0", gzip_min: int = 512, first_page: int = 1, conditional: bool = True,
                 minimal_dated: bool = True, max_per_page: int = 10_000):
        self.services: dict[str, dict] = {}
        self.modified: dict[str, str] = {}
        self.now = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
        self.changed = self.now  # the last change to the collection (Last-Modified)
        self.first_page = first_page
        self.conditional = conditional
        self.minimal_dated = minimal_dated  # False: the minimal listing gives ids only
        self.max_per_page = max_per_page  # bigger pages asked for are cut to this, as many servers do
        self.lock = threading.Lock()
        for s in services or []:
            self.put(s)
        self.nested_list = nested_list  # False: list pages carry one-to-one fields only
        self.strip_nested: set[str] = set()  # these come without nested objects even from /services/{id}
        self.supports_minimal = supports_minimal
        self.version = version
        self.gzip_min = gzip_min
        self.faults: dict[object, list[str]] = {}
        self.requests: list[dict] = []
        self.slow_seconds = 1.0
        self.httpd: ThreadingHTTPServer | None = None

    # --- state ----------------------------------------------------------------------------------
    def stamp(self) -> str:
        return self.now.strftime("%Y-%m-%dT%H:%M:%SZ")

    def tick(self, seconds: int = 60) -> None:
        self.now += timedelta(seconds=seconds)

    def put(self, svc: dict) -> None:
        with self.lock:
            self.services[svc["id"]] = svc
            self.modified[svc["id"]] = self.stamp()
            self.changed = self.now
            svc["last_modified"] = self.modified[svc["id"]]

    def delete(self, sid: str) -> None:
        with self.lock:
            del self.services[sid]
            self.changed = self.now

    def touch(self, sid: str, change) -> None:
        """Change a service on the server (``change(svc)`` edits it in place) and stamp it modified now."""
        svc = json.loads(json.dumps(self.services[sid]))
        change(svc)
        self.put(svc)

    # --- serving --------------------------------------------------------------------------------
    def start(self) -> HsdsApi:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def date_time_string(self, timestamp=None):
                return format_datetime(api.now, usegmt=True)

            def do_GET(self):
                api.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        assert self.httpd is not None
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    def _send(self, h, status: int, body: bytes, headers: dict | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        if "gzip" in (h.headers.get("Accept-Encoding") or "") and len(body) >= self.gzip_min:
            body = gzip.compress(body, compresslevel=1)  # what nginx does by default
            h.send_header("Content-Encoding", "gzip")
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _fault(self, h, key) -> bool:
        """Serve the next planned fault for ``key``, if any; True when one was served."""
        with self.lock:
            queue = self.faults.get(key)
            fault = queue.pop(0) if queue else None
        if fault is None:
            return False
        if fault == "429":
            self._send(h, 429, b'{"error": "slow down"}', {"Retry-After": "7"})
        elif fault == "500":
            self._send(h, 500, b'{"error": "oops"}')
        elif fault == "truncate":  # a page cut short: valid headers, half a JSON document
            body = b'{"total_items": 10, "contents": [{"id": "x", "name": "cut'
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
        elif fault == "cut":  # the connection closes before the promised length
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", "5000")
            h.end_headers()
            h.wfile.write(b'{"contents": [')
            h.close_connection = True
        elif fault == "slow":
            time.sleep(self.slow_seconds)
            return self._fault(h, key) or False
        return True

    def handle(self, h) -> None:
        parts = urlsplit(h.path)
        q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path.rstrip("/")
        self.requests.append({"path": path or "/", "query": q, "user_agent": h.headers.get("User-Agent"),
                              "accept_encoding": h.headers.get("Accept-Encoding"),
                              "if_none_match": h.headers.get("If-None-Match"),
                              "if_modified_since": h.headers.get("If-Modified-Since")})
        if path == "":
            self._send(h, 200, json.dumps({"version": self.version, "profile": "https://example.org/profile",
                                           "openapi_url": "https://example.org/openapi.json",
                                           "publisher": "Test 211"}).encode())
            return
        if path.startswith("/services/"):
            sid = unquote(path[len("/services/"):])
            if self._fault(h, f"detail:{sid}"):
                return
            with self.lock:
                svc = self.services.get(sid)
            if svc is None:
                self._send(h, 404, b'{"error": "not found"}')
                return
            if sid in self.strip_nested:
                svc = {k: v for k, v in svc.items() if k not in NESTED}
            self._send(h, 200, json.dumps(svc).encode())
            return
        if path != "/services":
            self._send(h, 404, b'{"error": "not found"}')
            return
        page, per_page = int(q.get("page", self.first_page)), int(q.get("per_page", 50))
        if page < self.first_page:
            self._send(h, 400, json.dumps({"error": f"pages start at {self.first_page}"}).encode())
            return
        page = page - self.first_page + 1  # the 1-based page below
        per_page = min(per_page, self.max_per_page)
        minimal = q.get("minimal") == "true" and self.supports_minimal
        if not minimal and q.get("minimal") != "true" and self._fault(h, page):
            return
        with self.lock:
            items = [(s, self.modified[s["id"]]) for s in self.services.values()]
        if q.get("modified_after"):
            items = [(s, m) for s, m in items if m >= q["modified_after"]]
        if minimal:
            self._listing(h, json.dumps([{"id": s["id"], "modified_date": m} if self.minimal_dated else {"id": s["id"]}
                                         for s, m in items]).encode())
            return
        total = len(items)
        pages = max(1, -(-total // per_page))
        chunk = [s for s, _m in items[(page - 1) * per_page: page * per_page]]
        if not self.nested_list:
            chunk = [{k: v for k, v in s.items() if k not in NESTED} for s in chunk]
        else:
            chunk = [{k: v for k, v in s.items() if k not in NESTED} if s["id"] in self.strip_nested else s
                     for s in chunk]
        doc = {"total_items": total, "total_pages": pages, "page_number": page - 1 + self.first_page,
               "size": len(chunk), "first_page": page == 1, "last_page": page >= pages, "empty": not chunk,
               "contents": chunk}
        self._listing(h, json.dumps(doc).encode())

    def _listing(self, h, body: bytes) -> None:
        """A listing with its validators; 304 when the request's still hold (If-None-Match first, as RFC 9110
        says)."""
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        last_modified = format_datetime(self.changed, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": last_modified}
        if self.conditional:
            inm, ims = h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")
            fresh = None
            if inm:
                fresh = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
            elif ims:
                try:
                    fresh = self.changed.replace(microsecond=0) <= parsedate_to_datetime(ims)
                except (TypeError, ValueError):
                    fresh = None
            if fresh:
                h.send_response(304)
                for k, v in headers.items():
                    h.send_header(k, v)
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
        self._send(h, 200, body, headers)


def allow_loopback(monkeypatch) -> None:
    """Undo the suite's network block for 127.0.0.1 only (everything else stays refused)."""

    def loopback(addr) -> bool:
        host = addr[0] if isinstance(addr, tuple) else addr
        return host in ("127.0.0.1", "localhost")

    def connect(self, addr):
        if not loopback(addr):
            raise RuntimeError(f"network access attempted: {addr!r}")
        return _real_connect(self, addr)

    def create_connection(addr, *a, **kw):
        if not loopback(addr):
            raise RuntimeError(f"network access attempted: {addr!r}")
        return _real_create_connection(addr, *a, **kw)

    def getaddrinfo(host, *a, **kw):
        if host not in ("127.0.0.1", "localhost"):
            raise RuntimeError(f"network access attempted: {host!r}")
        return _real_getaddrinfo(host, *a, **kw)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
