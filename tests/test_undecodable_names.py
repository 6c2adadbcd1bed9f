"""A file name that is not UTF-8 (bytes on POSIX) prints in every format and gives valid SARIF (issue 16, item 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_output_inert import _hostile_project
from tests.test_sarif import validate


@pytest.mark.parametrize("fmt", ["console", "plain", "json", "github", "summary"])
def test_undecodable_names_print_in_every_format(tmp_path: Path, fmt: str) -> None:
    _hostile_project(tmp_path, b"base-\xffid")
    result = run_cli("check", "p", "--format", fmt, cwd=tmp_path, env={"PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 1, result.stderr
    assert "base-\\xffid" in result.stdout or "base-\\udcffid" in result.stdout


def test_undecodable_names_give_valid_sarif_with_percent_encoded_uris(tmp_path: Path) -> None:
    _hostile_project(tmp_path, b"base-\xffid")
    sarif = tmp_path / "out.sarif"
    result = run_cli("check", "p", "--format", "plain", "--report", f"sarif:{sarif}", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    data = json.loads(sarif.read_text(encoding="utf-8"))
    validate(data)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in data["runs"][0]["results"]]
    assert "p/management/global/base-%FFid/outputs.tf" in uris
