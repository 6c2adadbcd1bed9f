"""Generic check kinds from a team's own rule files: attribute_must_equal and env_key_must_match."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from mfa_guard.analysis import Analysis, analyse
from mfa_guard.checks.generic import glob_regex, hcl_file_predicate
from mfa_guard.prepare import Options
from mfa_guard.rules import RuleFileError, load_rules
from tests.conftest import REPO, run_cli

ROLES = "management/global/base-identities/roles.tf"


def rule(rule_id: str, check: str, **params: Any) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": f"team-rule-{rule_id.lower()}",
        "severity": "error",
        "summary": "A team rule.",
        "why": "The team says so.",
        "target": "What the team wants.",
        "fix": "guarded",
        "check": check,
        "params": params,
    }


def write_rules(directory: Path, *rules: dict[str, Any], single: bool = False) -> Path:
    path = directory / "team rules.yaml"
    data = rules[0] if single else {"rules": list(rules)}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run(root: Path, rules_file: Path) -> Analysis:
    return analyse(Options(path=root, rule_files=(rules_file,), select=("TEAM",)))


def located(analysis: Analysis) -> list[tuple[str, str, int]]:
    return [(f.rule, f.span.path, f.span.line) for f in analysis.findings]


# --- globs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "path", "expected"),
    [
        ("**/outputs.tf", "outputs.tf", True),
        ("**/outputs.tf", "management/global/base-identities/outputs.tf", True),
        ("*/global/*/roles.tf", ROLES, True),
        ("*/roles.tf", ROLES, False),  # `*` never crosses a directory
        ("management/**", ROLES, True),
        ("*/config/backend.tfvars", "shared/config/backend.tfvars", True),
        ("*/config/backend.tfvars", "shared/config/backend.tfvars.bak", False),
        ("app?/x.tf", "apps/x.tf", True),
        ("app?/x.tf", "app/x.tf", False),
        ("a b/*.tf", "a b/main.tf", True),  # spaces are literal
        ("x+y/(z).tf", "x+y/(z).tf", True),  # regex characters are literal
    ],
)
def test_glob(glob: str, path: str, expected: bool) -> None:
    assert bool(glob_regex(glob).match(path)) is expected


def test_only_hcl_files_matching_a_files_glob_are_parsed() -> None:
    wants = hcl_file_predicate([{"files": ["**/keys/*", "*/us-east-1/**/*.tf"]}, {"files": "all"}])
    assert wants("management/us-east-1/base-tf-backend/main.tf")
    assert not wants("management/global/base-identities/keys/natasha.romanoff")  # not HCL by name
    assert not hcl_file_predicate([{"files": "root"}])("build.env")


# --- attribute_must_equal --------------------------------------------------------------------


def roles_rule(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "files": ["*/global/base-identities/*.tf"],
        "block_type": "module",
        "where": {"source": "/iam-assumable-role([?]|$)"},
        "attribute": "role_requires_mfa",
        "equals": True,
    }
    params.update(overrides)
    return rule("TEAM001", "attribute_must_equal", **params)


def test_attribute_must_equal_reports_each_wrong_literal_with_a_fix(
    project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = project("p0")
    analysis = run(root, write_rules(tmp_path, roles_rule()))
    assert located(analysis) == [
        ("TEAM001", ROLES, 18),
        ("TEAM001", "security/global/base-identities/roles.tf", 18),
        ("TEAM001", "shared/global/base-identities/roles.tf", 18),
    ]
    first = analysis.findings[0]
    assert first.message.startswith(f"module.iam_assumable_role_oaar in {ROLES} sets role_requires_mfa = false")
    assert "The team says so" not in first.message  # the rule's why is shown once per rule, not per finding
    assert first.address == "module.iam_assumable_role_oaar"
    assert first.fix is not None and first.fix.applicability == "guarded"
    (edit,) = first.fix.edits
    text = (root / ROLES).read_text(encoding="utf-8")
    assert text[edit.start : edit.end] == "false" and edit.text == "true"


def test_attribute_must_equal_passes_a_clean_p1(project: Callable[[str], Path], tmp_path: Path) -> None:
    assert run(project("p1"), write_rules(tmp_path, roles_rule())).findings == []


def test_block_label_and_where_narrow_the_blocks(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p0")
    only_devops = roles_rule(block_label="devops$")  # every devops role already requires MFA
    assert run(root, write_rules(tmp_path, only_devops)).findings == []
    no_match = roles_rule(where={"source": "iam-assumable-role-with-oidc"})
    assert run(root, write_rules(tmp_path, no_match)).findings == []
    absent_attribute = roles_rule(where={"no_such_attribute": ".*"})
    assert run(root, write_rules(tmp_path, absent_attribute)).findings == []


def test_missing_attribute_is_a_violation_unless_ok(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    roles = root / ROLES
    text = roles.read_text(encoding="utf-8")
    roles.write_text(text.replace("role_requires_mfa    = true", "", 1), encoding="utf-8")
    analysis = run(root, write_rules(tmp_path, roles_rule()))
    assert located(analysis) == [("TEAM001", ROLES, 4)]  # the block header
    assert "does not set role_requires_mfa (expected true)" in analysis.findings[0].message
    assert analysis.findings[0].fix is None
    assert run(root, write_rules(tmp_path, roles_rule(missing="ok"))).findings == []


def test_expressions_are_never_guessed(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p0")
    for relpath in ("management", "security", "shared"):
        path = root / relpath / "global/base-identities/roles.tf"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("role_requires_mfa    = false", "role_requires_mfa = var.mfa"), encoding="utf-8")
    assert run(root, write_rules(tmp_path, roles_rule())).findings == []


@pytest.mark.parametrize(
    ("equals", "value", "fires"),
    [
        ("3600", "3600", True),  # a string is not a number
        (3600, "3600", False),
        (3600.0, "3600", False),
        (1, "true", True),  # a bool is not a number
        ("x", '"x"', False),
        ("x", '"y"', True),
        ("x", "null", True),
        (True, '"true"', True),  # a string is not a bool
    ],
)
def test_equality_is_typed(
    project: Callable[[str], Path], tmp_path: Path, equals: Any, value: str, fires: bool
) -> None:
    root = project("p1")
    roles = root / ROLES
    roles.write_text(roles.read_text(encoding="utf-8").replace("mfa_age              = 3600", f"mfa_age = {value}"))
    team = rule(
        "TEAM002", "attribute_must_equal", files=[ROLES], block_type="module", attribute="mfa_age", equals=equals
    )
    findings = run(root, write_rules(tmp_path, team)).findings
    # two modules in that file: the OAAR one (edited) and the DevOps one (mfa_age = 3600)
    assert [f.span.line for f in findings if f.span.line < 30] == ([19] if fires else [])


def test_string_fix_is_valid_hcl(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    team = rule(
        "TEAM003",
        "attribute_must_equal",
        files=[ROLES],
        block_type="module",
        block_label="oaar",
        attribute="role_path",
        equals='/a "quoted" ${path}/',
    )
    (finding,) = run(root, write_rules(tmp_path, team)).findings
    assert finding.fix is not None
    assert finding.fix.edits[0].text == '"/a \\"quoted\\" $${path}/"'


def test_files_the_loader_would_skip_are_parsed_for_a_glob(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    main_tf = root / "management/us-east-1/base-tf-backend/main.tf"
    team = rule(
        "TEAM004",
        "attribute_must_equal",
        files=["management/us-east-1/*/main.tf"],
        block_type="module",
        attribute="name",
        equals="state",
    )
    assert located(run(root, write_rules(tmp_path, team))) == [
        ("TEAM004", "management/us-east-1/base-tf-backend/main.tf", 5)
    ]
    main_tf.write_text('module "x" {\n  name = \n', encoding="utf-8")
    analysis = analyse(Options(path=root, rule_files=(write_rules(tmp_path, team),), select=("TEAM", "PAR")))
    assert located(analysis) == [("PAR001", "management/us-east-1/base-tf-backend/main.tf", 2)]


def test_secret_attribute_values_are_not_echoed(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    outputs = root / "management/global/base-identities/outputs.tf"
    outputs.write_text('output "x" {\n  value = "v"\n  password = "hunter2"\n}\n', encoding="utf-8")
    team = rule(
        "TEAM005",
        "attribute_must_equal",
        files=["**/outputs.tf"],
        block_type="output",
        block_label="^x$",
        attribute="password",
        equals="",
    )
    (finding,) = run(root, write_rules(tmp_path, team)).findings
    assert "hunter2" not in finding.message and "a value that is not shown" in finding.message


def test_without_block_type_the_files_top_level_is_checked(project: Callable[[str], Path], tmp_path: Path) -> None:
    """Settings of a .tfvars file are top-level attributes: no block to name."""
    root = project("p1")
    team = rule(
        "TEAM006",
        "attribute_must_equal",
        files=["config/common.tfvars"],
        attribute="region_primary",
        equals="eu-west-1",
    )
    (finding,) = run(root, write_rules(tmp_path, team)).findings
    assert (finding.span.path, finding.span.line) == ("config/common.tfvars", 4)
    assert finding.message.startswith('config/common.tfvars sets region_primary = "us-east-1", expected "eu-west-1"')
    assert finding.address == "region_primary"
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    text = (root / "config/common.tfvars").read_text(encoding="utf-8")
    assert text[: edit.start] + edit.text + text[edit.end :] == text.replace('"us-east-1"', '"eu-west-1"', 1)


@pytest.mark.parametrize(("missing", "expected"), [("violation", [("TEAM007", "config/common.tfvars", 1)]), ("ok", [])])
def test_a_missing_top_level_attribute(
    project: Callable[[str], Path], tmp_path: Path, missing: str, expected: list[tuple[str, str, int]]
) -> None:
    root = project("p1")
    team = rule(
        "TEAM007",
        "attribute_must_equal",
        files=["config/common.tfvars"],
        attribute="terraform_version",
        equals="1.6.0",
        missing=missing,
    )
    analysis = run(root, write_rules(tmp_path, team))
    assert located(analysis) == expected
    if expected:
        assert analysis.findings[0].message.startswith(
            'config/common.tfvars does not set terraform_version (expected "1.6.0")'
        )


@pytest.mark.parametrize("param", ["block_label", "where"])
def test_block_filters_need_a_block_type(tmp_path: Path, param: str) -> None:
    value: Any = "oaar" if param == "block_label" else {"source": "x"}
    team = rule("TEAM008", "attribute_must_equal", files=["*.tf"], attribute="a", equals=True, **{param: value})
    with pytest.raises(RuleFileError, match=rf"\$\.params: 'block_type' is a dependency of '{param}'"):
        load_rules([write_rules(tmp_path, team, single=True)])


# --- env_key_must_match ----------------------------------------------------------------------


def env_rule(**params: Any) -> dict[str, Any]:
    return rule("TEAM010", "env_key_must_match", **params)


def test_env_key_must_match_root_value(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p0")
    analysis = run(root, write_rules(tmp_path, env_rule(key="MFA_ENABLED", pattern="true")))
    assert located(analysis) == [("TEAM010", "build.env", 5)]
    message = analysis.findings[0].message
    assert message.startswith("MFA_ENABLED is 'false' in build.env, which does not match 'true'")
    assert analysis.findings[0].address == "build.env:MFA_ENABLED"
    # the whole value must match, not a prefix
    assert run(root, write_rules(tmp_path, env_rule(key="MFA_ENABLED", pattern="f"))).findings != []
    assert run(root, write_rules(tmp_path, env_rule(key="MFA_ENABLED", pattern="f.*"))).findings == []


def test_env_key_missing(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p0")
    analysis = run(root, write_rules(tmp_path, env_rule(key="TF_BINARY", pattern=".+")))
    assert located(analysis) == [("TEAM010", "build.env", 1)]
    assert "build.env does not set TF_BINARY" in analysis.findings[0].message
    assert run(root, write_rules(tmp_path, env_rule(key="TF_BINARY", pattern=".+", missing="ok"))).findings == []


def test_env_all_files_checks_nested_values_and_lets_them_inherit(
    project: Callable[[str], Path], tmp_path: Path
) -> None:
    root = project("p1")
    (root / "shared/us-east-1/build.env").write_text("TERRAFORM_IMAGE_TAG=latest\n", encoding="utf-8")
    (root / "security/build.env").write_text("# nothing here\n", encoding="utf-8")
    params = {"key": "TERRAFORM_IMAGE_TAG", "pattern": r"[0-9.]+-[0-9.]+"}
    assert run(root, write_rules(tmp_path, env_rule(**params))).findings == []  # root only
    analysis = run(root, write_rules(tmp_path, env_rule(files="all", **params)))
    assert located(analysis) == [("TEAM010", "shared/us-east-1/build.env", 1)]


def test_env_unresolved_interpolation_is_not_guessed(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8") + "REGION=${UNKNOWN}\n", encoding="utf-8")
    assert run(root, write_rules(tmp_path, env_rule(key="REGION", pattern="us-.*"))).findings == []


def test_env_secret_values_are_not_echoed(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8") + "VAULT_TOKEN=s.abcdef\n", encoding="utf-8")
    (finding,) = run(root, write_rules(tmp_path, env_rule(key="VAULT_TOKEN", pattern=""))).findings
    assert "abcdef" not in finding.message


def test_empty_value(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p1")
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8").replace("MFA_ENABLED=true", "MFA_ENABLED="), encoding="utf-8")
    (finding,) = run(root, write_rules(tmp_path, env_rule(key="MFA_ENABLED", pattern="true"))).findings
    assert finding.message.startswith("MFA_ENABLED is empty in build.env")
    assert (finding.span.line, finding.span.column) == (5, 1)


# --- rule files ------------------------------------------------------------------------------


def test_the_example_team_rules_are_valid_and_run(project: Callable[[str], Path]) -> None:
    example = REPO / "examples" / "team-rules.yaml"
    rules = load_rules([example])
    assert {r.id for r in rules if r.source == str(example)} == {"TEAM001", "TEAM002", "TEAM003", "TEAM004", "TEAM005"}
    root = project("p0")
    result = run_cli("check", "--rules", str(example), "--select", "TEAM", "--format", "plain", ".", cwd=root)
    assert result.returncode == 1, result.stderr
    assert [line.split(" ")[1] for line in result.stdout.splitlines()] == ["TEAM003", *["TEAM001"] * 3]


def test_a_file_may_hold_a_single_rule(tmp_path: Path) -> None:
    path = write_rules(tmp_path, env_rule(key="PROJECT", pattern="[a-z]{2,4}"), single=True)
    assert "TEAM010" in {r.id for r in load_rules([path])}


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([env_rule(key="PROJECT", pattern="([")], "$.rules[0].params.pattern: '([' is not a 'regex'"),
        ([roles_rule(where={"source": "*x"})], "$.rules[0].params.where.source: '*x' is not a 'regex'"),
        ([roles_rule(block_label="(")], "$.rules[0].params.block_label: '(' is not a 'regex'"),
        ([env_rule(key="PROJECT")], "$.rules[0].params: 'pattern' is a required property"),
        ([env_rule(key="PROJECT", pattern="x", files="some")], "$.rules[0].params.files: 'some' is not one of"),
        ([roles_rule(equals=[1])], "$.rules[0].params.equals: [1] is not of type"),
        ([roles_rule(missing="maybe")], "$.rules[0].params.missing: 'maybe' is not one of"),
        ([roles_rule(files=[])], "$.rules[0].params.files: [] should be non-empty"),
        ([roles_rule(), {**roles_rule(), "id": "ENV001"}], "$.rules[1].id: rule 'ENV001' is already defined in"),
        ([roles_rule(), {**roles_rule(), "id": "TEAM009"}], "$.rules[1].name: rule 'team-rule-team001' is already"),
        ([rule("TEAM001", "env_export_prefix")], "$.rules[0].check: 'env_export_prefix' is not a generic check"),
        ([{**roles_rule(), "colour": "red"}], "$.rules[0]: Additional properties are not allowed ('colour'"),
    ],
)
def test_schema_errors_are_located(tmp_path: Path, rules: list[dict[str, Any]], message: str) -> None:
    path = write_rules(tmp_path, *rules)
    with pytest.raises(RuleFileError) as raised:
        load_rules([path])
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


@pytest.mark.parametrize("clash", [False, True])
def test_rule_file_errors_exit_2_through_the_cli(project: Callable[[str], Path], tmp_path: Path, clash: bool) -> None:
    bad = {**roles_rule(), "id": "ENV001"} if clash else env_rule(key="PROJECT", pattern="([")
    path = write_rules(tmp_path, bad)
    with pytest.raises(RuleFileError) as raised:
        load_rules([path])
    for command in (["validate-rules", str(path)], ["check", "--rules", str(path), str(project("p1"))]):
        result = run_cli(*command)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == f"mfa-guard: error: {raised.value}\n"


def test_unreadable_or_invalid_rule_files_exit_2(project: Callable[[str], Path], tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = run_cli("check", "--rules", str(missing), str(project("p1")))
    assert (result.returncode, result.stderr.startswith(f"mfa-guard: error: {missing}: $: cannot read")) == (2, True)
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [\n", encoding="utf-8")
    result = run_cli("validate-rules", str(broken))
    assert result.returncode == 2 and f"{broken}: $: not valid YAML" in result.stderr
    not_a_list = tmp_path / "map.yaml"
    not_a_list.write_text("rules: {a: 1}\n", encoding="utf-8")
    result = run_cli("validate-rules", str(not_a_list))
    assert (result.returncode, result.stderr.strip()) == (
        2,
        f"mfa-guard: error: {not_a_list}: $.rules: must be a list of rules",
    )


def test_rules_option_is_repeatable(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p0")
    first = tmp_path / "a"
    second = tmp_path / "b"
    first.mkdir()
    second.mkdir()
    a = write_rules(first, env_rule(key="MFA_ENABLED", pattern="true"))
    b = write_rules(second, roles_rule())
    result = run_cli(
        "check", ".", "--rules", str(a), "--rules", str(b), "--select", "TEAM", "--format", "plain", cwd=root
    )
    assert result.returncode == 1, result.stderr
    assert [line.split(" ")[1] for line in result.stdout.splitlines()] == ["TEAM010", "TEAM001", "TEAM001", "TEAM001"]


def test_fix_guarded_applies_the_literal(project: Callable[[str], Path], tmp_path: Path) -> None:
    root = project("p0")
    path = write_rules(tmp_path, roles_rule())
    result = run_cli("fix", str(root), "--guarded", "--rules", str(path), "--select", "TEAM")
    assert result.returncode == 0, result.stdout + result.stderr
    text = (root / ROLES).read_text(encoding="utf-8")
    assert "role_requires_mfa    = true" in text and "role_requires_mfa    = false" not in text
    assert run(root, path).findings == []


@pytest.mark.parametrize("key", ["AWS_SESSION_TOKEN", "AWS_SESSION", "aws_access_key_id", "MY_SESSION"])
def test_session_and_aws_access_values_are_not_echoed(project: Callable[[str], Path], tmp_path: Path, key: str) -> None:
    """Issue 16 #14: team-rule secret-name detection missed `session`, `aws_access`, `AWS_SESSION`."""
    root = project("p1")
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8") + f"{key}=plantedvalue42\n", encoding="utf-8")
    (finding,) = run(root, write_rules(tmp_path, env_rule(key=key, pattern="x"))).findings
    assert "plantedvalue42" not in finding.message and "a value that is not shown" in finding.message
