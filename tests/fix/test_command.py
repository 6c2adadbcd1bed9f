"""`mfa-guard fix` as a user runs it: --diff, --dry-run, exit codes, companions, machine formats."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.fix.conftest import Runner, snapshot

OUTPUTS = "management/global/base-identities/outputs.tf"


@pytest.fixture
def broken_p1(project) -> Path:
    """P1 with two safe fixes waiting (OUT001, ENV001) and one manual finding (ENV005)."""
    root: Path = project("p1")
    outputs = root / OUTPUTS
    outputs.write_text(outputs.read_text().replace("sensitive   = true", "sensitive   = false"))
    env = root / "build.env"
    env.write_text(env.read_text().replace("MFA_ENABLED=true", "export MFA_ENABLED=true"))
    (root / "shared/us-east-1/base-network/build.env").write_text("MFA_ENABLED=false\n")
    return root


def test_diff_prints_a_patch_and_writes_nothing(
    broken_p1: Path, cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(broken_p1)  # the patch's paths are from the working directory
    before = snapshot(broken_p1)
    code, out, err = cli("fix", str(broken_p1), "--diff")
    assert code == 1  # as check would exit on the unchanged files
    assert snapshot(broken_p1) == before
    assert "--- a/build.env\n+++ b/build.env\n" in out
    assert "-export MFA_ENABLED=true\n+MFA_ENABLED=true\n" in out
    assert "-  sensitive   = false\n+  sensitive   = true\n" in out
    assert "Would fix 2 findings in 2 files" in err
    patch = tmp_path / "fix.patch"
    patch.write_text(out)
    applied = subprocess.run(["patch", "-p1", "-i", str(patch)], cwd=broken_p1, capture_output=True, text=True)
    if applied.returncode == 127:
        pytest.skip("patch is not installed")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    code, out, _ = cli("fix", str(broken_p1), "--diff")
    assert out == ""  # the patch did everything fix would do


def test_dry_run_lists_the_fixes(broken_p1: Path, cli: Runner) -> None:
    before = snapshot(broken_p1)
    code, out, _ = cli("fix", str(broken_p1), "--dry-run")
    assert code == 1 and snapshot(broken_p1) == before
    assert out.splitlines()[:2] == [
        "would fix ENV001 build.env:5: drop `export` before MFA_ENABLED (safe)",
        f"would fix OUT001 {OUTPUTS}:12: set sensitive = true on output "
        "user_natasha_romanoff_login_profile_encrypted_password (safe)",
    ]


def test_exit_code_after_fixing_is_that_of_check(broken_p1: Path, cli: Runner) -> None:
    code, out, _ = cli("fix", str(broken_p1), "--format", "plain")
    assert code == 1  # ENV005 (manual) is left
    assert "Fixed 2 findings in 2 files" in out
    assert "ENV005" in out and "ENV001" not in out.split("Wrote:")[1].split("\n", 1)[1]
    assert cli("check", str(broken_p1), "--ignore", "ENV005")[0] == 0
    assert cli("fix", str(broken_p1), "--ignore", "ENV005")[0] == 0  # nothing left at all


def test_machine_formats_keep_stdout_clean(broken_p1: Path, cli: Runner) -> None:
    code, out, err = cli("fix", str(broken_p1), "--format", "json")
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["ENV005"]
    assert "Fixed 2 findings" in err


def test_companion_commands_are_printed(project, cli: Runner) -> None:
    root = project("p1")
    backend = root / "management/config/backend.tfvars"
    backend.write_text(backend.read_text().replace("me-management-oaar", "me-management-devops"))
    code, out, _ = cli("fix", str(root), "--format", "plain")
    assert code == 0, out
    assert 'profile = "me-management-oaar"' in backend.read_text()
    assert "A file edit cannot do everything; then run:" in out
    assert "leverage tf init -reconfigure" in out


def test_nothing_to_fix_is_said_and_exit_zero(project, cli: Runner) -> None:
    code, out, _ = cli("fix", str(project("p2")), "--format", "plain")
    assert (code, out) == (0, "Nothing to fix.\n")


SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYzzSECRETzz00"
KEY_ID = "AKIAPLANTEDKEY000042"


def test_diff_masks_secret_values_in_removed_and_context_lines_and_says_so(project, cli: Runner) -> None:
    """Issue 16 #8: `fix --diff` printed secret lines (removed and context) that messages hide."""
    root: Path = project("p1")
    env = root / "build.env"
    text = env.read_text()
    env.write_text(
        f"AWS_SESSION_TOKEN=session-{SECRET[:12]}\nAWS_SECRET_ACCESS_KEY={SECRET}  # old\n"
        + text.replace(
            "MFA_ENABLED=true",
            f"export MFA_ENABLED=true\nAWS_SECRET_ACCESS_KEY='{SECRET[::-1]}'\nDB_PASSWORD={SECRET[5:]}",
        )
        + f"NOTE=see {KEY_ID}\n"
    )
    outputs = root / OUTPUTS
    outputs.write_text(
        outputs.read_text().replace("sensitive   = true", f'sensitive   = false\n  password = "{SECRET}x"', 1)
    )
    _code, out, err = cli("fix", str(root), "--diff")
    assert "-export MFA_ENABLED=true\n" in out and "+MFA_ENABLED=true\n" in out  # the diff is still there
    for planted in (SECRET, SECRET[::-1], SECRET[:12], KEY_ID, SECRET[5:25]):
        assert planted not in out and planted not in err
    assert "\n-AWS_SECRET_ACCESS_KEY='***'\n" in out  # a removed line (ENV003's fix)
    assert "\n DB_PASSWORD=***\n" in out  # a context line
    assert '  password = "***"' in out
    [note] = [line for line in err.splitlines() if "shown as `***`" in line]
    assert note.startswith("mfa-guard: ") and "do not apply as printed" in note


def test_diff_without_secrets_has_no_mask_note(project, cli: Runner) -> None:
    root: Path = project("p1")
    env = root / "build.env"
    env.write_text(env.read_text().replace("MFA_ENABLED=true", "export MFA_ENABLED=true"))
    _code, out, err = cli("fix", str(root), "--diff")
    assert "+MFA_ENABLED=true" in out and "***" not in out and "shown as" not in err


@pytest.mark.parametrize(
    ("line", "hcl", "expected"),
    [
        ('  password = "hunter2"\n', True, '  password = "***"\n'),
        ("  password = var.db_password\n", True, "  password = var.db_password\n"),  # an expression, no secret
        ("  max_session_duration = 43200\n", True, "  max_session_duration = 43200\n"),
        ("AWS_SESSION_TOKEN=abc # c\n", False, "AWS_SESSION_TOKEN=*** # c\n"),
        ("export VAULT_TOKEN='x y'\n", False, "export VAULT_TOKEN='***'\n"),
        ("aws_access_key_id = ASIAY34FZKBOKMUTVV7A\n", False, "aws_access_key_id = ***\n"),
        ("MFA_ENABLED=true\n", False, "MFA_ENABLED=true\n"),
        ("PASSWORD=\n", False, "PASSWORD=\n"),
    ],
)
def test_mask_line(line: str, hcl: bool, expected: str) -> None:
    from mfa_guard.fix.diff import mask_line

    assert mask_line(line, hcl)[0] == expected
