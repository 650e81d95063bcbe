"""No network: with every non-AF_UNIX connect blocked, the whole ask flow still works."""

from __future__ import annotations

import socket

import pytest

from desktop import offline


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    attempts: list[object] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(real):
        def connect(self: socket.socket, address: object) -> object:
            if self.family != socket.AF_UNIX:
                attempts.append(address)
                raise NetworkUsed(f"network connection attempted to {address!r}")
            return real(self, address)

        return connect

    monkeypatch.setattr(socket.socket, "connect", guard(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guard(real_connect_ex))
    return attempts


def test_offline_environment_is_set() -> None:
    offline.apply()
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"


def test_whole_ask_flow_without_network(no_network: list[object], lantern_home) -> None:
    from desktop.services import build_services
    from desktop.settings import load_settings

    services = build_services(load_settings())  # first run: builds the index
    try:
        answer = services.engine.ask("How does CAR-T cell therapy work for breast cancer?")
        assert answer.citations
    finally:
        services.close()
    assert no_network == []
