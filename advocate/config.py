"""Where things live and what the user has configured.

Store path, in order: an explicit path (``--db``), ``ADVOCATE_DB``, then the user data dir.
Configuration is an optional TOML file, ``config.toml`` in the user config dir (or
``ADVOCATE_CONFIG``). Every key has a safe default: no network, no sensitive items, English
and Spanish.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from advocate.defaults import DEFAULT_WITHIN, GEOCODER, GEOCODER_USER_AGENT, STALE_AFTER_MONTHS
from advocate.i18n import _

APP = "advocate"


def _dirs():
    import platformdirs

    return platformdirs.PlatformDirs(APP, appauthor=False)


def data_dir() -> Path:
    return Path(_dirs().user_data_dir)


def config_dir() -> Path:
    return Path(os.environ.get("ADVOCATE_CONFIG_DIR") or _dirs().user_config_dir)


def cache_dir() -> Path:
    return Path(os.environ.get("ADVOCATE_CACHE_DIR") or _dirs().user_cache_dir)


def default_db_path() -> Path:
    env = os.environ.get("ADVOCATE_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / "advocate.db"


def config_path() -> Path:
    env = os.environ.get("ADVOCATE_CONFIG")
    return Path(env).expanduser() if env else config_dir() / "config.toml"


@dataclass
class Config:
    online_geocoding: bool = False
    geocoder: str = GEOCODER  # or a URL of a self-hosted Nominatim
    geocoder_user_agent: str = GEOCODER_USER_AGENT
    languages: list[str] = field(default_factory=lambda: ["en", "es"])
    stale_after_months: int = STALE_AFTER_MONTHS
    organization_name: str = ""  # shown on printouts only when set
    default_within: str = DEFAULT_WITHIN
    suppress_below: int = 5
    retention_years: int = 7
    interface_language: str = ""  # en or es; empty: ADVOCATE_LANG, then the locale (LANG=es_MX... -> es)
    agenda_days: int = 7  # `advocate today`: appointments in the next N days
    referral_followup_days: int = 14  # a referral with no change for N days is listed for follow-up
    release_warning_days: int = 14  # releases ending within N days are listed
    checklists_dir: str = ""  # extra/override checklists; default <config dir>/checklists
    home_timezone: str = ""  # IANA zone appointments are logged in when none is given (asked on first use)
    # what an import reads from a zip or folder, checked while streaming (generous for real exports)
    import_max_total_mb: int = 2048  # uncompressed, all the zip's members together
    import_max_ratio: int = 200  # uncompressed / compressed, past the first 32 MB of a member
    import_max_line_mb: int = 16  # one line of a CSV
    import_max_members: int = 10_000  # files in a zip

    @property
    def checklist_override_dir(self) -> Path:
        return Path(self.checklists_dir).expanduser() if self.checklists_dir else config_dir() / "checklists"


def load_config(path: Path | None = None) -> Config:
    from advocate.errors import AdvocateError

    path = path or config_path()
    cfg = Config()
    if not path.exists():
        return cfg
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise AdvocateError(_("the config file {path} cannot be read ({exc}); fix or remove it").format(path=path, exc=exc)) from None
    for key, value in raw.items():
        key = key.replace("-", "_")
        if not hasattr(cfg, key):
            raise AdvocateError(_('the config file {path} has an unknown key "{key}"').format(path=path, key=key))
        expected = type(getattr(cfg, key))
        if not isinstance(value, expected):
            raise AdvocateError(
                _('the config key "{key}" in {path} should be a {name}, not {value!r}').format(key=key, path=path, name=expected.__name__, value=value)
            )
        setattr(cfg, key, value)
    return cfg


def set_config_value(key: str, value: str, path: Path | None = None) -> Path:
    """Record ``key = "value"`` in the config file (replacing the key's line if there is one; every other
    line kept as written), through the output gateway. Returns the file written."""
    import json
    import re

    from advocate.files import write_private

    path = path or config_path()
    if not hasattr(Config(), key):
        raise ValueError(key)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=.*$", re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: line, text, count=1)
    else:
        # a bare key must come before the first [table] header to stay a top-level key
        header = re.search(r"^\s*\[", text, re.M)
        at = header.start() if header else len(text)
        before = text[:at]
        if before and not before.endswith("\n"):
            before += "\n"
        text = before + line + "\n" + text[at:]
    tomllib.loads(text)  # never write a file that would not load
    return write_private(path, text, force=True, make_parents=True)
