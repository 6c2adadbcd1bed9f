"""No secret in any output (issue 16): distinctive secret values planted in build.env duplicates,
an HCL syntax error, malformed suppression comments and an output never appear in any report
format, `--report` file, the GitHub job summary, `fix --diff`, `fix --dry-run`, `plan`, parse-error
messages or the results cache. (test_profiles_local.py does the same for ~/.aws secrets.)"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from mfa_guard.cli import main
from mfa_guard.report import FORMATS

# Secret-shaped values (AWS-like) and plain ones under secret names: both must stay hidden.
ENV_KEY = "EnvSecretA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"
ENV_PLAIN = "plain-env-secret-value"
TOKEN = "TokenValueQ9w8E7r6T5y4U3i2O1p0AsDfGhJkLzX"
TOKEN_PLAIN = "plain-session-token-two"
HCL_KEY = "HclSecretZ1x2C3v4B5n6M7a8S9d0F1g2H3j4K5l6"
SUP_KEY = "SupSecretP0o9I8u7Y6t5R4e3W2q1"
SUP_DATE = "UntilSecretX7c6V5b4N3m2"
OUT_KEY = "OutSecretL1k2J3h4G5f6D7s8A9p0O1i2U3y4T5r6"
ACCESS_KEY_ID = "AKIAPLANTEDLEAKTEST7"
PLANTED = (ENV_KEY, ENV_PLAIN, TOKEN, TOKEN_PLAIN, HCL_KEY, SUP_KEY, SUP_DATE, OUT_KEY, ACCESS_KEY_ID)
OUTPUTS = "management/global/base-identities/outputs.tf"


def plant(root: Path) -> None:
    env = root / "build.env"
    env.write_text(
        env.read_text(encoding="utf-8")
        + f"AWS_SECRET_ACCESS_KEY={ENV_KEY}  # from the vault\n"
        + f"AWS_SECRET_ACCESS_KEY='{ENV_PLAIN}'\n"
        + f"AWS_ACCESS_KEY_ID={ACCESS_KEY_ID}\n"
        + f"AWS_SESSION_TOKEN={TOKEN_PLAIN}\n"
        + f"AWS_SESSION_TOKEN={TOKEN}\n"
        + f'# mfa-guard: ignore[ENV003] reason="x" {SUP_KEY}\n'
        + f"# mfa-guard: {SUP_KEY}[ENV003]\n"
        + f'# mfa-guard: ignore[{SUP_KEY}] reason="x"\n'
        + f'# mfa-guard: ignore[ENV003] reason="x" until={SUP_DATE}\n',
        encoding="utf-8",
    )
    backend = root / "shared/config/backend.tfvars"
    backend.write_text(backend.read_text(encoding="utf-8") + f"secret_key = '{HCL_KEY}'\n", encoding="utf-8")
    outputs = root / OUTPUTS
    outputs.write_text(
        outputs.read_text(encoding="utf-8")
        + f'\noutput "db_password" {{\n  value = "{OUT_KEY}.encrypted_password"\n}}\n',
        encoding="utf-8",
    )


def assert_hidden(texts: dict[str, str]) -> None:
    for where, text in texts.items():
        for secret in PLANTED:
            assert secret not in text, f"{secret} leaked in {where}"
            assert secret[4:20] not in text, f"part of {secret} leaked in {where}"


@pytest.fixture
def planted(project: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MFA_GUARD_CACHE_DIR", str(tmp_path / "cache"))
    root = project("p1")
    plant(root)
    return root


def test_the_planted_project_reaches_every_path_that_could_leak(
    planted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not vacuous: the findings that used to carry the secrets are there."""
    main(["check", str(planted), "--format", "plain", "--exit-zero"])
    out = capsys.readouterr().out
    assert "ENV003" in out and "AWS_SECRET_ACCESS_KEY" in out and "AWS_SESSION_TOKEN" in out
    assert "PAR001" in out and "shared/config/backend.tfvars" in out
    assert out.count("SUP001") >= 4
    assert "db_password" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_in_any_format_report_file_summary_or_cache(
    fmt: str, planted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    report = tmp_path / f"report.{fmt}"
    texts: dict[str, str] = {}
    for run in ("first", "cached"):  # the second run is answered from the results cache
        code = main(["check", str(planted), "--format", fmt, "--report", f"{fmt}:{report}"])
        captured = capsys.readouterr()
        assert code == 1, captured.err
        texts[f"{run} stdout"], texts[f"{run} stderr"] = captured.out, captured.err
        texts[f"{run} --report"] = report.read_text(encoding="utf-8")
    assert texts["first stdout"] == texts["cached stdout"]
    if summary.exists():
        texts["job summary"] = summary.read_text(encoding="utf-8")
    if fmt == "github":
        assert "job summary" in texts
    caches = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and "results" in p.parts]
    assert caches, "the results cache was not written"
    for path in caches:
        texts[f"cache {path.name}"] = path.read_bytes().decode("utf-8", "replace")
    assert_hidden(texts)


def test_no_secret_in_fix_diff_dry_run_plan_or_fix(planted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts: dict[str, str] = {}
    for command in (
        ["fix", "--diff"],
        ["fix", "--diff", "--guarded"],
        ["fix", "--dry-run"],
        ["plan"],
        ["plan", "--to", "p2"],
        ["suppressions"],
        ["fix", "--format", "json"],
        ["check", "--format", "json"],
    ):
        main([command[0], str(planted), *command[1:]])
        captured = capsys.readouterr()
        texts[" ".join(command)] = captured.out + captured.err
    assert "***" in texts["fix --diff"]  # the masking did happen (the diff shows masked lines)
    assert "shown as `***`" in texts["fix --diff"]
    assert_hidden(texts)
