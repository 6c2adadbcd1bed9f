"""The README's integration snippets match the files they describe."""

from __future__ import annotations

import re

import yaml

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("<!-- section:integrations -->") : README.index("<!-- /section:integrations -->")]
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
WORKFLOW_TEXT = (REPO / "examples" / "github-workflow.yml").read_text(encoding="utf-8")
WORKFLOW = yaml.safe_load(WORKFLOW_TEXT)


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", SECTION, flags=re.DOTALL)


def test_readme_shows_the_example_workflow_verbatim() -> None:
    assert WORKFLOW_TEXT in yaml_blocks()


def test_readme_precommit_snippet_names_real_hooks() -> None:
    config = yaml.safe_load(yaml_blocks()[0])
    (repo,) = config["repos"]
    assert {hook["id"] for hook in repo["hooks"]} <= {hook["id"] for hook in HOOKS}


def test_hooks_check_the_whole_project_on_every_commit() -> None:
    for hook in HOOKS:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert hook["always_run"] is True
        assert hook["require_serial"] is True
        for name in ("build.env", "a/roles.tf", "a/config/backend.tfvars", "project.yaml", ".mfa-guard.yaml"):
            assert re.search(hook["files"], name), (hook["id"], name)
        assert not re.search(hook["files"], "README.md")
    assert [hook["entry"] for hook in HOOKS] == ["mfa-guard check", "mfa-guard fix"]


def test_example_workflow_uploads_the_sarif_the_action_writes() -> None:
    assert WORKFLOW["permissions"]["security-events"] == "write"
    steps = WORKFLOW["jobs"]["mfa-guard"]["steps"]
    (action,) = [s for s in steps if s.get("id") == "mfa-guard"]
    (upload,) = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == action["with"]["sarif-file"]
    assert "!cancelled()" in upload["if"]  # uploads after a failing check too
    assert True in WORKFLOW or "on" in WORKFLOW  # PyYAML reads the key `on` as True
    triggers = WORKFLOW.get("on", WORKFLOW.get(True))
    assert "pull_request" in triggers


def test_example_workflow_caches_the_pip_download_around_the_action() -> None:
    steps = WORKFLOW["jobs"]["mfa-guard"]["steps"]
    uses = [str(s.get("uses", "")) for s in steps]
    action = next(i for i, s in enumerate(steps) if s.get("id") == "mfa-guard")
    restore, save = uses.index("actions/cache/restore@v4"), uses.index("actions/cache/save@v4")
    assert restore < action < save
    assert steps[restore]["with"]["path"] == steps[save]["with"]["path"] == "~/.cache/pip"
    version = uses[action].rsplit("@", 1)[1]
    assert version in steps[restore]["with"]["key"]  # a new release starts a new cache
    assert steps[save]["with"]["key"] == "${{ steps.pip-cache.outputs.cache-primary-key }}"
    assert "!cancelled()" in steps[save]["if"]  # saved after a failing check too
