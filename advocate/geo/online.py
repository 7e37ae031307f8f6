"""Online geocoding through geopy - the only code in advocate that opens a network connection.

Only called when the caller turned it on (``online=True``; on the command line: config
``online_geocoding = true`` or ``--online`` on that call). Which geocoder is the caller's to say
(:func:`make_geocoder`; the command line makes it from the user's config): this module reads no config. Results are cached in the store so a place is asked for once. Callers must never pass
text that came from client records; :func:`geocode` refuses text that looks like a client code.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from advocate.defaults import GEOCODER, GEOCODER_USER_AGENT
from advocate.errors import AdvocateError, InputError
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store

_CLIENT_CODE = re.compile(r"\bC-[0-9A-Z]{6}\b")
_last_call = 0.0


def geocode(query: str, *, store: Store | None = None, geocoder=None):
    from advocate.geo.resolve import Place

    if _CLIENT_CODE.search(query.upper()):
        raise InputError(_("that text contains a client code; client data is never sent to an online geocoder"))
    key = " ".join(query.lower().split())
    if store is not None:
        row = store.geocode_cache_get(key)
        if row:
            return Place(query, row["latitude"], row["longitude"], row["display"], "address",
                         f'{row["provider"]} (cached)')
    geocoder = geocoder or make_geocoder()
    global _last_call
    wait = 1.0 - (time.monotonic() - _last_call)  # Nominatim's usage policy: 1 request a second
    if wait > 0:
        time.sleep(wait)
    _last_call = time.monotonic()
    try:
        loc = geocoder.geocode(query, country_codes=["us", "mx"], timeout=10)
    except Exception as exc:  # geopy raises many kinds; all mean "could not reach / refused"
        raise AdvocateError(_("the online geocoder could not be reached ({name}); try a ZIP or city, which work offline").format(name=type(exc).__name__)) from None
    if loc is None:
        raise AdvocateError(_('the online geocoder found nothing for "{query}"; try a ZIP or "City, ST"').format(query=query))
    provider = type(geocoder).__name__.lower()
    if store is not None:
        store.geocode_cache_put(key, loc.latitude, loc.longitude, loc.address, provider,
                                datetime.now(UTC).isoformat(timespec="seconds"))
    return Place(query, loc.latitude, loc.longitude, loc.address, "address", provider, approximate=False)


class Nominatim:
    """OpenStreetMap's Nominatim (``service="nominatim"``) or a self-hosted one at a URL, through geopy,
    which is imported on the first lookup (making one costs nothing)."""

    def __init__(self, service: str = GEOCODER, user_agent: str = GEOCODER_USER_AGENT):
        self.service, self.user_agent = service, user_agent
        self._geopy: Any = None

    def geocode(self, query: str, **kwargs):
        if self._geopy is None:
            from geopy.geocoders import Nominatim as GeopyNominatim

            if self.service.startswith(("http://", "https://")):
                from urllib.parse import urlparse

                u = urlparse(self.service)
                self._geopy = GeopyNominatim(user_agent=self.user_agent, domain=u.netloc + u.path.rstrip("/"),
                                             scheme=u.scheme)
            else:
                self._geopy = GeopyNominatim(user_agent=self.user_agent)
        return self._geopy.geocode(query, **kwargs)


def make_geocoder(service: str = GEOCODER, user_agent: str = GEOCODER_USER_AGENT) -> Nominatim:
    """The geocoder ``geocode`` uses when given none: ``service`` is "nominatim" or the URL of a self-hosted
    Nominatim (the config's ``geocoder``); ``user_agent`` the name advocate gives it."""
    return Nominatim(service, user_agent)
