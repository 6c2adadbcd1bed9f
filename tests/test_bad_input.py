"""Hostile and odd input through the real CLI: no traceback, a located message, the right exit code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from mfa_guard.analysis import analyse
from mfa_guard.prepare import Options
from tests.conftest import deny_open, run_cli

BACKEND = "management/config/backend.tfvars"
ROLES = "management/global/base-identities/roles.tf"
OUTPUTS = "management/global/base-identities/outputs.tf"
Finding = tuple[str, str, int]

# Root reads every file whatever its mode; without these two capabilities it obeys permissions.
DROP_DAC = ["--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]


def check(root: Path, *extra: str, prefix: tuple[str, ...] = ()) -> tuple[int, list[dict[str, Any]], str]:
    """Run `check --format json`; return (exit code, findings, stderr) after the no-crash checks."""
    if prefix:
        command = [*prefix, sys.executable, "-m", "mfa_guard", "check", str(root), "--format", "json", *extra]
        result = subprocess.run(command, capture_output=True, text=True, check=False, env=dict(os.environ))
    else:
        result = run_cli("check", str(root), "--format", "json", *extra)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if result.returncode == 2:
        return 2, [], result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return result.returncode, findings, result.stderr


def where(findings: list[dict[str, Any]]) -> list[Finding]:
    return [(f["rule"], f["project_path"], f["line"]) for f in findings]


def message(findings: list[dict[str, Any]], rule: str, path: str) -> str:
    return next(str(f["message"]) for f in findings if f["rule"] == rule and f["project_path"] == path)


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def p1(project: Callable[[str], Path]) -> Path:
    return project("p1")  # clean (tests/fixtures/cases/clean), in a directory whose name has a space


# --- malformed and unusable content ----------------------------------------------------------


def test_malformed_hcl_is_a_located_parse_error(p1: Path) -> None:
    text = (p1 / ROLES).read_text(encoding="utf-8")
    (p1 / ROLES).write_text(text.replace("role_requires_mfa    = true", "role_requires_mfa    = ", 1))
    code, findings, _ = check(p1, "--select", "PAR")
    assert (code, where(findings)) == (1, [("PAR001", ROLES, 18)])  # the line without a value
    assert message(findings, "PAR001", ROLES).startswith("HCL syntax error: unexpected")


def test_unclosed_block_points_at_the_end_of_file(p1: Path) -> None:
    write(p1 / BACKEND, b'profile = "me-management-oaar"\nterraform {\n  x = 1\n')
    code, findings, _ = check(p1, "--select", "PAR")
    assert (code, where(findings)) == (1, [("PAR001", BACKEND, 4)])
    assert "unexpected end of file" in message(findings, "PAR001", BACKEND)


def test_binary_file_named_tf_is_reported_not_parsed(p1: Path) -> None:
    write(p1 / ROLES, b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    code, findings, _ = check(p1, "--select", "PAR")
    assert (code, where(findings)) == (1, [("PAR002", ROLES, 1)])
    assert "binary content (NUL byte), not a text file" in message(findings, "PAR002", ROLES)


def test_non_utf8_bytes_are_located_at_the_bad_byte(p1: Path) -> None:
    write(p1 / "build.env", b"# Project settings\nPROJECT=me\nMFA_ENABLED=tr\xfcue\n")
    code, findings, _ = check(p1, "--select", "PAR")
    assert (code, where(findings)) == (1, [("PAR002", "build.env", 3)])
    (finding,) = findings
    assert finding["column"] == 15
    assert "not valid UTF-8 (byte 0xfc at line 3, column 15)" in finding["message"]


def test_latin1_hcl_is_unreadable_not_misparsed(p1: Path) -> None:
    write(p1 / OUTPUTS, 'output "contraseña" {\n  value = 1\n}\n'.encode("latin-1"))
    code, findings, _ = check(p1, "--select", "PAR")
    assert (code, where(findings)) == (1, [("PAR002", OUTPUTS, 1)])


def test_empty_backend_tfvars_is_reported_as_unusable_backend(p1: Path) -> None:
    write(p1 / BACKEND, b"")
    code, findings, _ = check(p1)
    assert code == 1
    assert ("PRF013", BACKEND, 1) in where(findings)
    assert "has no `profile`" in message(findings, "PRF013", BACKEND)
    assert not any(f["rule"].startswith("PAR") for f in findings)


def test_empty_build_env_means_mfa_off(p1: Path) -> None:
    write(p1 / "build.env", b"")
    code, findings, _ = check(p1)
    assert code == 1
    assert ("ENV004", "build.env", 1) in where(findings)
    assert not any(f["rule"].startswith("PAR") for f in findings)


def test_empty_files_everywhere_never_crash(p1: Path) -> None:
    for path in sorted(p1.rglob("*")):
        if path.is_file() and ".git" not in path.parts:
            path.write_bytes(b"")
    code, findings, _ = check(p1)
    assert code == 1 and findings
    assert not any(f["rule"].startswith("PAR") for f in findings)


def test_a_10_mb_file_that_matters_is_refused_with_its_size(p1: Path) -> None:
    write(p1 / OUTPUTS, b"# padding\n" * (1024 * 1024))
    code, findings, _ = check(p1, "--select", "PAR")
    assert (code, where(findings)) == (1, [("PAR002", OUTPUTS, 1)])
    assert "10485760 bytes is larger than the" in message(findings, "PAR002", OUTPUTS)


def test_a_10_mb_file_that_does_not_matter_is_never_read(p1: Path) -> None:
    write(p1 / "shared/us-east-1/base-network/dump.tf", b"# padding\n" * (1024 * 1024))
    write(p1 / "docs/big.bin", b"\0" * 10 * 1024 * 1024)
    assert check(p1)[:2] == (0, [])


def test_deep_nesting_is_a_syntax_error_not_a_recursion_crash(p1: Path) -> None:
    write(p1 / BACKEND, b'profile = "me-management-oaar"\nx = ' + b"[" * 5000 + b"]" * 5000 + b"\n")
    code, findings, _ = check(p1, "--select", "PAR")
    assert (code, where(findings)) == (1, [("PAR001", BACKEND, 2)])
    assert "nested more than 100 levels deep" in message(findings, "PAR001", BACKEND)


def test_recursive_yaml_alias_is_a_syntax_error(p1: Path) -> None:
    write(p1 / "project.yaml", b"short_name: me\nloop: &a [*a]\n")
    code, findings, _ = check(p1, "--select", "PAR")
    assert (code, where(findings)) == (1, [("PAR001", "project.yaml", 2)])
    assert "recursive alias" in message(findings, "PAR001", "project.yaml")


def test_yaml_alias_bomb_is_not_expanded(p1: Path) -> None:
    lines = ["short_name: me", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    write(p1 / "project.yaml", ("\n".join(lines) + "\n").encode())
    code, findings, _ = check(p1, "--select", "PAR,ENV")
    assert (code, findings) == (0, [])


# --- symlinks --------------------------------------------------------------------------------


def test_symlink_loop_is_reported_and_not_followed(p1: Path) -> None:
    layer = p1 / "shared/us-east-1/base-network"
    (layer / "a.tf").symlink_to("b.tf")
    (layer / "b.tf").symlink_to("a.tf")
    (layer / "self").symlink_to(".")  # a directory loop is never descended at all
    code, findings, _ = check(p1)
    assert (code, where(findings)) == (
        1,
        [
            ("PAR002", "shared/us-east-1/base-network/a.tf", 1),
            ("PAR002", "shared/us-east-1/base-network/b.tf", 1),
        ],
    )
    assert "broken or looping symlink; not followed" in findings[0]["message"]


def test_symlink_out_of_the_repo_is_reported_and_not_read(p1: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.tfvars"
    outside.write_text('profile = "me-bootstrap"\n', encoding="utf-8")
    (p1 / BACKEND).unlink()
    (p1 / BACKEND).symlink_to(outside)
    code, findings, _ = check(p1)
    assert code == 1
    assert ("PAR002", BACKEND, 1) in where(findings)
    assert "symlink points outside the project; not followed" in message(findings, "PAR002", BACKEND)
    assert not any("bootstrap" in f["message"] for f in findings)  # the outside file was not read


def test_symlink_inside_the_repo_is_read_through_its_target(p1: Path) -> None:
    layer = p1 / "shared/us-east-1/base-network"
    shutil.copy(p1 / "config/common.tfvars", p1 / "config/common-variables.tf")
    (layer / "common-variables.tf").symlink_to("../../../config/common-variables.tf")
    assert check(p1)[:2] == (0, [])


# --- permissions -----------------------------------------------------------------------------


def _unprivileged() -> tuple[str, ...]:
    """A command prefix under which file permissions apply, even when the tests run as root."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None or subprocess.run([setpriv, *DROP_DAC, "true"], check=False).returncode != 0:
        pytest.skip("running as root without setpriv: the in-process test covers unreadable files")
    return (setpriv, *DROP_DAC)


def test_unreadable_file_and_directory(p1: Path) -> None:
    prefix = _unprivileged()
    (p1 / BACKEND).chmod(0)
    (p1 / "security/global/base-identities").chmod(0)
    try:
        code, findings, _ = check(p1, "--select", "PAR", prefix=prefix)
    finally:
        (p1 / BACKEND).chmod(0o644)
        (p1 / "security/global/base-identities").chmod(0o755)
    assert (code, where(findings)) == (
        1,
        [("PAR002", BACKEND, 1), ("PAR002", "security/global/base-identities", 1)],
    )
    assert findings[0]["message"].startswith(f"{BACKEND}: cannot read (Permission denied)")
    assert findings[1]["message"].startswith("cannot list directory: Permission denied")


def test_unreadable_start_directory_is_a_usage_error(p1: Path) -> None:
    prefix = _unprivileged()
    p1.chmod(0)
    try:
        code, _, stderr = check(p1, prefix=prefix)
    finally:
        p1.chmod(0o755)
    assert code == 2
    assert stderr == f"mfa-guard: error: {p1}: cannot read: Permission denied\n"


def test_unreadable_file_in_process(p1: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same behaviour without relying on permissions (works as root without setpriv)."""
    deny_open(monkeypatch, BACKEND)
    analysis = analyse(Options(path=p1, select=("PAR",)))
    assert [(f.rule, f.span.path, f.span.line) for f in analysis.findings] == [("PAR002", BACKEND, 1)]
    assert analysis.findings[0].message.startswith(f"{BACKEND}: cannot read (Permission denied)")


# --- line endings, BOM, tabs, spaces ---------------------------------------------------------


def _rewrite_all(root: Path, change: Callable[[bytes], bytes], names: Callable[[Path], bool] = lambda _p: True) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and names(path):
            path.write_bytes(change(path.read_bytes()))


def test_crlf_everywhere_is_clean(p1: Path) -> None:
    _rewrite_all(p1, lambda data: data.replace(b"\n", b"\r\n"))
    assert check(p1)[:2] == (0, [])


def test_crlf_keeps_line_numbers(p1: Path) -> None:
    _rewrite_all(p1, lambda data: data.replace(b"\n", b"\r\n"))
    text = (p1 / BACKEND).read_bytes()
    (p1 / BACKEND).write_bytes(text.replace(b'bucket = "me-management-terraform-backend"', b'bucket = "me-'))
    code, findings, _ = check(p1, "--select", "PAR")
    assert (code, where(findings)) == (1, [("PAR001", BACKEND, 9)])
    assert findings[0]["column"] == 10


def test_bare_cr_line_endings_are_refused_not_misread(p1: Path) -> None:
    # Python's text mode (the Leverage CLI) splits these lines, Terraform does not: never guess.
    write(p1 / "build.env", b"# Project settings\rPROJECT=me\rMFA_ENABLED=true\r")
    code, findings, _ = check(p1, "--select", "PAR,ENV")
    assert (code, where(findings)) == (1, [("PAR002", "build.env", 1)])
    assert "lines end in a bare CR (classic Mac line endings); use LF or CRLF" in findings[0]["message"]
    write(p1 / "build.env", b"PROJECT=me\nMFA_ENABLED=true\r")  # a stray CR at the very end is fine
    assert check(p1, "--select", "PAR,ENV")[:2] == (0, [])


def test_bom_is_accepted_in_hcl_and_yaml(p1: Path) -> None:
    # common.tfvars and backend.tfvars are left alone: the MFA entrypoint greps them (PRF014);
    # build.env too: yaenv reads a BOM as part of the first key (next test).
    left_alone = {"common.tfvars", "backend.tfvars", "build.env"}
    _rewrite_all(p1, lambda data: b"\xef\xbb\xbf" + data, lambda path: path.name not in left_alone)
    assert check(p1)[:2] == (0, [])


def test_bom_in_build_env_is_a_located_error(p1: Path) -> None:
    write(p1 / "build.env", b"\xef\xbb\xbf" + (p1 / "build.env").read_bytes())
    code, findings, _ = check(p1)
    assert (code, where(findings)) == (1, [("PAR001", "build.env", 1)])
    assert "byte-order mark" in findings[0]["message"]


def test_bom_before_a_syntax_error_keeps_columns(p1: Path) -> None:
    write(p1 / ROLES, b'\xef\xbb\xbfmodule "x" {\n  source = "x//modules/iam-assumable-role"\n  a = "\n}\n')
    code, findings, _ = check(p1, "--select", "PAR")
    assert (code, where(findings)) == (1, [("PAR001", ROLES, 3)])
    assert findings[0]["column"] == 7


def test_tabs_for_indentation_and_alignment_are_clean(p1: Path) -> None:
    def tabs(data: bytes) -> bytes:
        lines = data.split(b"\n")
        return b"\n".join(line.replace(b"  ", b"\t").replace(b" = ", b"\t=\t") for line in lines)

    _rewrite_all(p1, tabs, lambda path: path.suffix in (".tf", ".tfvars"))
    assert check(p1)[:2] == (0, [])


def test_paths_with_spaces_are_reported_verbatim(p1: Path) -> None:
    layer = p1 / "shared/us-east-1/base network copy"
    shutil.copytree(p1 / "shared/us-east-1/base-network", layer)
    write(layer / "outputs.tf", b'output "db_password" {\n  value = "x\n}\n')
    disabled = p1 / "shared/us-east-1/old network --"
    shutil.copytree(layer, disabled)  # disabled layers (` --`) are skipped, broken or not
    result = run_cli("check", "shared", "--format", "plain", "--select", "PAR", cwd=p1)  # paths from here
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(
        "shared/us-east-1/base network copy/outputs.tf:2:11: PAR001 [parse-error] HCL syntax error: unterminated string"
    )
    assert result.stdout.count("\n") == 1


# --- where the project is --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "reason"),
    [("no such dir", "No such file or directory"), ("build.env/x", "Not a directory")],
)
def test_bad_path_argument(p1: Path, relative: str, reason: str) -> None:
    code, _, stderr = check(p1 / relative)
    assert code == 2
    assert stderr == f"mfa-guard: error: {p1 / relative}: cannot read: {reason}\n"


def test_a_file_as_path_locates_its_project(p1: Path) -> None:
    assert check(p1 / ROLES)[:2] == (0, [])
