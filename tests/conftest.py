"""Shared fixtures. The network is blocked for every test: only loopback addresses connect."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from typing import Any

import pytest

# shared/ sits beside the checkout (TPA_SHARED_DIR overrides). Tests never read it at
# import time: the intakes they need are copied in tests/data/shared/ (test_test_data
# checks the copies still match when shared/ is present); anything else read from
# SHARED is read inside a test, which skips with a reason when it is absent.
SHARED = Path(os.environ.get("TPA_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
DATA = Path(__file__).resolve().parent / "data"
INTAKES = DATA / "shared" / "intakes"
VALID_INTAKES = sorted(INTAKES.glob("*.json"))
INVALID_INTAKES = sorted((INTAKES / "invalid").glob("*.json"))

_real_connect = socket.socket.connect


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):
        return True  # unix socket
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise ConnectionRefusedError(f"tests may only connect to 127.0.0.1; refused {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test session gets its own data directory and no model credentials."""
    data = tmp_path_factory.getbasetemp() / "tpa-data"
    monkeypatch.setenv("TPA_DATA_DIR", str(data))
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "TPA_LLM_API_KEY",
        "TPA_LLM_BASE_URL",
        "DATABASE_URL",
        "TPA_DATABASE_URL",
        "CHROMA_HOST",
        "TPA_CHROMA_HOST",
    ):
        monkeypatch.delenv(var, raising=False)
    from assistant.config import get_settings

    get_settings.cache_clear()


@pytest.fixture(scope="session")
def shared_intakes() -> list[Path]:
    assert VALID_INTAKES, f"no shared intakes found under {INTAKES}"
    return VALID_INTAKES


def shared_file(*parts: str) -> Path:
    """A file under ``shared/``, or skip the calling test saying it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"{path} is absent (set TPA_SHARED_DIR to the shared folder)")
    return path
