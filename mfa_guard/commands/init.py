"""`mfa-guard init [PATH]`: set a Leverage repository up in one step.

Writes `.mfa-guard.yaml` (with a schema modeline editors understand) and, with `--baseline`, a
baseline of today's findings so the first commits are not blocked by old ones; prints the
pre-commit snippet, the `.gitignore` lines a Leverage repository needs (it ignores `.*`), and an
example workflow. Nothing is written over an existing file.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Optional

from mfa_guard import __version__
from mfa_guard.errors import UserError
from mfa_guard.links import REPOSITORY_URL, release_tag

CONFIG_NAME = ".mfa-guard.yaml"
BASELINE_NAME = "mfa-guard-baseline.json"
WORKFLOW = Path(__file__).resolve().parent.parent / "templates" / "github-workflow.yml"
# Leverage's .gitignore starts with `.*`: the files mfa-guard and its integrations need are dotfiles.
GITIGNORE_LINES = ("!.mfa-guard.yaml", "!.mfa-guard-applied", "!.pre-commit-config.yaml", "!.github/")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, default=Path(), metavar="PATH", help="inside the project")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help=f"also record today's findings in {BASELINE_NAME} and use it (do this first on an existing repository)",
    )


def config_text(schema_url: str, baseline: bool) -> str:
    lines = [
        f"# yaml-language-server: $schema={schema_url}",
        "# mfa-guard configuration; every key: `mfa-guard check --help` and the README (Team policy controls).",
        "fail_on: warning          # lowest severity that fails a commit or a CI run",
        "# target_phase: p1        # the guide's phase to check against (default: inferred)",
        "# ignore: [ENV005]        # rules the team does not want",
    ]
    if baseline:
        lines.append(
            f"baseline: {BASELINE_NAME}  # known findings, hidden until fixed (mfa-guard check --write-baseline)"
        )
    return "\n".join(lines) + "\n"


def schema_url() -> str:
    return f"{REPOSITORY_URL}/raw/{release_tag()}/mfa_guard/config.schema.json"


def tag_exists(tag: str) -> bool:
    """Whether this installation's own checkout has the release tag (pre-commit needs a real ref)."""
    checkout = Path(__file__).resolve().parent.parent.parent
    if not (checkout / ".git").exists():
        return False
    try:
        result = subprocess.run(
            ["git", "tag", "--list", tag], cwd=checkout, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.stdout.strip() == tag


def precommit_snippet(project_dir: str, remote_rev: Optional[str]) -> str:
    args = f"\n        args: [{project_dir}]" if project_dir != "." else ""
    local = (
        "repos:\n"
        "  - repo: local           # the mfa-guard installed here (pip install mfa-guard); no access to GitHub needed\n"
        "    hooks:\n"
        "      - id: mfa-guard\n"
        "        name: mfa-guard\n"
        "        entry: mfa-guard check\n"
        "        language: system\n"
        "        pass_filenames: false\n"
        f"        always_run: true{args}\n"
    )
    if remote_rev is None:
        return local + (
            f"# Or from the public repository, pinned to a release tag that exists there\n"
            f"# (`pre-commit autoupdate` writes the newest): repo: {REPOSITORY_URL}, hooks: [{{id: mfa-guard}}]\n"
        )
    return (
        f"repos:\n  - repo: {REPOSITORY_URL}\n    rev: {remote_rev}\n    hooks:\n      - id: mfa-guard{args}\n"
        f"# Without access to GitHub, the same hook from the installed mfa-guard:\n"
        + "".join(f"# {line}\n" for line in local.splitlines())
    )


def missing_gitignore_lines(repository: Path) -> list[str]:
    """The negations the repository's .gitignore lacks, when it ignores dotfiles (`.*`)."""
    try:
        lines = [line.strip() for line in (repository / ".gitignore").read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError):
        return []
    if ".*" not in lines:
        return []
    return [line for line in GITIGNORE_LINES if line not in lines]


def _write_new(path: Path, text: str) -> None:
    try:
        with path.open("x", encoding="utf-8") as stream:  # never over an existing file (or through a symlink)
            stream.write(text)
    except FileExistsError:
        raise UserError(f"{path}: already exists; init writes nothing over it") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror}") from None


def run(args: argparse.Namespace) -> int:
    from mfa_guard.discover import find_root, git_top
    from mfa_guard.report.paths import project_label

    root = find_root(args.path)
    config = root / CONFIG_NAME
    if config.exists():
        raise UserError(f"{config}: already exists; init writes nothing over it")
    out = sys.stdout
    if args.baseline:
        _write_baseline(root)
        out.write(f"Wrote {project_label(root / BASELINE_NAME)}: today's findings, hidden until they are fixed.\n")
    _write_new(config, config_text(schema_url(), args.baseline))
    out.write(f"Wrote {project_label(config)}.\n\n")
    repository = git_top(root) or root
    relative = project_label(root, repository)
    out.write("Add to .pre-commit-config.yaml at the repository root:\n\n")
    tag = release_tag(__version__)
    out.write(precommit_snippet(relative, tag if tag_exists(tag) else None) + "\n")
    missing = missing_gitignore_lines(repository)
    if missing:
        out.write("The repository's .gitignore ignores `.*`; add these lines so the files above are committed:\n\n")
        out.write("".join(f"{line}\n" for line in missing) + "\n")
    out.write(f"An example workflow for .github/workflows/mfa-guard.yml (path: {relative}):\n\n")
    out.write(WORKFLOW.read_text(encoding="utf-8").replace("path: .  ", f"path: {relative}  ", 1))
    return 0


def _write_baseline(root: Path) -> None:
    from mfa_guard.analysis import analyse
    from mfa_guard.baseline import dump
    from mfa_guard.prepare import Options

    analysis = analyse(Options(path=root, no_baseline=True, no_cache=True))
    _write_new(root / BASELINE_NAME, dump(analysis.project, analysis.unbaselined, analysis.all_rules))
