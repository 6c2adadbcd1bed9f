"""Every fixable case, in an fmt-aligned and an unaligned variant: a fixed file is fmt-clean when
the original was, and an unaligned file changes only on the lines the fix changes anyway."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Callable

import pytest

from mfa_guard.cli import main
from mfa_guard.fix.apply import problems as problems_of
from mfa_guard.source import SourceFile
from tests.fixture_tree import Case, all_cases, build_case
from tests.fmt_rules import canonical, collapsed, problems
from tests.fmt_tool import fmt_binary, not_fmt_clean, skip_reason
from tests.test_case_fixes import option_args

FIXED_CASES = [pytest.param(case, id=case.name) for case in all_cases() if case.fixed is not None]
HCL = (".tf", ".tfvars", ".hcl")


def hcl_texts(root: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(root.rglob("*")):
        if path.suffix in HCL and path.is_file() and not path.is_symlink():
            with path.open(encoding="utf-8", newline="") as stream:
                texts[path.relative_to(root).as_posix()] = stream.read()
    return texts


def build_variant(case: Case, root: Path, transform: Callable[[str], str]) -> dict[str, str]:
    build_case(case, root)
    texts = {}
    for relpath, text in hcl_texts(root).items():
        if "\x00" not in text:
            text = transform(text)
            (root / relpath).write_text(text, encoding="utf-8", newline="")
        texts[relpath] = text
    return texts


def fix(case: Case, root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    assert case.fixed is not None
    flags = [*option_args(case), *(["--guarded"] if case.fixed.get("guarded") else [])]
    capsys.readouterr()
    code = main(["fix", str(root), "--format", "json", *flags])
    _, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "BUG:" not in err, err
    return hcl_texts(root)


def changed_lines(before: str, after: str) -> set[tuple[str, int]]:
    """Old-side line numbers a diff replaces or deletes, and the points where it may insert lines."""
    found = set()
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            found.update(("line", i) for i in range(i1, i2))
            found.update(("insert", i) for i in range(i1, i2 + 1))  # a replacement may also add lines
    return found


def assert_fmt_clean_kept(case: Case, before: dict[str, str], after: dict[str, str]) -> dict[str, tuple[str, str]]:
    changed = {path: (before[path], after[path]) for path in after if after[path] != before.get(path)}
    for path, (old, new) in changed.items():
        if not problems(old):
            assert problems(new) == [], f"{case.name}: {path} was fmt-clean and is not after fix:\n{new}"
    return changed


@pytest.mark.parametrize("case", FIXED_CASES)
def test_fixed_files_stay_fmt_clean(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    aligned_before = build_variant(case, tmp_path / "aligned", canonical)
    aligned = assert_fmt_clean_kept(case, aligned_before, fix(case, tmp_path / "aligned", capsys))
    unaligned_before = build_variant(case, tmp_path / "unaligned", collapsed)
    unaligned = assert_fmt_clean_kept(case, unaligned_before, fix(case, tmp_path / "unaligned", capsys))

    assert set(aligned) == set(unaligned), "the two variants were fixed in different files"
    for path, (old, new) in unaligned.items():
        allowed = changed_lines(*aligned[path])
        extra = changed_lines(old, new) - allowed
        assert not extra, f"{case.name}: {path}: the unaligned variant was reformatted beyond the fix's lines: {extra}"

    if fmt_binary() is None:
        return
    originals = {f"aligned/{p}": old for p, (old, _) in aligned.items()}
    originals.update({f"unaligned/{p}": old for p, (old, _) in unaligned.items()})
    fixed = {f"aligned/{p}": new for p, (_, new) in aligned.items()}
    fixed.update({f"unaligned/{p}": new for p, (_, new) in unaligned.items()})
    clean_before = set(originals) - not_fmt_clean(originals)
    rejected = not_fmt_clean({p: fixed[p] for p in clean_before})
    assert not rejected, f"{case.name}: `fmt -check` rejects fixed files that it accepted before: {sorted(rejected)}"


def test_the_layout_checker_agrees_with_fmt(tmp_path: Path) -> None:
    """The checker the tests rely on says what `terraform fmt -check` says, on the files of every
    fixable case and on their aligned and unaligned variants."""
    if fmt_binary() is None:
        pytest.skip(skip_reason())
    texts: dict[str, str] = {}
    for number, param in enumerate(FIXED_CASES):
        case = param.values[0]
        assert isinstance(case, Case)
        for relpath, text in hcl_texts(build_case(case, tmp_path / str(number) / "p")).items():
            source = SourceFile(relpath, relpath, text)
            if relpath.endswith((".tf", ".tfvars")) and "\x00" not in text and not problems_of(source):
                for name, variant in (("as-is", text), ("aligned", canonical(text)), ("unaligned", collapsed(text))):
                    texts.setdefault(variant, f"{case.name}/{name}/{relpath}")
    by_path = {path: text for text, path in texts.items()}
    rejected = not_fmt_clean(by_path)
    disagree = sorted(path for path, text in by_path.items() if (path in rejected) != bool(problems(text)))
    assert not disagree, disagree[:10]
    assert rejected and len(rejected) < len(by_path), "both kinds of file are among the fixtures"
