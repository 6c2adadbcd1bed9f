"""Materialise fixture projects: a hand-written base tree plus YAML-described mutations."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).parent / "fixtures"
PROJECTS = FIXTURES / "projects"
PHASES = FIXTURES / "phases"
CASES = FIXTURES / "cases"
AWS = FIXTURES / "aws"  # fake ~/.aws/<short>/ trees for the LOC rules


@dataclass
class Case:
    """A mutation of a base project with the findings it must produce (all of them)."""

    name: str
    path: Path
    base: str
    description: str
    options: dict[str, Any] = field(default_factory=dict)
    expect: list[dict[str, Any]] = field(default_factory=list)
    fixed: dict[str, Any] | None = None
    spec: dict[str, Any] = field(default_factory=dict)


def _apply(root: Path, spec: dict[str, Any], origin: str) -> None:
    for relpath in spec.get("delete", []):
        target = root / relpath
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    for relpath, content in (spec.get("files") or {}).items():
        target = root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8", newline="")
    for edit in spec.get("replace", []):
        target = root / edit["path"]
        with target.open(encoding="utf-8", newline="") as stream:  # keep CRLF exactly as written
            text = stream.read()
        count = text.count(edit["old"])
        expected = edit.get("count", 1)
        if count != expected and not (expected == "all" and count):
            raise AssertionError(f"{origin}: {edit['path']}: {edit['old']!r} found {count} times, expected {expected}")
        target.write_text(text.replace(edit["old"], edit["new"]), encoding="utf-8", newline="")


def materialise(base: str, destination: Path) -> Path:
    """Write project `base` (a hand-written tree or a phase derived from one) to destination."""
    tree = PROJECTS / base
    if tree.is_dir():
        shutil.copytree(tree, destination, symlinks=True)
        return destination
    spec = yaml.safe_load((PHASES / f"{base}.yaml").read_text(encoding="utf-8"))
    materialise(spec["base"], destination)
    _apply(destination, spec, f"phase {base}")
    return destination


def load_case(path: Path) -> Case:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Case(
        name=path.relative_to(CASES).with_suffix("").as_posix(),
        path=path,
        base=spec["base"],
        description=spec.get("description", ""),
        options=spec.get("options") or {},
        expect=spec.get("expect") or [],
        fixed=spec.get("fixed"),
        spec=spec,
    )


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(CASES.rglob("*.yaml"))]


def build_case(case: Case, destination: Path) -> Path:
    materialise(case.base, destination)
    _apply(destination, case.spec, case.name)
    if "records" in case.spec:
        write_records(destination, case.spec["records"] or {})
    if "aws" in case.spec:
        aws_dir = build_aws(case.spec["aws"] or {}, destination.parent / "aws home" / "me", case.name)
        case.options = {**case.options, "local": True, "aws_dir": aws_dir}
    return destination


def write_records(root: Path, spec: dict[str, Any]) -> None:
    """The case's `records:` section: applies a person recorded (`applied:` account directories,
    against the OAAR code as the case writes it) and confirmations (`confirmed:`)."""
    from mfa_guard.fix.facts import record_applied, record_confirmed
    from mfa_guard.guide.runbook import oaar_digest
    from mfa_guard.load.project import load_project

    project = load_project(root)
    for account in spec.get("applied") or []:
        layer = f"{account}/global/base-identities"
        record_applied(root, layer, oaar_digest(project, layer), user="tester", date=None)
    for what in spec.get("confirmed") or []:
        record_confirmed(root, what, user="tester")


def build_aws(spec: dict[str, Any], destination: Path, origin: str) -> Path:
    """The case's `aws:` section: a fake ~/.aws/<short>/ (`base:` a tree under fixtures/aws,
    then `replace`/`files`/`delete` as for projects; `missing: true` leaves no directory at all)."""
    if spec.get("missing"):
        return destination
    if spec.get("base"):
        shutil.copytree(AWS / spec["base"], destination)
    else:
        destination.mkdir(parents=True)
    _apply(destination, spec, f"{origin} (aws)")
    return destination
