"""Every import remembers its source; `services sources` lists them."""

import shutil

import pytest

from advocate.directory.hsds import import_directory
from advocate.directory.sources import content_hash, get_source, list_sources, record_source
from advocate.errors import InputError, NotFound
from tests.helpers import FIX


def test_an_import_records_its_source(store):
    stats = import_directory(store, FIX / "hsds-3.0", source="la")
    [src] = list_sources(store)
    assert src["name"] == "la" and src["kind"] == "folder" and src["layout"] == "hsds-3"
    assert src["location"] == str((FIX / "hsds-3.0").resolve())
    assert src["imported"] == stats["imported"] and src["services_read"] == stats["services_read"]
    assert src["active_services"] == stats["imported"]
    assert src["content_hash"] == content_hash(FIX / "hsds-3.0") and len(src["content_hash"]) == 64
    assert src["last_pulled"] and src["options"] == {}


def test_a_dry_run_or_failed_import_records_nothing(store, tmp_path):
    import_directory(store, FIX / "hsds-3.0", source="la", dry_run=True)
    assert list_sources(store) == []
    with pytest.raises(InputError):
        import_directory(store, tmp_path, source="empty")
    assert list_sources(store) == []


def test_reimport_updates_the_record_and_the_hash_follows_the_content(store, tmp_path):
    folder = tmp_path / "dir"
    shutil.copytree(FIX / "hsds-3.0", folder)
    import_directory(store, folder, source="x")
    first = get_source(store, "x")
    assert content_hash(folder) == first["content_hash"]
    services = folder / "services.csv"
    services.write_text(services.read_text(encoding="utf-8").replace("Legal", "Legal aid", 1), encoding="utf-8")
    import_directory(store, folder, source="x")
    second = get_source(store, "x")
    assert second["content_hash"] != first["content_hash"]
    assert second["updated"] == first["imported"] and second["imported"] == 0
    assert second["created"] == first["created"]


def test_options_are_kept_unless_replaced(store):
    with store.write():
        record_source(store, name="team", kind="sheet", location="/x/team.xlsx", layout="sheet",
                      options={"sheet": "Hoja1", "map": {"name": "Organización"}})
        record_source(store, name="team", kind="sheet", location="/x/team.xlsx", stats={"imported": 3})
    src = get_source(store, "team")
    assert src["options"] == {"sheet": "Hoja1", "map": {"name": "Organización"}} and src["imported"] == 3
    with pytest.raises(InputError):
        record_source(store, name="t", kind="ftp", location="x")


def test_unknown_source_name_suggests(store):
    import_directory(store, FIX / "hsds-3.0", source="miami-211")
    with pytest.raises(NotFound) as err:
        get_source(store, "miami-21")
    assert "miami-211" in str(err.value) and err.value.field == "source"


def test_sources_cli(cli):
    r = cli("services", "sources")
    assert r.exit_code == 0 and "No directory has been imported yet" in r.stderr
    assert cli("services", "import", FIX / "hsds-3.0", "--source", "la").exit_code == 0
    r = cli("services", "sources", "-f", "json")
    assert r.exit_code == 0, r
    [row] = r.json()
    assert row["name"] == "la" and row["kind"] == "folder" and row["options"] == {}
    r = cli("services", "sources")
    assert r.exit_code == 0 and "la" in r.stdout and "folder" in r.stdout
    r = cli("services", "sources", "-f", "csv")
    assert r.exit_code == 0 and r.stdout.startswith("name,kind,location")
    r = cli("services", "sources", "nope")
    assert r.exit_code == 1 and "no source named" in r.stderr
    r = cli("--lang", "es", "services", "sources")
    assert r.exit_code == 0 and "Fuente" in r.stdout
