"""The offline place index opens from a cache folder whatever its name (an attacker review: a '#' in the folder's
name, as in "C#", made every place lookup fail with "no such table: names" and left an empty file beside it)."""

from __future__ import annotations

import shutil

from advocate.geo import gazetteer


def test_a_cache_folder_with_uri_characters_in_its_name(cli, tmp_path, monkeypatch, gazetteer_cache):
    folder = tmp_path / "cache #1 ?x %41"
    folder.mkdir()
    built = gazetteer_cache / gazetteer.gazetteer_path().name
    shutil.copy(built, folder / built.name)
    monkeypatch.setenv("ADVOCATE_CACHE_DIR", str(folder))
    r = cli("services", "near", "10001", "--limit", "1", "-f", "csv")
    assert r.exit_code == 0, r
    assert "Building" not in r.stderr  # the index in that folder was used, not built again
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("cache")) == [folder.name]
