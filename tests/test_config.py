"""The team config: discovery, override, schema errors (exact messages), and what each key does."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from mfa_guard.analysis import Analysis, analyse
from mfa_guard.cli import main
from mfa_guard.config import SCHEMA_PATH, Config, ConfigError, find_config, load_config, load_schema
from mfa_guard.exclude import Excluder
from mfa_guard.prepare import Options, effective
from mfa_guard.rules import RuleFileError

REPO = Path(__file__).resolve().parent.parent
EXPORTED = "export MFA_ENABLED=false"  # ENV001 (error) on build.env line 5 of p0


def exported(root: Path) -> Path:
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8").replace("MFA_ENABLED=false", EXPORTED), encoding="utf-8")
    return root


def configure(directory: Path, text: str, name: str = ".mfa-guard.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def rules_of(analysis: Analysis) -> list[tuple[str, str, int, str]]:
    return [(f.rule, f.span.path, f.span.line, f.severity) for f in analysis.findings]


# --- discovery and override -------------------------------------------------------------------


def test_config_in_the_project_root_is_found(project: Callable[[str], Path]) -> None:
    root = project("p0")
    path = configure(root, "fail_on: error\n")
    assert find_config(root) == path.resolve()
    assert analyse(Options(path=root)).fail_on == "error"


def test_yml_spelling_is_found(project: Callable[[str], Path]) -> None:
    root = project("p0")
    path = configure(root, "fail_on: note\n", ".mfa-guard.yml")
    assert find_config(root) == path.resolve()


def test_both_spellings_in_one_directory_is_an_error(project: Callable[[str], Path]) -> None:
    root = project("p0")
    configure(root, "{}\n")
    configure(root, "{}\n", ".mfa-guard.yml")
    with pytest.raises(ConfigError, match=r"\.mfa-guard\.yaml: \$: both \.mfa-guard\.yaml and \.mfa-guard\.yml exist"):
        find_config(root)


def test_search_walks_up_to_the_git_top_level_and_stops_there(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    top = outside / "repo"
    root = top / "infra" / "leverage"
    root.mkdir(parents=True)
    (top / ".git").mkdir()
    configure(outside, "fail_on: note\n")  # above the git top level: never read
    assert find_config(root) is None
    at_top = configure(top, "fail_on: error\n")
    assert find_config(root) == at_top.resolve()
    nearer = configure(top / "infra", "fail_on: warning\n")
    assert find_config(root) == nearer.resolve()  # the nearest file wins, no merging


def test_outside_git_only_the_project_root_is_searched(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    configure(tmp_path, "fail_on: note\n")
    assert find_config(root) is None


def test_config_flag_and_no_config_flag_override_discovery(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = exported(project("p0"))
    configure(root, "ignore: [ENV001]\n")
    other = configure(tmp_path, "fail_on: error\nseverity: {ENV001: note}\n", "team.yaml")
    assert rules_of(analyse(Options(path=root))) == []
    assert rules_of(analyse(Options(path=root, no_config=True))) == [("ENV001", "build.env", 5, "error")]
    explicit = analyse(Options(path=root, config=other))
    assert rules_of(explicit) == [("ENV001", "build.env", 5, "note")]
    assert explicit.config.path == other


def test_cli_config_flags(project: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = exported(project("p0"))
    configure(root, "ignore: [ENV001]\n")
    assert main(["check", str(root), "--format", "plain"]) == 0
    assert main(["check", str(root), "--format", "plain", "--no-config"]) == 1
    assert "ENV001" in capsys.readouterr().out
    missing = tmp_path / "missing.yaml"
    assert main(["check", str(root), "--config", str(missing)]) == 2
    assert capsys.readouterr().err == f"mfa-guard: error: {missing}: $: cannot read: No such file or directory\n"
    assert main(["check", str(root), "--config", str(missing), "--no-config"]) == 2  # exclusive options
    assert "argument --no-config: not allowed with argument --config" in capsys.readouterr().err


def test_empty_config_file_is_valid(project: Callable[[str], Path]) -> None:
    root = project("p0")
    configure(root, "")
    assert load_config(root) == Config(path=(root / ".mfa-guard.yaml").resolve())


# --- schema errors: `file: $.key.path: reason`, exit code 2 -----------------------------------

SCHEMA_ERRORS = [
    (
        "selct: [ENV]\n",
        "$.selct: unknown key (did you mean 'select'?) (expected one of: baseline, ci, exclude, fail_on, ignore, "
        "leverage_cli, "
        "management_account, require_reason, rule_paths, select, severity, short_name, target_phase)",
    ),
    ("- ENV001\n", "$: expected a mapping, got a list"),
    ("select: ENV001\n", "$.select: expected a list, got a string ('ENV001')"),
    ("select: [ENV001, 3]\n", "$.select[1]: expected a string, got int 3"),
    ("ignore: ['']\n", "$.ignore[0]: must not be empty"),
    ("severity: [ENV001]\n", "$.severity: expected a mapping, got a list"),
    ("severity: {ENV001: fatal}\n", "$.severity.ENV001: expected one of error, warning, note, disable, got 'fatal'"),
    ("fail_on: info\n", "$.fail_on: expected one of error, warning, note, got 'info'"),
    ("exclude: build.env\n", "$.exclude: expected a list, got a string ('build.env')"),
    ("target_phase: p3\n", "$.target_phase: expected one of p0, p1, p2, sso, got 'p3'"),
    ("management_account: 7\n", "$.management_account: expected a string, got int 7"),
    ("short_name: Acme\n", "$.short_name: 'Acme' does not match ^[a-z]{2,4}$"),
    ("leverage_cli: 4\n", "$.leverage_cli: expected one of 2, 3, got 4"),
    ("rule_paths: [{file: x}]\n", "$.rule_paths[0]: expected a string, got a mapping"),
    ("require_reason: 'yes'\n", "$.require_reason: expected true or false, got a string ('yes')"),
    ("baseline: ''\n", "$.baseline: must not be empty"),
    ("ci: 1\n", "$.ci: expected true or false, got int 1"),
    ("select: [ENV001\n", "$: not valid YAML (line 2, column 1): expected ',' or ']', but got '<stream end>'"),
    ("select: [ENX]\n", "$.select[0]: 'ENX' matches no rule"),
    ("ignore: [ENV001, nope]\n", "$.ignore[1]: 'nope' matches no rule"),
    ("severity: {NOPE001: note}\n", "$.severity.NOPE001: 'NOPE001' matches no rule"),
    ("rule_paths: [team.yaml]\n", "$.rule_paths[0]: no such file: {dir}/team.yaml"),
]


@pytest.mark.parametrize(
    ("text", "message"), SCHEMA_ERRORS, ids=[m.split(":")[0] + "-" + t[:12] for t, m in SCHEMA_ERRORS]
)
def test_schema_errors_name_file_key_path_and_reason(
    text: str, message: str, project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = project("p0")
    path = configure(root, text)
    expected = f"{path.resolve()}: {message.replace('{dir}', str(path.resolve().parent))}"
    with pytest.raises(ConfigError) as caught:
        analyse(Options(path=root))
    assert str(caught.value) == expected
    assert main(["check", str(root)]) == 2
    assert capsys.readouterr().err == f"mfa-guard: error: {expected}\n"


def test_every_schema_key_has_an_error_case() -> None:
    keys = set(load_schema()["properties"])
    covered = {re.match(r"\$\.(\w+)", m).group(1) for _, m in SCHEMA_ERRORS if re.match(r"\$\.(\w+)", m)}  # type: ignore[union-attr]
    assert keys <= covered


# --- what the keys do -------------------------------------------------------------------------


def test_select_ignore_and_cli_override(project: Callable[[str], Path]) -> None:
    root = exported(project("p0"))
    configure(root, "select: [ENV003]\n")
    assert rules_of(analyse(Options(path=root))) == []
    assert [r[0] for r in rules_of(analyse(Options(path=root, select=["ENV001"])))] == ["ENV001"]
    configure(root, "ignore: [env-export-prefix]\n")
    assert rules_of(analyse(Options(path=root))) == []
    configure(root, "ignore: [ENV]\n")
    assert rules_of(analyse(Options(path=root))) == []
    assert [r[0] for r in rules_of(analyse(Options(path=root, ignore=["ENV003"])))] == ["ENV001"]  # replaces


def test_severity_override_and_disable(project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = exported(project("p0"))
    configure(root, "severity: {ENV001: note}\n")
    assert rules_of(analyse(Options(path=root))) == [("ENV001", "build.env", 5, "note")]
    assert main(["check", str(root), "--format", "plain"]) == 0  # a note is below the default fail_on
    configure(root, "severity: {ENV: warning}\n")
    assert rules_of(analyse(Options(path=root))) == [("ENV001", "build.env", 5, "warning")]
    configure(root, "severity: {env-export-prefix: disable}\n")
    analysis = analyse(Options(path=root))
    assert rules_of(analysis) == [] and "ENV001" not in {r.id for r in analysis.rules}
    capsys.readouterr()


def test_fail_on_from_config_and_cli(project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = exported(project("p0"))
    configure(root, "severity: {ENV001: warning}\nfail_on: error\n")
    assert main(["check", str(root), "--format", "plain"]) == 0
    assert main(["check", str(root), "--format", "plain", "--fail-on", "warning"]) == 1
    capsys.readouterr()


def test_exclude_skips_matching_files(project: Callable[[str], Path]) -> None:
    root = project("p0")
    layer = root / "management/us-east-1/base-tf-backend/build.env"
    layer.write_text("export TERRAFORM_IMAGE_TAG=1.6.0\n", encoding="utf-8")
    assert [r[:2] for r in rules_of(analyse(Options(path=root)))] == [("ENV001", layer.relative_to(root).as_posix())]
    configure(root, "exclude: ['management/us-east-1/']\n")
    analysis = analyse(Options(path=root))
    assert rules_of(analysis) == []
    assert not any(p.startswith("management/us-east-1/") for p in analysis.project.files)
    configure(root, "exclude: ['base-tf-backend/build.env']\n")  # anchored: no such path at the root
    assert rules_of(analyse(Options(path=root))) != []
    assert rules_of(analyse(Options(path=root, exclude=["**/base-tf-backend/build.env"]))) == []


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        (["build.env"], "a/b/build.env", True),
        (["/build.env"], "a/build.env", False),
        (["/build.env"], "build.env", True),
        (["*.tfvars"], "x/config/backend.tfvars", True),
        (["*.tfvars", "!backend.tfvars"], "x/config/backend.tfvars", False),
        (["sandbox/"], "sandbox", True),
        (["sandbox/"], "sandbox.tf", False),
        (["a/**/c.tf"], "a/c.tf", True),
        (["a/**/c.tf"], "a/x/y/c.tf", True),
        (["a/**"], "a/x", True),
        (["legacy-?.tf"], "l/legacy-1.tf", True),
        (["legacy-[0-9].tf"], "l/legacy-x.tf", False),
        (["a/*.tf"], "a/b/c.tf", False),
    ],
)
def test_gitignore_style_globs(tmp_path: Path, patterns: list[str], path: str, excluded: bool) -> None:
    (tmp_path / "sandbox").mkdir()
    assert Excluder(tmp_path, patterns)(path) is excluded


def test_target_phase_management_account_and_short_name(project: Callable[[str], Path]) -> None:
    root = project("p0")
    configure(root, "target_phase: p1\nshort_name: zz\nmanagement_account: management\n")
    analysis = analyse(Options(path=root, ignore=["ALL"]))
    assert analysis.project.state.target_phase == "p1" and analysis.project.state.target_from_config
    assert analysis.project.short_name == "zz"
    assert analyse(Options(path=root, ignore=["ALL"], target_phase="p2")).project.state.target_phase == "p2"


def test_rule_paths_are_relative_to_the_config_file(project: Callable[[str], Path]) -> None:
    root = project("p0")
    (root / "policy").mkdir()
    team = {
        "id": "TEAM001",
        "name": "team-mfa-on",
        "severity": "warning",
        "summary": "MFA must be on.",
        "why": "The team says so.",
        "target": "MFA_ENABLED=true.",
        "fix": "manual",
        "check": "env_key_must_match",
        "params": {"key": "MFA_ENABLED", "pattern": "true"},
    }
    (root / "policy" / "team.yaml").write_text(json.dumps(team), encoding="utf-8")
    configure(root, "rule_paths: [policy/team.yaml]\n")
    assert [r[0] for r in rules_of(analyse(Options(path=root)))] == ["TEAM001"]
    (root / "policy" / "team.yaml").write_text(json.dumps({**team, "id": "ENV001"}), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"team\.yaml: \$\.id: rule 'ENV001' is already defined in"):
        analyse(Options(path=root))


def test_cli_values_override_the_config() -> None:
    config = Config(
        select=("ENV",),
        ignore=("ENV003",),
        severity={"ENV001": "note", "ENV005": "disable"},
        fail_on="error",
        exclude=("a/",),
        target_phase="p1",
        management_account="root",
        short_name="zz",
        rule_paths=(Path("team.yaml"),),
        require_reason=False,
        baseline=Path("b.json"),
        ci=True,
    )
    merged = effective(Options(rule_files=[Path("cli.yaml")], exclude=["b/"]), config)
    assert merged.select == ("ENV",) and tuple(merged.ignore) == ("ENV003", "ENV005")
    assert merged.severity == {"ENV001": "note"} and merged.fail_on == "error"
    assert tuple(merged.exclude) == ("a/", "b/") and merged.rule_files == (Path("team.yaml"), Path("cli.yaml"))
    assert (merged.target_phase, merged.management_account, merged.short_name) == ("p1", "root", "zz")
    assert merged.require_reason is False and merged.baseline == Path("b.json") and merged.ci is True
    cli = Options(select=["PAR"], ignore=["PAR002"], target_phase="p2", fail_on="note", baseline=Path("c.json"))
    merged = effective(cli, config)
    assert tuple(merged.select) == ("PAR",) and tuple(merged.ignore) == ("PAR002", "ENV005")
    assert (merged.target_phase, merged.fail_on, merged.baseline) == ("p2", "note", Path("c.json"))
    assert effective(Options(no_baseline=True), config).baseline is None
    assert effective(Options(), Config()).require_reason is True  # the default


# --- the shipped schema and the README reference ----------------------------------------------


def test_schema_ships_inside_the_package() -> None:
    assert SCHEMA_PATH.parent == REPO / "mfa_guard"  # hatchling's `packages = ["mfa_guard"]` carries it
    assert load_schema()["additionalProperties"] is False


def _default(spec: dict[str, Any]) -> str:
    value = spec.get("default")
    return f"`{json.dumps(value)}`" if isinstance(value, bool) else str(value)


def _kind(spec: dict[str, Any]) -> str:
    if "enum" in spec:
        return " \\| ".join(f"`{v}`" for v in spec["enum"])
    if spec.get("type") == "array":
        return "list of strings"
    if spec.get("type") == "object":
        return "mapping: rule → " + " \\| ".join(f"`{v}`" for v in spec["additionalProperties"]["enum"])
    return str({"boolean": "`true` \\| `false`"}.get(spec["type"], spec["type"]))


def config_reference() -> str:
    rows = ["| key | value | default | meaning |", "| --- | --- | --- | --- |"]
    for key, spec in load_schema()["properties"].items():
        rows.append(f"| `{key}` | {_kind(spec)} | {_default(spec)} | {spec['description']} |")
    return "\n".join(rows)


PATTERN = r"(<!-- config-reference:start -->\n)(.*?)\n?(<!-- config-reference:end -->)"


def test_readme_config_reference_matches_the_schema() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(PATTERN, readme, re.S)
    assert match is not None, "README.md lacks the config-reference markers"
    assert match.group(2) == config_reference(), "README config reference drifted: run `python -m tests.test_config`"


def test_readme_example_config_is_valid(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section:config -->")[1].split("<!-- /section:config -->")[0]
    example = re.search(r"```yaml\n# \.mfa-guard\.yaml\n(.*?)```", section, re.S)
    assert example is not None
    config = configure(tmp_path, example.group(1))
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "team-rules.yaml").write_text("rules: []\n", encoding="utf-8")
    assert load_config(tmp_path, config).fail_on is not None


if __name__ == "__main__":  # regenerate the README config reference in place
    path = REPO / "README.md"
    text = path.read_text(encoding="utf-8")
    text = re.sub(PATTERN, lambda m: m.group(1) + config_reference() + "\n" + m.group(3), text, flags=re.S)
    path.write_text(text, encoding="utf-8")
