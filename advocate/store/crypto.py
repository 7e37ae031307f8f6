"""Optional encryption at rest with SQLCipher (``pip install 'advocate[encryption]'``).

The key comes from, in order: the caller, ``ADVOCATE_DB_KEY``, the OS keyring (if the ``keyring``
package is installed and holds a password for service "advocate" and the store path). The key is
kept in memory only for as long as the store is open.
"""

from __future__ import annotations

import os
from pathlib import Path

from advocate.errors import StoreError
from advocate.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"


def available() -> bool:
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        return False
    return True


def driver():
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise StoreError(_("encryption needs SQLCipher: install it with pip install 'advocate[encryption]'")) from None
    return dbapi2


def looks_encrypted(path: Path) -> bool:
    """A non-empty file whose header is not SQLite's: encrypted, or not a database at all."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return bool(head) and head != SQLITE_HEADER


def find_key(path: Path, key: str | None = None) -> str | None:
    if key:
        return key
    env = os.environ.get("ADVOCATE_DB_KEY")
    if env:
        return env
    try:
        import keyring
    except ImportError:
        return None
    try:
        return keyring.get_password("advocate", str(path.resolve()))
    except Exception:  # no keyring backend on this machine
        return None


def apply_key(conn, key: str) -> None:
    try:  # SQLCipher logs a wrong key to stderr itself; we say it in one sentence instead
        conn.execute("PRAGMA cipher_log_level = NONE")
    except Exception:
        pass
    conn.execute(f"PRAGMA key = '{key.replace(chr(39), chr(39) * 2)}'")


def connect(path: Path, key: str, **kw):
    """An SQLCipher connection with the key applied and checked (a wrong key raises StoreError)."""
    dbapi2 = driver()
    conn = dbapi2.connect(str(path), **kw)
    apply_key(conn, key)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi2.DatabaseError:
        conn.close()
        raise StoreError(_("{path} cannot be opened with that key (wrong key, or not an advocate store); nothing was changed").format(path=path)) from None
    return conn


def export_encrypted(plain_path: Path, dest: Path, key: str) -> None:
    """Write an encrypted copy of the plain store ``plain_path`` to ``dest`` (sqlcipher_export)."""
    dbapi2 = driver()
    conn = dbapi2.connect(str(plain_path), isolation_level=None)
    try:
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY '{key.replace(chr(39), chr(39) * 2)}'", (str(dest),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()


def export_plain(enc_path: Path, dest: Path, key: str) -> None:
    """Write a plain (unencrypted) copy of the encrypted store ``enc_path`` to ``dest``."""
    conn = connect(enc_path, key, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS plaintext KEY ''", (str(dest),))
        conn.execute("SELECT sqlcipher_export('plaintext')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA plaintext.user_version = {int(version)}")
        conn.execute("DETACH DATABASE plaintext")
    finally:
        conn.close()


def db_errors(name: str = "Error") -> tuple[type[BaseException], ...]:
    """sqlite3's error class ``name`` and, once SQLCipher's driver is loaded, its twin (the two drivers share no
    classes): ``except db_errors("OperationalError")`` catches either without importing SQLCipher."""
    import sqlite3
    import sys

    found: list[type[BaseException]] = [getattr(sqlite3, name)]
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    if cipher is not None:
        found.append(getattr(cipher, name))
    return tuple(found)


def is_db_error(exc: BaseException) -> bool:
    """An error from sqlite3 or SQLCipher's driver (they do not share classes)."""
    return any(c.__name__ in ("DatabaseError", "Error") and c.__module__.split(".")[0] in ("sqlite3", "sqlcipher3")
               for c in type(exc).__mro__)
