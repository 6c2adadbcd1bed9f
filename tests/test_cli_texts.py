"""What mfa-guard says is true for the project's Leverage CLI generation: a 3.x project never reads
the 2.x MFA entrypoint's exit codes (150/151/152/156/160/161/162), a 2.x project reads what it
read before, and an unknown generation gets what each one does (issue 12)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Optional

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.generation import UNKNOWN, CliGeneration
from mfa_guard.guide.failures import FAILURES, failure
from mfa_guard.guide.position import position
from mfa_guard.prepare import Options
from mfa_guard.project_info import project_info
from mfa_guard.report import Report
from mfa_guard.report.json_format import document
from mfa_guard.report.rule_docs import render_rule
from mfa_guard.report.sarif import rule_descriptor
from mfa_guard.rules import CLI_LABELS, load_rules
from tests.conftest import run_cli
from tests.fixture_tree import AWS, materialise

ONLY_2X = re.compile(r"\b(150|151|152|156|160|161|162)\b|entrypoint|TFContainer", re.IGNORECASE)
ONLY_3X = re.compile(r"\bexits? (50|60)\b|\[profile [^\]]*-mfa\]|dockerless")
RULE_TEXTS = ("summary", "why", "rationale", "target")
THREE_X_ONLY_CHECKS = {"dockerless_mfa_on_with_base_credentials", "local_profile_shadows_temporary_keys"}


def test_every_rule_reads_true_for_3x() -> None:
    for rule in load_rules(trust_stamp=False):
        shown = rule.for_cli(3)
        for name in RULE_TEXTS:
            found = ONLY_2X.search(getattr(shown, name))
            assert found is None, f"{rule.id}.{name} tells a 3.x project {found.group(0)!r}"
        assert ONLY_2X.search(render_rule(shown)) is None, rule.id  # the `explain --leverage-cli 3` page


def test_every_rule_reads_as_before_for_2x() -> None:
    for rule in load_rules(trust_stamp=False):
        shown = rule.for_cli(2)
        if rule.check in THREE_X_ONLY_CHECKS:
            continue  # never reported for 2.x
        for name in RULE_TEXTS:
            found = ONLY_3X.search(getattr(shown, name))
            assert found is None, f"{rule.id}.{name} tells a 2.x project {found.group(0)!r}"


def test_the_2x_text_is_the_one_rule_files_had() -> None:
    rules = {rule.id: rule for rule in load_rules(trust_stamp=False)}
    assert rules["LOC002"].for_cli(2).why == (
        "With MFA_ENABLED=true the MFA entrypoint requires mfa_serial for every profile of the layer and "
        "exits 151 without it."
    )
    assert "exit 161/162" in rules["LOC007"].for_cli(2).why
    assert "exits 60" in rules["LOC007"].for_cli(3).why


def test_an_unknown_generation_gets_both_labelled() -> None:
    per_generation = [rule for rule in load_rules(trust_stamp=False) if rule.by_cli]
    assert {"LOC002", "LOC005", "LOC007", "MFA002", "PRF010", "PRF006"} <= {rule.id for rule in per_generation}
    for rule in per_generation:
        two, three = rule.for_cli(2), rule.for_cli(3)
        assert two.why != three.why or two.rationale != three.rationale or two.summary != three.summary, rule.id
        if two.why != three.why:
            assert rule.why == f"{CLI_LABELS[2]}: {two.why} {CLI_LABELS[3]}: {three.why}"
            page = render_rule(rule)
            assert f"**{CLI_LABELS[2]}:** {two.why}" in page and f"**{CLI_LABELS[3]}:** {three.why}" in page


@pytest.mark.parametrize("state", sorted(FAILURES))
def test_failures_per_generation(state: str) -> None:
    two, three = FAILURES[state]
    assert failure(state, CliGeneration(2, "t")) == two
    assert ONLY_2X.search(failure(state, CliGeneration(3, "t"), "me-bootstrap")) is None
    assert "{profile}" not in failure(state, CliGeneration(3, "t"), "me-bootstrap")
    both = failure(state, UNKNOWN, "me-bootstrap")
    assert two in both and three.format(profile="me-bootstrap") in both and "2.x" in both


# --- every text a project's findings, report and status carry ---------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _broken_aws(tmp_path: Path, base: str, section: str) -> Path:
    """Copy of a fake ~/.aws/<short>: `section` loses role_arn, source_profile and mfa_serial."""
    aws_dir = tmp_path / f"aws-{base}"
    shutil.copytree(AWS / base, aws_dir)
    config = aws_dir / "config"
    text = config.read_text(encoding="utf-8")
    head, rest = text.split(f"[profile {section}]\n", 1)
    body, tail = [*rest.split("\n[", 1), ""][:2]
    kept = "\n".join(line for line in body.splitlines() if line.split(" ", 1)[0] in ("output", "region"))
    config.write_text(f"{head}[profile {section}]\n{kept}\n" + (f"\n[{tail}" if tail else ""), encoding="utf-8")
    return aws_dir


def _texts(root: Path, cli: Optional[int], aws_dir: Optional[Path] = None) -> list[str]:
    options = Options(path=root, leverage_cli=cli, local=aws_dir is not None, aws_dir=aws_dir, no_cache=True)
    analysis = analyse(options)
    texts: list[str] = []
    for f in analysis.findings:
        texts += [f.message, f.detail or "", f.companion or ""]
        if f.fix is not None:
            texts += [f.fix.description, f.fix.blocked_by or ""]
    info = project_info(analysis.project, analysis.local)
    report = Report(analysis.findings, analysis.rules, info)
    for rule in report.rules:
        texts += [rule.summary, rule.why, rule.rationale]
        texts.append(str(rule_descriptor(rule, "0")))  # SARIF rule help
    texts.append(str(document(report)))
    texts += position(analysis.project).deviations
    return texts


def _states(tmp_path: Path) -> list[tuple[Path, Optional[Path], Optional[Path]]]:
    """(project, 2.x workstation, 3.x workstation): the states whose messages cite exit codes."""
    p0 = materialise("p0", tmp_path / "p0")
    p1 = materialise("p1", tmp_path / "p1")
    # the management backend loses its profile (PRF013) and shared goes back to bootstrap
    no_profile = materialise("p1", tmp_path / "no-profile")
    _edit(no_profile / "management/config/backend.tfvars", 'profile = "me-management-oaar"', "")
    _edit(no_profile / "shared/config/backend.tfvars", 'profile = "me-shared-oaar"', 'profile = "me-bootstrap"')
    # MFA off while the roles require it and the management backend is still on base credentials
    blocked = materialise("p1", tmp_path / "blocked")
    _edit(blocked / "build.env", "MFA_ENABLED=true", "MFA_ENABLED=")
    _edit(blocked / "management/config/backend.tfvars", 'profile = "me-management-oaar"', 'profile = "me-bootstrap"')
    # MFA on while the management backend went back to base credentials (a deviation from the path)
    bootstrap_on = materialise("p1", tmp_path / "bootstrap-on")
    _edit(
        bootstrap_on / "management/config/backend.tfvars", 'profile = "me-management-oaar"', 'profile = "me-bootstrap"'
    )
    two, three = _broken_aws(tmp_path, "p1", "me-shared-oaar"), _broken_aws(tmp_path, "p1-3x", "me-shared-oaar-mfa")
    return [
        (p0, None, None),
        (p1, two, three),
        (no_profile, None, None),
        (blocked, two, three),
        (bootstrap_on, None, None),
    ]


def test_a_3x_project_never_reads_a_2x_exit_code(tmp_path: Path) -> None:
    seen_2x: list[str] = []
    for root, aws_2x, aws_3x in _states(tmp_path):
        for text in _texts(root, 3) + (_texts(root, 3, aws_3x) if aws_3x else []):
            found = ONLY_2X.search(text)
            assert found is None, f"{root.name}: {found.group(0)!r} in {text!r}"
        seen_2x += [t for t in _texts(root, 2) + (_texts(root, 2, aws_2x) if aws_2x else []) if ONLY_2X.search(t)]
    # the same states on 2.x do cite the entrypoint's codes: the 3.x assertion has teeth
    joined = "\n".join(seen_2x)
    for expected in ("exits 151", "exit 152", "exit 150", "the MFA entrypoint exits 150 for base credentials"):
        assert expected in joined, expected


def test_an_unknown_generation_says_what_each_does(tmp_path: Path) -> None:
    root = materialise("p1", tmp_path / "p1")
    _edit(root / "build.env", "TERRAFORM_IMAGE_TAG=1.6.0-0.2.0\n", "")
    aws_dir = _broken_aws(tmp_path, "p1", "me-shared-oaar")
    # no section with role_arn is left to tell the generation from the workstation either
    config = aws_dir / "config"
    config.write_text(re.sub(r"role_arn = .*\n", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    analysis = analyse(Options(path=root, local=True, aws_dir=aws_dir, no_cache=True, select=("LOC005",)))
    assert not analysis.project.state.cli.known
    (message,) = [f.message for f in analysis.findings if "me-shared-oaar" in f.message]
    assert "MFA entrypoint exit 152 under the Docker-based CLI 2.x, and the 3.x CLI stops with a traceback" in message


def test_reports_show_the_projects_generation(tmp_path: Path) -> None:
    root = materialise("p1", tmp_path / "p1")
    aws_dir = _broken_aws(tmp_path, "p1-3x", "me-shared-oaar-mfa")
    result = run_cli(
        "check", str(root), "--local", "--aws-dir", str(aws_dir), "--leverage-cli", "3", "--format", "sarif"
    )
    assert "LOC002" in result.stdout and "exits 151" not in result.stdout and "AttributeError" in result.stdout
    explained = run_cli("explain", "LOC002", "--leverage-cli", "3")
    assert "exits 151" not in explained.stdout and "traceback" in explained.stdout
    both = run_cli("explain", "LOC002", cwd=tmp_path)
    assert "exits 151" in both.stdout and "traceback" in both.stdout and CLI_LABELS[3] in both.stdout
