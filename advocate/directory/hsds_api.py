"""Import from an Open Referral HSDS 3.x API: `/` for what it is, `/services` page by page.

The network is used only here, only for a URL the user named, and only to ask for services: the query holds
nothing but paging (``page``, ``per_page``), ``full``/``minimal`` and ``modified_after``; nothing from the
store is ever sent. HTTPS only unless plain HTTP is allowed explicitly.

Pages are staged on disk as they arrive (memory stays flat however many pages there are); a page that fails
(timeout, 429, 5xx, a cut connection, truncated JSON) is asked for again with a growing wait that honours
Retry-After, so a retry resumes at the page that failed, never from the first. Only when every page has
arrived does anything touch the store: one transaction, through the same importer as file exports (same
upsert, inactivation, rejects and summary). A failure at any page leaves the store exactly as it was.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit, urlunsplit

from advocate.errors import AdvocateError, InputError
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.directory.hsds import ImportStats
    from advocate.store import Store

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 5000
MAX_PAGES = 100_000
MAX_BODY = 128 * 1024 * 1024  # one page's JSON
DATED_KEYS = ("last_modified", "modified_date", "modified", "updated_at")  # a listing's modification date
NESTED_KEYS = ("service_at_locations", "phones", "schedules", "languages", "attributes", "contacts")
RETRY_STATUS = (429, 500, 502, 503, 504)
NOT_MODIFIED: Any = object()  # what get_json gives for a 304 answer to a conditional request


class HttpError(AdvocateError):
    """The server answered with an HTTP error that a retry will not mend (``status``: 404, 401...)."""

    def __init__(self, message: str, *, status: int, **kw):
        super().__init__(message, **kw)
        self.status = status


@dataclass
class HttpOptions:
    """How patient the client is. ``sleep`` is injectable so tests do not wait."""

    timeout: float = 30.0  # seconds to connect, and between bytes of an answer
    attempts: int = 5  # tries per request (the first and four retries)
    backoff: float = 1.0  # first wait; doubles each retry
    max_wait: float = 60.0  # no wait (Retry-After included) is longer than this
    sleep: Callable[[float], None] | None = None  # default: time.sleep
    transport: Any = None  # an httpx transport (tests)


def user_agent() -> str:
    from advocate import __version__

    return f"advocate/{__version__} (Open Referral HSDS directory import; sends no client data)"


def normalize_url(url: str, *, allow_http: bool = False) -> str:
    """The API's base URL (no trailing ``/services`` or slash); refuses anything but https (or http when
    allowed)."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in text)
        _port = parts.port  # raises on a port that is not one
    except ValueError:
        ok = False
    if not ok:
        shown = " ".join(text.split())[:200]
        raise InputError(_('"{url}" is not a web address; give the base URL of an HSDS API, e.g. '
                           "https://api.example.org/hsds").format(url=shown), field="url")
    if parts.scheme == "http" and not allow_http:
        raise InputError(_("{url} uses plain http, which anyone on the network can read or change; use https, "
                           "or allow plain http explicitly for a server you trust").format(url=text),
                         field="allow_http")
    if parts.username or parts.password:
        raise InputError(_("{host}: a user name or password inside the address would be stored with the source; "
                           "advocate does not take them").format(host=parts.hostname), field="url")
    path = re.sub(r"/services/?$", "", parts.path.rstrip("/"))
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def default_source_name(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "api"
    return f"{host}-{parts.port}" if parts.port else host


def parse_modified_after(value: str | date | datetime | None) -> str | None:
    """A date or date-time as the API expects it (UTC, ISO 8601 with Z)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(_('"{value}" is not a date; give YYYY-MM-DD or an ISO date-time such as '
                               "2026-11-01T08:00:00Z").format(value=value), field="modified_after") from None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class Fetcher:
    """GET JSON with timeouts, retries on 429/5xx/timeouts/cut or truncated answers (honouring Retry-After,
    waits capped), a clear user agent and gzip."""

    def __init__(self, base_url: str, *, allow_http: bool = False, options: HttpOptions | None = None):
        import httpx

        self.base = base_url.rstrip("/")
        self.allow_http = allow_http
        self.opt = options or HttpOptions()
        self.requests = 0
        self.retries = 0
        self.waited = 0.0

        def no_downgrade(request):
            if request.url.scheme != "https" and not self.allow_http:
                raise InputError(_("{url} redirected to plain http ({to}); advocate follows only https unless plain "
                                   "http is allowed explicitly").format(url=self.base, to=str(request.url)),
                                 field="allow_http")

        self.client = httpx.Client(
            timeout=httpx.Timeout(self.opt.timeout), follow_redirects=True, transport=self.opt.transport,
            headers={"User-Agent": user_agent(), "Accept": "application/json", "Accept-Encoding": "gzip, deflate"},
            event_hooks={"request": [no_downgrade]})

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}" if path else f"{self.base}/"

    def get_json(self, path: str, params: dict | None = None, *, what: str,
                 headers: dict | None = None) -> tuple[Any, dict]:
        """(parsed JSON, response headers) of GET base/path. ``what`` names it in messages ("page 3").
        ``headers`` are sent with it (If-None-Match...); a 304 answer gives ``NOT_MODIFIED`` for the JSON."""
        import httpx

        url = self.url(path)
        reason = ""
        for attempt in range(1, self.opt.attempts + 1):
            wait = None
            self.requests += 1
            try:
                with self.client.stream("GET", url, params=params, headers=headers) as resp:
                    status = resp.status_code
                    if status == 304 and headers:
                        return NOT_MODIFIED, dict(resp.headers)
                    if status in RETRY_STATUS:
                        reason = _("the server answered {status} {phrase}").format(status=status,
                                                                                  phrase=resp.reason_phrase)
                        wait = retry_after(resp.headers.get("Retry-After"))
                    elif status >= 400:
                        raise HttpError(_("{url} answered {what} with {status} {phrase}; check the address (it "
                                          "should be the API's base URL)").format(
                            url=self.base, what=what, status=status, phrase=resp.reason_phrase), field="url",
                            status=status)
                    else:
                        body = bytearray()
                        for chunk in resp.iter_bytes():
                            body += chunk
                            if len(body) > MAX_BODY:
                                raise AdvocateError(_("{url} sent more than {mb} MB for {what}; ask for smaller "
                                                      "pages").format(url=self.base, mb=MAX_BODY // 2**20, what=what),
                                                    field="page_size")
                        try:
                            return json.loads(bytes(body).decode("utf-8-sig")), dict(resp.headers)
                        except (ValueError, UnicodeDecodeError):
                            reason = _("the answer was not complete JSON (cut off or malformed)")
                        except RecursionError:  # a hostile page of [[[[...]]]]: asking again will not mend it
                            raise AdvocateError(_("{url} answered {what} with JSON nested too deeply to be an HSDS "
                                                  "page; nothing was changed").format(url=self.base, what=what),
                                                field="url") from None
            except httpx.TimeoutException:
                reason = _("no answer within {seconds:g} seconds").format(seconds=self.opt.timeout)
            except httpx.ConnectError as exc:
                raise AdvocateError(_("could not reach {host} ({error}); check the address and that this computer "
                                      "is online").format(host=urlsplit(self.base).hostname, error=_short(exc)),
                                    field="url") from None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.DecodingError) as exc:
                reason = _("the connection broke ({error})").format(error=_short(exc))
            except httpx.TooManyRedirects:
                raise AdvocateError(_("{url} redirects in a loop").format(url=self.base), field="url") from None
            except httpx.HTTPError as exc:
                raise AdvocateError(_("{url} could not be read ({error})").format(url=self.base, error=_short(exc)),
                                    field="url") from None
            if attempt == self.opt.attempts:
                break
            delay = min(self.opt.max_wait, wait if wait is not None else self.opt.backoff * 2 ** (attempt - 1))
            self.retries += 1
            self.waited += delay
            (_sleep if self.opt.sleep is None else self.opt.sleep)(delay)
        raise AdvocateError(_("{url} failed on {what} after {attempts} tries: {reason}; nothing was changed, try "
                              "again later").format(url=self.base, what=what, attempts=self.opt.attempts,
                                                    reason=reason), field="url")


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())[:200]


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _header(headers: dict, name: str) -> str | None:
    """A header the server sent, kept in the store: no control characters, bounded."""
    from advocate.textnorm import strip_control

    value = headers.get(name)
    return strip_control(str(value))[:200] or None if value else None


def _server_time(headers: dict) -> str | None:
    try:
        dt = parsedate_to_datetime(headers.get("date") or "")
    except (TypeError, ValueError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Pulled:
    """What one download brought: the staged service objects and what the server said."""

    stage: RawStage
    pages: int = 0
    services: int = 0
    details: int = 0  # services fetched one by one because the list was not nested
    server_time: str | None = None


class RawStage:
    """Service objects as they arrive, kept on disk (one row each), plus the columns they flatten to."""

    def __init__(self):
        from advocate.staging import StagingFolder

        self._dir = StagingFolder("advocate-api-")  # locked while it runs; a killed sync's is removed later
        self.db = sqlite3.connect(Path(self._dir.name) / "raw.db")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("CREATE TABLE raw (n INTEGER PRIMARY KEY, id TEXT, doc TEXT)")
        self.columns: dict[str, dict[str, None]] = {}
        self._org: set = set()
        self._loc: set = set()
        self.count = 0

    def add(self, objects: list[dict]) -> None:
        from advocate.directory.hsds_read import flatten_service

        for svc in objects:
            for table, rows in flatten_service(svc, self._org, self._loc).items():
                for r in rows:
                    self.columns.setdefault(table, {}).update(dict.fromkeys(r))
        self.db.executemany("INSERT INTO raw (id, doc) VALUES (?, ?)",
                            [(str(s.get("id") or ""), json.dumps(s, ensure_ascii=False)) for s in objects])
        self.count += len(objects)

    def objects(self) -> Iterator[dict]:
        for (doc,) in self.db.execute("SELECT doc FROM raw ORDER BY n"):
            yield json.loads(doc)

    def close(self) -> None:
        self.db.close()
        self._dir.cleanup()


def _counts_from_zero(doc: dict, contents: list) -> bool:
    """Whether page 1's answer says the server counts pages from 0: it is not the first page, or it is empty
    although the listing has services."""
    if doc.get("first_page") is False:
        return True
    try:
        total = int(doc.get("total_items") or 0)
    except (TypeError, ValueError):
        total = 0
    return not contents and total > 0


def _nested(svc: dict) -> bool:
    return any(isinstance(svc.get(k), list) for k in NESTED_KEYS)


class ApiReader:
    """One HSDS 3 API: what it says about itself, its services page by page, the ids it lists."""

    def __init__(self, url: str, *, allow_http: bool = False, page_size: int = DEFAULT_PAGE_SIZE,
                 http: HttpOptions | None = None):
        self.url = normalize_url(url, allow_http=allow_http)
        if not 1 <= int(page_size) <= MAX_PAGE_SIZE:
            raise InputError(_("a page size is a number from 1 to {max}").format(max=MAX_PAGE_SIZE), field="page_size")
        self.page_size = int(page_size)
        self.first_page: int | None = None  # what the server numbers its first page: 1 (HSDS 3) or 0
        self.fetch = Fetcher(self.url, allow_http=allow_http, options=http)

    def close(self) -> None:
        self.fetch.close()

    def about(self) -> dict:
        """`/`: the HSDS version and, where given, the publisher. A server without `/` is read all the same."""
        try:
            doc, _headers = self.fetch.get_json("", what=_("its description (/)"))
        except HttpError as exc:
            if exc.status in (401, 403, 404, 405, 406):
                return {}
            raise
        if not isinstance(doc, dict):
            return {}
        from advocate.textnorm import strip_control

        version = strip_control(str(doc.get("version") or ""))[:40].strip() or None
        if version and not re.match(r"^v?3(\.|$)", version):
            raise AdvocateError(_("{url} says it serves HSDS {version}; advocate reads HSDS 3.x APIs (import a file "
                                  "export of older versions instead)").format(url=self.url, version=version),
                                field="url")
        publisher = doc.get("publisher")
        if isinstance(publisher, dict):
            publisher = publisher.get("name")
        publisher = strip_control(str(publisher))[:200].strip() if publisher else None
        return {"version": version, "publisher": publisher or None,
                "profile": doc.get("profile")}

    def pages(self, params: dict, *, what_page: str | None = None, page_size: int | None = None,
              conditional: dict | None = None):
        """(page, total pages or None, contents, headers) for every page of `/services`; ``page`` counts from 1
        whatever the server numbers its pages from.

        HSDS 3 numbers pages from 1, but some servers count from 0. The first answer tells: asked for page 1,
        such a server says it is not the first page (``first_page: false``), or sends an empty page while
        ``total_items`` says there are services; then page 0 is asked for and paging goes on from there. A
        server that answers page 0 with an error, or with page 1 again, numbers from 1 after all.

        ``conditional`` (If-None-Match / If-Modified-Since) goes with the first request; a 304 answer yields
        one ``(1, None, None, headers)``: the listing has not changed."""
        size = page_size or self.page_size
        base = self.first_page if self.first_page is not None else 1
        page, n, total_pages, previous_ids = base, 1, None, None
        probe: tuple | None = None  # page 1 of a server that may count from 0: (contents, headers, ids, doc)
        while n <= MAX_PAGES:
            what = (what_page or _("page {page}")).format(page=n)
            query = {**params, "page": page, "per_page": size}
            try:
                doc, headers = self.fetch.get_json("services", query, what=what,
                                                   headers=conditional if n == 1 and probe is None else None)
            except HttpError:
                if probe is None or page != 0:
                    raise
                doc = None  # page 0 refused: the server counts from 1 after all
            if doc is NOT_MODIFIED:
                yield 1, None, None, headers
                return
            if probe is not None and page == 0:
                ids0 = None if not isinstance(doc, dict) or not isinstance(doc.get("contents"), list) else \
                    [str(d.get("id")) for d in doc["contents"] if isinstance(d, dict)]
                if ids0 is None or ids0 == probe[2]:  # page 0 is page 1 again, or refused: numbered from 1
                    self.first_page = base = 1
                    doc, headers, page = probe[3], probe[1], 1
                probe = None
            if isinstance(doc, list):  # an unpaged array (minimal listings often are)
                yield 1, 1, [d for d in doc if isinstance(d, dict)], headers
                return
            if not isinstance(doc, dict) or not isinstance(doc.get("contents"), list):
                raise AdvocateError(_("{url} answered {what} with something that is not an HSDS page (no "
                                      "contents list); is this the API's base URL?").format(url=self.url, what=what),
                                    field="url")
            contents = [d for d in doc["contents"] if isinstance(d, dict)]
            ids = [str(d.get("id")) for d in contents]
            if n == 1 and page == 1 and self.first_page is None and _counts_from_zero(doc, contents):
                probe = (contents, headers, ids, doc)
                page = 0
                continue
            if n == 1 and self.first_page is None:
                self.first_page = page
            try:
                total_pages = int(doc["total_pages"]) if doc.get("total_pages") not in (None, "") else total_pages
            except (TypeError, ValueError):
                total_pages = None
            if contents and ids == previous_ids:
                raise AdvocateError(_("{url} sent the same services for page {page} as for the page before; it "
                                      "does not seem to page (nothing was changed)").format(url=self.url, page=n),
                                    field="url")
            previous_ids = ids
            yield n, total_pages, contents, headers
            if doc.get("last_page") is True or not contents or (total_pages is not None and n >= total_pages):
                return
            page += 1
            n += 1
        raise AdvocateError(_("{url} has more than {n} pages; ask for bigger pages").format(url=self.url, n=MAX_PAGES),
                            field="page_size")

    def download(self, *, modified_after: str | None = None,
                 on_page: Callable[[int, int | None, int], None] | None = None) -> Pulled:
        """Every service (or those modified on or after ``modified_after``), fully nested, staged on disk."""
        params: dict[str, Any] = {"full": "true"}
        if modified_after:
            params["modified_after"] = modified_after
        pulled = Pulled(stage=RawStage())
        try:
            for page, total, contents, headers in self.pages(params):
                if page == 1:
                    pulled.server_time = _server_time(headers)
                full = []
                for svc in contents:
                    if not _nested(svc) and str(svc.get("id") or "").strip():
                        detail, _h = self.fetch.get_json(
                            "services/" + quote(str(svc["id"]).strip(), safe=""),
                            what=_("service {id}").format(id=str(svc["id"])[:80]))
                        pulled.details += 1
                        if isinstance(detail, dict) and detail.get("id"):
                            svc = detail
                    full.append(svc)
                pulled.stage.add(full)
                pulled.pages = page
                pulled.services += len(full)
                if on_page:
                    on_page(page, total, pulled.services)
        except BaseException:
            pulled.stage.close()
            raise
        return pulled

    def list_ids(self, on_page: Callable[[int, int | None, int], None] | None = None) -> set[str]:
        """Every service id the API lists now (``minimal=true`` where supported, else the plain pages)."""
        listing = self.listing(on_page=on_page)
        assert listing.ids is not None
        return listing.ids

    def listing(self, validators: dict | None = None,
                on_page: Callable[[int, int | None, int], None] | None = None) -> Listing:
        """The ids the API lists now, asked for conditionally when ``validators`` (from an earlier
        :class:`Listing`) are given: a 304 answer gives ``ids`` None, the listing unchanged since."""
        conditional = {}
        if validators and validators.get("etag"):
            conditional["If-None-Match"] = validators["etag"]
        if validators and validators.get("last_modified"):
            conditional["If-Modified-Since"] = validators["last_modified"]
        ids: set[str] = set()
        pages, dated, last = 0, True, {}
        for page, total, contents, headers in self.pages({"minimal": "true"}, what_page=_("id listing page {page}"),
                                                         page_size=max(self.page_size, 1000),
                                                         conditional=conditional or None):
            if contents is None:
                return Listing(None, validators.get("etag") if validators else None,
                               validators.get("last_modified") if validators else None,
                               bool(validators and validators.get("dated")))
            pages, last = page, headers
            ids.update(str(d.get("id")).strip() for d in contents if str(d.get("id") or "").strip())
            dated = dated and all(any(d.get(k) for k in DATED_KEYS) for d in contents)
            if on_page:
                on_page(page, total, len(ids))
        if pages != 1:  # validators of page 1 say nothing about the other pages
            return Listing(ids, None, None, False)
        return Listing(ids, _header(last, "etag"), _header(last, "last-modified"), dated)


@dataclass
class Listing:
    """The ids an API lists, and what lets the next listing be asked for conditionally: the validators of the
    answer (kept only when one answer held the whole listing) and whether each id came with its modification
    date (then an unchanged listing means no service was edited either)."""

    ids: set[str] | None  # None: not modified since the validators
    etag: str | None = None
    last_modified: str | None = None
    dated: bool = False

    @property
    def validators(self) -> dict | None:
        if not (self.etag or self.last_modified):
            return None
        return {"etag": self.etag, "last_modified": self.last_modified, "dated": self.dated}


def write_pulled(store: Store, pulled: Pulled, *, source: str, url: str, about: dict, options: dict | None,
                 dry_run: bool = False,
                 incremental: bool = False, present_ids: set[str] | None = None, rejects_target=None,
                 online: bool = False, progress=None, pulled_at: str | None = None,
                 geocoder=None, listing: Listing | None = None) -> tuple[ImportStats, Any]:
    """Write staged services through the shared importer, and remember the source, in one transaction
    (``options`` None keeps the source's stored options; ``listing`` gives the id listing's validators to keep
    for the next sync, none without it)."""
    from advocate.clock import now_utc
    from advocate.directory.hsds import Importer
    from advocate.directory.hsds_read import stage_service_objects
    from advocate.directory.sources import record_source

    tables = stage_service_objects(pulled.stage.objects, pulled.stage.columns)
    if "services" not in tables.columns:
        tables.create("services", ["id", "name"])
    importer = Importer(store, source=source, online=online, progress=progress,
                        tables=(tables, "hsds-3-api", source), geocoder=geocoder)
    importer.rejects_target = rejects_target
    importer.incremental = incremental
    importer.present_ids = present_ids
    when = parse_modified_after(pulled_at or pulled.server_time or now_utc())
    importer.record = lambda stats: record_source(
        store, name=importer.source, kind="api", location=url, layout="hsds-3-api", options=options, stats=stats,
        pulled_at=when, etag=listing.etag if listing else None,
        last_modified=listing.last_modified if listing else None, publisher=about.get("publisher"),
        version=about.get("version"))
    try:
        stats = importer.run(dry_run=dry_run)
    finally:
        tables.close()
    return stats, importer


def import_api(store: Store, url: str, *, source: str | None = None, modified_after=None,
               page_size: int = DEFAULT_PAGE_SIZE, allow_http: bool = False, dry_run: bool = False,
               rejects_path=None, force: bool = False, confirm=None, online: bool = False, progress=None,
               on_page=None, http: HttpOptions | None = None, geocoder=None) -> ImportStats:
    """Import an HSDS 3.x API; returns the same summary as :func:`advocate.directory.hsds.import_directory`
    (``services_read = imported + updated + rejected``) plus ``pages``.

    With ``modified_after`` only the services changed since then are read, and none is inactivated (the
    pull did not see the others). ``on_page(page, total_pages, services)`` follows the download,
    ``progress(n, total)`` the write."""
    from advocate.directory.hsds import _slug
    from advocate.files import output_path

    since = parse_modified_after(modified_after)
    reader = ApiReader(url, allow_http=allow_http, page_size=page_size, http=http)
    name = _slug(source or default_source_name(reader.url))
    if name == "advocate-bundled":
        raise InputError(_('"advocate-bundled" is reserved for the directory shipped with advocate; choose another '
                           "source name"), field="source")
    target = output_path(rejects_path, force=force, confirm=confirm, default_name="rejects.csv") \
        if rejects_path else None
    try:
        about = reader.about()
        pulled = reader.download(modified_after=since, on_page=on_page)
    finally:
        reader.close()
    try:
        options = {"page_size": reader.page_size, "allow_http": allow_http}
        stats, importer = write_pulled(store, pulled, source=name, url=reader.url, about=about, options=options,
                                       dry_run=dry_run, incremental=bool(since), rejects_target=target,
                                       online=online, progress=progress, geocoder=geocoder)
    finally:
        pulled.stage.close()
    stats["pages"] = pulled.pages
    stats["rejects"] = importer.rejects
    stats["unmapped_language_names"] = [
        {"text": t, "services": n} for t, n in sorted(importer.unmapped_language_counts.items(),
                                                      key=lambda kv: (-kv[1], kv[0].casefold()))]
    return stats
