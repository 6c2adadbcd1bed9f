"""Fixtures of the real-CLI tests: the three venvs and the one shared moto server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.realcli.tools import Moto, ensure_venv, shared_moto


@pytest.fixture(scope="session")
def realcli_bins() -> dict[str, Path]:
    return {name: ensure_venv(name) for name in ("leverage", "aws")}


@pytest.fixture(scope="session")
def moto() -> Moto:
    return shared_moto()
