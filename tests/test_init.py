"""`mfa-guard init`: config with a schema modeline, an optional baseline, the set-up snippets; the monorepo hint."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from mfa_guard.commands.init import WORKFLOW, config_text, missing_gitignore_lines, precommit_snippet
from tests.conftest import REPO, run_cli


def _repository(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text(".*\n!.gitignore\n", encoding="utf-8")
    shutil.copytree(REPO / "examples" / "leverage-project", tmp_path / "infra")
    return tmp_path / "infra"


def test_init_with_a_baseline_unblocks_an_existing_repository(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    assert run_cli("check", "infra", cwd=tmp_path).returncode == 1
    result = run_cli("init", "infra", "--baseline", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    config = (root / ".mfa-guard.yaml").read_text(encoding="utf-8")
    assert config.startswith("# yaml-language-server: $schema=https://github.com/mfa-guard/mfa-guard/raw/v")
    assert yaml.safe_load(config) == {"fail_on": "warning", "baseline": "mfa-guard-baseline.json"}
    assert (root / "mfa-guard-baseline.json").is_file()
    after = run_cli("check", "infra", cwd=tmp_path)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "4 known findings hidden by the baseline." in after.stdout
    out = result.stdout
    assert "  - repo: local" in out and "        args: [infra]" in out
    assert "!.mfa-guard.yaml\n!.mfa-guard-applied\n!.pre-commit-config.yaml\n!.github/\n" in out
    assert "path: infra " in out and "upload-sarif" in out
    again = run_cli("init", "infra", cwd=tmp_path)
    assert again.returncode == 2 and "already exists; init writes nothing over it" in again.stderr


def test_the_printed_local_hook_is_valid_pre_commit_config() -> None:
    snippet = yaml.safe_load(precommit_snippet("infra", None))
    (repo,) = snippet["repos"]
    assert repo["repo"] == "local"
    (hook,) = repo["hooks"]
    assert hook["entry"] == "mfa-guard check" and hook["args"] == ["infra"] and hook["language"] == "system"
    remote = yaml.safe_load(precommit_snippet(".", "v9.9.9"))["repos"][0]
    assert remote["rev"] == "v9.9.9" and "args" not in remote["hooks"][0]


def test_config_text_validates_against_the_config_schema() -> None:
    import json

    import jsonschema

    schema = json.loads((REPO / "mfa_guard" / "config.schema.json").read_text(encoding="utf-8"))
    for baseline in (False, True):
        jsonschema.validate(yaml.safe_load(config_text("https://x", baseline)), schema)


def test_gitignore_lines_only_when_dotfiles_are_ignored(tmp_path: Path) -> None:
    assert missing_gitignore_lines(tmp_path) == []
    (tmp_path / ".gitignore").write_text("*.tfstate\n", encoding="utf-8")
    assert missing_gitignore_lines(tmp_path) == []
    (tmp_path / ".gitignore").write_text(".*\n!.github/\n", encoding="utf-8")
    assert missing_gitignore_lines(tmp_path) == ["!.mfa-guard.yaml", "!.mfa-guard-applied", "!.pre-commit-config.yaml"]


def test_the_workflow_init_prints_is_the_example() -> None:
    assert WORKFLOW.read_text(encoding="utf-8") == (REPO / "examples" / "github-workflow.yml").read_text(
        encoding="utf-8"
    )


def test_not_a_project_suggests_the_sub_directory(tmp_path: Path) -> None:
    _repository(tmp_path)
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "a project is in infra: run `mfa-guard check infra` (pre-commit: `args: [infra]`)" in result.stderr
