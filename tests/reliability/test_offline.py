"""No network by default: every command family runs with sockets refused (see conftest.no_network)."""

import socket

import pytest

from advocate.errors import InputError


def test_sockets_really_are_blocked():
    # the conftest's own refusal, not whatever error a closed port would give
    with pytest.raises(RuntimeError, match="network access attempted"):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(RuntimeError, match="network access attempted"):
        socket.getaddrinfo("example.org", 443)


def test_every_command_family_works_offline(cli, tmp_path):
    steps = [
        ["services", "near", "10001", "-f", "json"],
        ["services", "near", "Tijuana, BC", "-c", "consular"],
        ["places", "resolve", "Oaxaca de Juárez, Oax."],
        ["services", "categories"],
        ["services", "languages"],
        ["services", "search", "consulado"],
        ["checklist", "show", "intake", "-f", "html", "-o", str(tmp_path / "i.html")],
        ["clients", "list"],
        ["appointments", "list"],
        ["report", "--month", "2026-12"],
        ["db", "check"],
        ["db", "audit"],
    ]
    for args in steps:
        r = cli(*args)
        assert r.exit_code == 0, (args, r)
        assert "network access attempted" not in (r.stderr + r.stdout)


def test_street_address_does_not_go_online_unless_asked(cli):
    r = cli("services", "near", "100 Main St, Austin, TX")
    assert r.exit_code == 2 and "online geocoding" in r.stderr


def test_online_geocoder_refuses_client_data(store):
    from advocate.geo.online import geocode

    with pytest.raises(InputError):
        geocode("near C-7K3M9Q's house, Austin TX", store=store, geocoder=object())
