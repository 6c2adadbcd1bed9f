"""Project and workstation states run through the real Leverage 3.1.0 CLI, and how each is run.

A state is a fixture project (tests/fixtures/projects + phases) with a few edits, the
`leverage credentials configure` (IAM) or `leverage aws configure sso` (SSO) runs a user makes, and
optionally a leftover in the local files, edits made afterwards, a removed or expired SSO token, or
wrong MFA codes typed at the prompt. `run_state` does all of it for real and returns, per layer,
whether the CLI + (fake) tofu worked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fixture_tree import materialise
from tests.realcli.tools import HERE, Moto

MANAGEMENT_LAYER = "management/global/base-identities"
SHARED_LAYER = "shared/global/base-identities"
FIXTURE_IDS = {"management": "000123456789", "security": "000123456790", "shared": "000123456791"}
RESULT = "FAKE-TOFU-RESULT "
MFA_CODES = "123456\n" * 6  # one per prompt; the CLI asks once per profile of the layer
WRONG_MFA_CODES = "654321\n" * 6  # a code the launcher rejects (it accepts only 123456)
SSO = "SSO"  # a `configure` step: `leverage aws configure sso`, run in the first layer of the state


@dataclass(frozen=True)
class State:
    name: str
    base: str  # a fixture project or phase: p0 | p1 | p2 | sso
    configure: tuple[tuple[str, bool], ...]  # (--type | SSO, --fetch-mfa-device) in the order a user runs them
    replace: tuple[tuple[str, str, str], ...] = ()  # (path, old, new) edits of the repository
    files: dict[str, str] = field(default_factory=dict)  # repository files to add
    leftover_config: str = ""  # appended to ~/.aws/me/config after the configure runs (2.x files)
    dropped_config: tuple[str, ...] = ()  # sections taken out of ~/.aws/me/config after the configure runs
    later: tuple[tuple[str, str, str], ...] = ()  # (path, old, new) repository edits after the configure runs
    sso_token: str = "kept"  # after `aws configure sso`: kept | removed | expired (~/.aws/me/sso/cache/token)
    mfa_codes: str = MFA_CODES  # what the user types at the MFA prompts
    layers: tuple[str, ...] = (MANAGEMENT_LAYER, SHARED_LAYER)
    why: str = ""  # what the CLI does, for the reader


@dataclass(frozen=True)
class Outcome:
    """What one layer command did: leverage's exit code and the fake tofu's report (None: not reached)."""

    exit_code: int
    tofu: dict[str, Any] | None
    output: str

    @property
    def accepted(self) -> bool:
        return self.exit_code == 0 and self.tofu is not None and bool(self.tofu.get("ok"))


@dataclass(frozen=True)
class Ran:
    root: Path
    aws_dir: Path
    configure_exits: tuple[int, ...]
    layers: dict[str, Outcome]
    configure_output: str = ""


def _environment(home: Path, moto: Moto, bins: dict[str, Path]) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")}
    return {
        **keep,
        "HOME": str(home),
        "PATH": os.pathsep.join([str(bins["aws"]), str(bins["leverage"]), "/usr/bin", "/bin"]),
        "AWS_ENDPOINT_URL": moto.endpoint,
        # IAM Identity Center is the fake portal (fake_portal.py), on its own port of the launcher
        "AWS_ENDPOINT_URL_SSO": moto.portal,
        "AWS_ENDPOINT_URL_SSO_OIDC": moto.portal,
        "BROWSER": str(home / "bin" / "browser"),  # webbrowser runs `$BROWSER URL`: fake_browser.py
        "AWS_DEFAULT_REGION": "us-east-1",  # an endpoint override needs a region for STS (harness artefact)
        "GIT_CONFIG_NOSYSTEM": "1",
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }


def _edit(state: State, root: Path, edits: tuple[tuple[str, str, str], ...]) -> None:
    for path, old, new in edits:
        target = root / path
        text = target.read_text(encoding="utf-8")
        if old not in text:
            raise AssertionError(f"{state.name}: {path}: {old!r} not found")
        target.write_text(text.replace(old, new, 1), encoding="utf-8")


def _write_project(state: State, root: Path, moto: Moto) -> None:
    materialise(state.base, root)
    _edit(state, root, state.replace)
    for path, text in state.files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    for relpath in ("config/common.tfvars", "project.yaml"):
        target = root / relpath
        text = target.read_text(encoding="utf-8")
        for account, fixture_id in FIXTURE_IDS.items():  # the CLI prefers the ids Organizations gives
            text = text.replace(fixture_id, moto.accounts[account])
        target.write_text(text, encoding="utf-8")
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8") + "TF_BINARY=~/bin/tofu\n", encoding="utf-8")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", str(root)], check=True)


def _write_home(home: Path, bins: dict[str, Path], moto: Moto, state: State) -> Path:
    (home / "bin").mkdir(parents=True)
    tofu = home / "bin" / "tofu"
    tofu.write_text(
        f'#!/bin/sh\nexec "{bins["leverage"] / "python"}" "{HERE / "fake_tofu.py"}" "$@"\n', encoding="utf-8"
    )
    tofu.chmod(0o755)
    browser = home / "bin" / "browser"
    browser.write_text(
        f'#!/bin/sh\nexec "{bins["leverage"] / "python"}" "{HERE / "fake_browser.py"}" "{moto.portal}" "$@"\n',
        encoding="utf-8",
    )
    browser.chmod(0o755)
    aws = home / ".aws" / "me"
    aws.mkdir(parents=True)
    # The 3.1.0 configure bugs (leverage-cli-3.md §2.7): a fresh workstation exits 255 unless
    # [<s>-<type>] exists, and a missing config file crashes; a user works around both this way.
    types = sorted({kind.lower() for kind, _ in state.configure if kind != SSO})
    (aws / "credentials").write_text("".join(f"[me-{kind}]\n" for kind in types), encoding="utf-8")
    (aws / "config").write_text("", encoding="utf-8")
    for role, keys in moto.users.items():
        csv = f"Access key ID,Secret access key\n{keys['key_id']},{keys['secret']}\n"
        (home / f"{role}.csv").write_text(csv, encoding="utf-8")
    return aws


def configure_command(kind: str, fetch: bool, home: Path) -> list[str]:
    command = ["leverage", "credentials", "configure", "--type", kind.upper()]
    command += ["--credentials-file", str(home / f"{kind.lower()}.csv"), "--overwrite-existing-credentials"]
    return command + (["--fetch-mfa-device"] if fetch else [])


def _expire_token(token: Path) -> None:
    """What eight hours do to the token `leverage aws configure sso` cached (auth.py:172-192)."""
    data = json.loads(token.read_text(encoding="utf-8"))
    data["expiresAt"] = "2020-01-01T00:00:00Z"
    token.write_text(json.dumps(data), encoding="utf-8")


def _drop_sections(config: Path, names: tuple[str, ...]) -> None:
    kept, keep, found = [], True, set()
    for line in config.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("["):
            keep = line.strip()[1:-1] not in names
            found.update(() if keep else (line.strip()[1:-1],))
        if keep:
            kept.append(line)
    if found != set(names):
        raise AssertionError(f"{config}: no section {sorted(set(names) - found)} to drop")
    config.write_text("".join(kept), encoding="utf-8")


def run_state(state: State, workdir: Path, moto: Moto, bins: dict[str, Path]) -> Ran:
    root, home = workdir / "project", workdir / "home"
    _write_project(state, root, moto)
    aws = _write_home(home, bins, moto, state)
    env = _environment(home, moto, bins)
    exits, outputs = [], []
    for kind, fetch in state.configure:
        sso = kind == SSO  # `aws configure sso` must run in a layer (aws.py:133)
        done = subprocess.run(
            ["leverage", "aws", "configure", "sso"] if sso else configure_command(kind, fetch, home),
            cwd=root / state.layers[0] if sso else root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        exits.append(done.returncode)
        outputs.append(f"--- configure {kind}: exit {done.returncode}\n{(done.stdout + done.stderr)[-1500:]}")
    if state.leftover_config:
        with (aws / "config").open("a", encoding="utf-8") as stream:
            stream.write(state.leftover_config)
    if state.dropped_config:
        _drop_sections(aws / "config", state.dropped_config)
    _edit(state, root, state.later)
    token = aws / "sso" / "cache" / "token"
    if state.sso_token == "removed":
        token.unlink()
    elif state.sso_token == "expired":
        _expire_token(token)
    layers = {layer: _layer(root / layer, env, state.mfa_codes) for layer in state.layers}
    return Ran(root, aws, tuple(exits), layers, "\n".join(outputs))


def _layer(directory: Path, env: dict[str, str], codes: str) -> Outcome:
    done = subprocess.run(
        ["leverage", "tofu", "plan"],
        cwd=directory,
        env=env,
        input=codes,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    reports = [json.loads(line[len(RESULT) :]) for line in output.splitlines() if line.startswith(RESULT)]
    return Outcome(done.returncode, reports[-1] if reports else None, output)


def mfa_guard(root: Path, *extra: str) -> dict[str, Any]:
    """mfa-guard's JSON report, run as a user runs it (its own interpreter, no cache)."""
    done = subprocess.run(
        [sys.executable, "-m", "mfa_guard", "check", "--format", "json", "--no-cache", *extra, str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode not in (0, 1):
        raise AssertionError(f"mfa-guard exited {done.returncode}: {done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def blocking(report: dict[str, Any], layer: str) -> list[str]:
    """The error/warning findings that say this layer cannot work: on a root file (build.env,
    config/) or inside the layer's account (its backend, its build.env, its profiles)."""
    account = layer.split("/", 1)[0]
    found = []
    for finding in report["findings"]:
        path = finding["project_path"]  # `path` is from the working directory (JSON report v2)
        top = path.split("/", 1)[0] if "/" in path else ""
        if finding["severity"] in ("error", "warning") and top in ("", "config", account):
            found.append(f"{finding['rule']} {path}: {finding['message']}")
    return found
