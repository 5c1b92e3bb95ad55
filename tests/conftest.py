"""Shared fixtures. Every fixture file is built in code from seeded generators."""

from __future__ import annotations

import socket

import pytest

from spillguard.synth.people import Person, people


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """spillguard works offline: any attempt to open a network connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("spillguard tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def roster() -> list[Person]:
    return list(people(120, seed=7))
