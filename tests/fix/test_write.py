"""Writing: atomic per file, all prepared before any replace, modes kept, never outside the root."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mfa_guard.fix.write import WriteError, safe_target, write_files
from mfa_guard.source import SourceFile, read_source
from tests.fix.conftest import Runner, snapshot


def fixed(root: Path, relpath: str, text: str) -> SourceFile:
    original = read_source(root, relpath)
    return SourceFile(relpath, original.abspath, text, original.bom, original.newline)


def make(root: Path, files: dict[str, str]) -> None:
    for relpath, text in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text)


def leftovers(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*") if p.name.endswith(".tmp")]


def test_writes_keep_mode_and_bom(tmp_path: Path) -> None:
    (tmp_path / "a.env").write_bytes(b"\xef\xbb\xbfA=1\r\n")
    (tmp_path / "a.env").chmod(0o640)
    written = write_files(tmp_path, [fixed(tmp_path, "a.env", "A=2\r\n")])
    assert written == ["a.env"]
    assert (tmp_path / "a.env").read_bytes() == b"\xef\xbb\xbfA=2\r\n"
    assert stat.S_IMODE((tmp_path / "a.env").stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_failure_while_preparing_changes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"a.tf": "a", "b.tf": "b", "c.tf": "c"})
    real_fdopen = os.fdopen
    calls = []

    def failing_fdopen(fd: int, *args: object, **kwargs: object) -> object:
        calls.append(fd)
        if len(calls) == 2:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("mfa_guard.fix.write.os.fdopen", failing_fdopen)
    files = [fixed(tmp_path, name, name[0].upper()) for name in ("a.tf", "b.tf", "c.tf")]
    with pytest.raises(WriteError, match=r"b\.tf: cannot write: No space left on device; no file was changed"):
        write_files(tmp_path, files)
    assert snapshot(tmp_path) == {"a.tf": b"a", "b.tf": b"b", "c.tf": b"c"}
    assert leftovers(tmp_path) == []


def test_a_failure_midway_through_the_renames_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"a.tf": "a", "b.tf": "b", "c.tf": "c"})
    real_replace = Path.replace

    def failing_replace(self: Path, target: Path) -> Path:
        if target.name == "b.tf":
            raise OSError(5, "Input/output error")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    files = [fixed(tmp_path, name, name[0].upper()) for name in ("a.tf", "b.tf", "c.tf")]
    with pytest.raises(WriteError) as error:
        write_files(tmp_path, files)
    assert str(error.value) == "b.tf: cannot replace: Input/output error; written: a.tf; unchanged: b.tf, c.tf"
    assert snapshot(tmp_path) == {"a.tf": b"A", "b.tf": b"b", "c.tf": b"c"}  # each file whole: old or new
    assert leftovers(tmp_path) == []


def test_a_read_only_file_stops_the_run_before_any_write(project, cli: Runner) -> None:
    root = project("p1")
    outputs = root / "management/global/base-identities/outputs.tf"
    outputs.write_text(outputs.read_text().replace("sensitive   = true", "sensitive   = false"))
    env = root / "build.env"
    env.write_text(env.read_text().replace("MFA_ENABLED=true", "export MFA_ENABLED=true"))
    outputs.chmod(0o444)
    before = snapshot(root)
    code, _, err = cli("fix", str(root))
    assert code == 2
    assert "management/global/base-identities/outputs.tf: cannot write: the file is read-only (mode -r--r--r--)" in err
    assert "no file was changed" in err
    assert snapshot(root) == before
    assert leftovers(root) == []


def test_never_outside_the_root_nor_through_symlinks_nor_into_aws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    make(root, {"in.tf": "x"})
    make(outside, {"secret.tf": "y"})
    (root / "link.tf").symlink_to(outside / "secret.tf")
    (root / "linkdir").symlink_to(outside)
    assert safe_target(root, "in.tf") == (root / "in.tf").resolve()
    with pytest.raises(WriteError, match="symlink"):
        safe_target(root, "link.tf")
    with pytest.raises(WriteError, match="outside the project root"):
        safe_target(root, "linkdir/secret.tf")
    with pytest.raises(WriteError, match="outside the project root"):
        safe_target(root, "../outside/secret.tf")
    monkeypatch.setenv("HOME", str(root))
    make(root, {".aws/me/config": "[profile me-bootstrap]\n"})
    with pytest.raises(WriteError, match="never edits it"):
        safe_target(root, ".aws/me/config")
