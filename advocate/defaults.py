"""One home for the defaults a caller gets when it says nothing.

The config file (:class:`advocate.config.Config`) starts from these; library functions default to them.
"""

from __future__ import annotations

from advocate.geo.distance import KM_PER_MILE

__all__ = ["DEFAULT_WITHIN", "DEFAULT_WITHIN_KM", "GEOCODER", "GEOCODER_USER_AGENT", "KM_PER_MILE",
           "STALE_AFTER_MONTHS"]

DEFAULT_WITHIN = "50mi"  # the search radius, as the config file and the command line write it
DEFAULT_WITHIN_KM = round(50 * KM_PER_MILE, 2)  # the same radius in km (80.47), as the library takes it
STALE_AFTER_MONTHS = 12  # a service not verified for this long is marked stale
GEOCODER = "nominatim"  # the online geocoder, when the user turns it on: OpenStreetMap's, or a URL of one's own
GEOCODER_USER_AGENT = "advocate-cli"  # how advocate names itself to it (Nominatim's usage policy asks for one)
