"""Fixtures of the directory tests."""

import pytest

from tests.directory.hsds_server import HsdsApi, allow_loopback, make_service


@pytest.fixture
def api(monkeypatch):
    """An HSDS 3.0 API of 30 services on 127.0.0.1 (the one address the network guard lets through)."""
    allow_loopback(monkeypatch)
    server = HsdsApi([make_service(i) for i in range(30)]).start()
    yield server
    server.stop()
