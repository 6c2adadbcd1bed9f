"""Read the local Leverage AWS files and layer init states. Read-only: nothing here writes."""

from __future__ import annotations

import configparser
import json
import os
import re
from pathlib import Path
from typing import Any, Optional

from mfa_guard.errors import UserError
from mfa_guard.local.model import AwsFile, AwsSection, LayerInit, LocalState
from mfa_guard.model import Project
from mfa_guard.source import ReadProblem, read_bytes
from mfa_guard.user_files import inside

SAFE_SHORT_NAME = re.compile(r"[A-Za-z0-9_]{1,32}")  # looser than Leverage's [a-z]{2,4}, never a path
MAX_BYTES = 1024 * 1024  # AWS files and backend state files are a few kilobytes
_HEADER = re.compile(r"^[ \t]*\[([^\]\r\n]*)\]", re.M)
# A section that configparser must never treat as special (AWS files have no DEFAULT section).
_NO_DEFAULT = "\x00mfa-guard-no-default\x00"


def default_aws_dir(short_name: Optional[str]) -> Path:
    if not short_name:
        raise UserError("cannot tell the project short name, so not where its AWS files are: pass --aws-dir DIR")
    if not SAFE_SHORT_NAME.fullmatch(short_name):
        # It comes from committed files: `../../.ssh` or a newline must never become a path.
        raise UserError(
            f"the project short name {short_name!a} is not a plain name (Leverage uses ^[a-z]{{2,4}}$), "
            "so it is not used as a directory under ~/.aws: fix it or pass --aws-dir DIR"
        )
    return Path.home() / ".aws" / short_name


def display(path: Path) -> str:
    """`~/...` for paths below the home directory: shorter, and no user name in reports."""
    try:
        return "~/" + path.resolve().relative_to(Path.home().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return str(path)


def load_local(project: Project, aws_dir: Optional[Path]) -> LocalState:
    directory = aws_dir if aws_dir is not None else default_aws_dir(project.short_name)
    shown = display(directory)
    problems = []
    if directory.exists() and not directory.is_dir():
        problems.append(f"{shown}: not a directory")
    inits, init_problems = load_inits(project)
    return LocalState(
        directory=shown,
        config=read_aws_file(directory / "config", f"{shown}/config", is_config=True),
        credentials=read_aws_file(directory / "credentials", f"{shown}/credentials", is_config=False),
        inits=inits,
        problems=(*problems, *init_problems),
    )


def read_aws_file(path: Path, label: str, is_config: bool) -> AwsFile:
    try:
        text = _read_text(path)
    except FileNotFoundError:
        return AwsFile(label, False, {}, f"{label}: not found (treated as empty)")
    except _Unusable as exc:
        return AwsFile(label, True, None, f"{label}: {exc}")
    try:
        return AwsFile(label, True, parse_aws_file(text, is_config))
    except _Unusable as exc:
        return AwsFile(label, True, None, f"{label}: {exc}")


class _Unusable(Exception):
    """A file that exists but cannot be used; the message never quotes its content."""


def _read_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise _Unusable("is a directory, not a file")
        data = read_bytes(str(path), "", MAX_BYTES)  # a regular file only: no FIFO, device, /dev/zero
    except FileNotFoundError:
        raise
    except ReadProblem as exc:
        raise _Unusable(str(exc).removeprefix(": ")) from None
    except OSError as exc:
        raise _Unusable(f"cannot read ({os.strerror(exc.errno or 0) or type(exc).__name__})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Unusable(f"not valid UTF-8 (offset {exc.start})") from None


def parse_aws_file(text: str, is_config: bool) -> dict[str, AwsSection]:
    """Sections by profile name: `[profile X]` / `[default]` in config, `[X]` in credentials."""
    parser = configparser.RawConfigParser(strict=False, interpolation=None, default_section=_NO_DEFAULT)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        # configparser messages quote the offending line, which may hold a secret: give its number only.
        raise _Unusable(f"not an INI file{_error_line(exc)}; fix or recreate it") from None
    lines = _header_lines(text)
    sections = {}
    for header in parser.sections():
        name = _profile_name(header, is_config)
        if name is None or name in sections:
            continue
        values = dict(parser.items(header))
        sections[name] = AwsSection(name, lines.get(header.strip(), 1), values)
    return sections


def _profile_name(header: str, is_config: bool) -> Optional[str]:
    header = header.strip()
    if not is_config:
        return header
    if header == "default":
        return header
    kind, _, name = header.partition(" ")
    return name.strip() if kind == "profile" and name.strip() else None


def _header_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for match in _HEADER.finditer(text):
        lines.setdefault(match.group(1).strip(), text.count("\n", 0, match.start()) + 1)
    return lines


def _error_line(exc: configparser.Error) -> str:
    line = getattr(exc, "lineno", None)
    if line is None and isinstance(exc, configparser.ParsingError) and exc.errors:
        line = exc.errors[0][0]
    return f" (line {line})" if line else ""


def load_inits(project: Project) -> tuple[tuple[LayerInit, ...], tuple[str, ...]]:
    """Backend state of every initialised layer (discovery skips .terraform, so read it here)."""
    inits, problems = [], []
    for account in project.accounts:
        for layer in account.layers:
            relpath = f"{layer}/.terraform/terraform.tfstate"
            path = project.root / relpath
            if not path.is_file():
                continue
            if not inside(path, project.root):
                problems.append(f"{relpath}: resolves outside the project (a symlink leading out); not read")
                continue
            try:
                data = json.loads(_read_text(path))
            except (_Unusable, ValueError, FileNotFoundError) as exc:
                reason = str(exc) if isinstance(exc, _Unusable) else "not valid JSON"
                problems.append(f"{relpath}: {reason}")
                continue
            inits.append(_layer_init(layer, relpath, data))
    return tuple(inits), tuple(problems)


def _layer_init(layer: str, relpath: str, data: Any) -> LayerInit:
    found = data.get("backend") if isinstance(data, dict) else None
    backend: dict[str, Any] = found if isinstance(found, dict) else {}
    config: dict[str, Any] = backend["config"] if isinstance(backend.get("config"), dict) else {}
    kind = backend.get("type")
    profile = config.get("profile")
    return LayerInit(
        layer, relpath, kind if isinstance(kind, str) else None, profile if isinstance(profile, str) else None
    )
