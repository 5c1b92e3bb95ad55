"""Shared fixtures. Every fixture file is built in code from seeded generators."""

from __future__ import annotations

import socket

import pytest

from spillguard.synth.people import Person, people


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """spillguard works offline: any attempt to open a network connection beyond this machine
    (the loopback servers tests start themselves, Unix sockets of worker pools) fails the test."""

    real_connect = socket.socket.connect
    real_create = socket.create_connection

    def loopback(address: object) -> bool:
        host = address[0] if isinstance(address, tuple) else address
        return host in ("127.0.0.1", "::1", "localhost")  # servers the tests start themselves

    def connect(self: socket.socket, address: object) -> None:
        if self.family != socket.AF_UNIX and not loopback(address):  # Unix sockets never leave the machine
            raise AssertionError("spillguard tried to use the network")
        return real_connect(self, address)

    def create_connection(address: object, *args: object, **kwargs: object) -> socket.socket:
        if not loopback(address):
            raise AssertionError("spillguard tried to use the network")
        return real_create(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)


@pytest.fixture(autouse=True)
def _key_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys of the stores tests make go to a folder of the test run, not the user's ~/.config."""
    monkeypatch.setenv("SPILLGUARD_KEY_DIR", str(tmp_path_factory.getbasetemp() / "keys"))


@pytest.fixture
def roster() -> list[Person]:
    return list(people(120, seed=7))
