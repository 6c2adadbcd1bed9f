"""Issue 16 items 12 and 14: bounded work on hostile config, rule and project files, and a fuzz run
of hostile inputs across the read-only commands: each ends in findings or a clear usage error
(exit 0, 1 or 2), never `internal error`, a traceback or a hang."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mfa_guard.cli import main
from mfa_guard.exclude import Excluder, GlobError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, /dev/zero and SIGALRM are POSIX")

TEAM_RULE = {
    "id": "TEAM001",
    "name": "team-image-tag",
    "severity": "warning",
    "summary": "The image tag is pinned.",
    "why": "w.",
    "target": "t.",
    "fix": "manual",
    "check": "env_key_must_match",
    "params": {"key": "TERRAFORM_IMAGE_TAG", "pattern": "x"},
}
# `fix --dry-run` with every hostile variant; `check --local` reads ~/.aws/<short> (the short name)
LOCAL = ("check", "{root}", "--local", "--format", "json")


def alias_bomb(levels: int = 12) -> str:
    """The billion laughs: each level lists the previous one ten times (10**levels strings)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Turn a hang into a test failure (SIGALRM interrupts a blocking open of a FIFO too)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(capsys: pytest.CaptureFixture[str], *args: str, limit: int = 60) -> tuple[int, str, str]:
    capsys.readouterr()
    with deadline(limit):
        code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def team_rule(root: Path, pattern: str, key: str = "TERRAFORM_IMAGE_TAG") -> Path:
    path = root / "team.yaml"
    path.write_text(json.dumps({**TEAM_RULE, "params": {"key": key, "pattern": pattern}}), encoding="utf-8")
    return path


def set_env(root: Path, key: str, value: str) -> None:
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8") + f"{key}={value}\n", encoding="utf-8")


# --- item 12: config and rule DoS ---------------------------------------------------------------


def test_an_alias_bomb_config_is_refused_at_once(project, capsys) -> None:
    root = project("p0")
    (root / ".mfa-guard.yaml").write_text(alias_bomb() + "select: *a11\n", encoding="utf-8")
    started = time.monotonic()
    code, _, err = run(capsys, "check", str(root), limit=30)
    assert code == 2 and "aliases (*name) are not allowed here" in err and "a10" not in err
    assert time.monotonic() - started < 10


def test_an_alias_bomb_team_rule_file_is_refused_at_once(project, capsys) -> None:
    root = project("p0")
    (root / "team.yaml").write_text(alias_bomb(), encoding="utf-8")
    code, _, err = run(capsys, "validate-rules", str(root / "team.yaml"), limit=30)
    assert code == 2 and "team.yaml: $: not valid YAML" in err and "aliases" in err


def test_an_alias_bomb_project_yaml_is_a_located_finding(project, capsys) -> None:
    root = project("p1")
    (root / "project.yaml").write_text(alias_bomb() + "short_name: me\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(root), "--format", "json", limit=30)
    assert code == 1, err
    messages = [f["message"] for f in json.loads(out)["findings"] if f["project_path"] == "project.yaml"]
    assert any("more than 100 aliases" in m for m in messages), messages


def test_the_issues_team_regex_on_a_37_character_value_finishes(project, capsys) -> None:
    root = project("p1")
    set_env(root, "TEAM_VALUE", "aaaa aaaa aaaa aaaa aaaa aaaa aaaa aa!")  # 37 characters
    rule = team_rule(root, r"^(\w+\s?)*$", "TEAM_VALUE")
    started = time.monotonic()
    code, out, err = run(capsys, "check", str(root), "--rules", str(rule), "--select", "TEAM001", limit=60)
    assert code == 1 and "TEAM_VALUE" in out, err
    assert time.monotonic() - started < 20


def test_a_catastrophic_team_regex_is_cut_short_with_a_located_finding(project, capsys) -> None:
    root = project("p1")
    set_env(root, "TEAM_VALUE", "a" * 40)
    rule = team_rule(root, r"(a|aa)+b", "TEAM_VALUE")
    code, out, err = run(
        capsys, "check", str(root), "--rules", str(rule), "--select", "TEAM001", "--format", "json", limit=60
    )
    assert code == 1, err
    (finding,) = json.loads(out)["findings"]
    assert finding["project_path"] == "build.env" and "took longer than" in finding["message"]


def test_exclude_globs_with_many_stars_match_in_linear_time(tmp_path: Path) -> None:
    started = time.monotonic()
    for stars in (12, 60, 5000):
        excluder = Excluder(tmp_path, ["*a" * stars + "b"])
        assert excluder("x/" + "a" * 250) is False  # a path component is at most 255 bytes
        assert excluder("y/" + "a" * min(stars, 100) + "b") is (stars <= 100)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        (["[!a-c]x.tf"], "dx.tf", True),
        (["[!a-c]x.tf"], "bx.tf", False),
        (["[^a-c]x.tf"], "bx.tf", False),
        (["a[/]b"], "a/b", False),  # a class never matches the separator
        (["[ab"], "[ab", True),  # an unclosed bracket is a literal
        (["**/x/**/*.tf"], "x/c.tf", True),
        (["**/x/**/*.tf"], "ax/c.tf", False),
        (["a\\*"], "a*", True),
        (["a\\*"], "ab", False),
    ],
)
def test_more_gitignore_globs(tmp_path: Path, patterns: list[str], path: str, excluded: bool) -> None:
    assert Excluder(tmp_path, patterns)(path) is excluded


def test_a_bad_bracket_is_a_config_error(project, capsys) -> None:
    root = project("p0")
    (root / ".mfa-guard.yaml").write_text("exclude: ['ok/', 'x[z-a].tf']\n", encoding="utf-8")
    code, _, err = run(capsys, "check", str(root))
    assert code == 2 and ".mfa-guard.yaml: $.exclude[1]: bad character range z-a" in err
    with pytest.raises(GlobError, match=r"exclude '\[z-a\]': bad character range z-a in \[z-a\]"):
        Excluder(root, ["[z-a]"])


# --- item 14: a fuzz run of hostile inputs over the read-only commands ---------------------------


def _fifo(root: Path) -> None:
    os.mkfifo(root / ".mfa-guard-applied")
    layer_file = next(root.glob("management/*/*/*.tf"))
    layer_file.unlink()
    os.mkfifo(layer_file)


def _dev_zero(root: Path) -> None:
    (root / ".mfa-guard-applied").symlink_to("/dev/zero")
    (root / "management" / "config" / "backend.tfvars").unlink()
    (root / "management" / "config" / "backend.tfvars").symlink_to("/dev/zero")


def _project_alias_bomb(root: Path) -> None:
    (root / "project.yaml").write_text(alias_bomb() + "short_name: me\n", encoding="utf-8")


def _config_alias_bomb(root: Path) -> None:
    (root / ".mfa-guard.yaml").write_text(alias_bomb(), encoding="utf-8")


def _hostile_names(root: Path) -> None:
    layer = next(root.glob("management/*/*/"))
    for name in ("evil\n::error::x", "\x1b[31mred", "$(touch pwned)", '";touch pwned;"'):
        (layer.parent / name).mkdir()
        (layer.parent / name / "main.tf").write_text((layer / "config.tf").read_text(), encoding="utf-8")
    if sys.platform.startswith("linux"):
        undecodable = Path(os.fsdecode(os.fsencode(layer.parent) + b"/bad-\xff\xfe-name"))  # not UTF-8
        undecodable.mkdir()
        (undecodable / "main.tf").write_text("x = 1\n")


def _bad_glob(root: Path) -> None:
    (root / ".mfa-guard.yaml").write_text("exclude: ['[z-a]', '" + "*a" * 2000 + "']\n", encoding="utf-8")


def _team_rules(root: Path, rules: list[dict[str, object]]) -> None:
    (root / "team.yaml").write_text(json.dumps({"rules": rules}), encoding="utf-8")
    (root / ".mfa-guard.yaml").write_text("rule_paths: [team.yaml]\n", encoding="utf-8")


def _bad_regex(root: Path) -> None:
    _team_rules(root, [{**TEAM_RULE, "params": {"key": "PROJECT", "pattern": "("}}])


def _slow_regexes(root: Path) -> None:
    where = {
        "files": ["**/*.tf"],
        "block_type": "provider",
        "where": {"profile": "(x+x+)+y"},
        "attribute": "region",
        "equals": "us-east-1",
    }
    _team_rules(
        root,
        [
            {**TEAM_RULE, "id": "TEAM002", "name": "t-two", "params": {"key": "PROJECT_X", "pattern": "(a|aa)+b"}},
            {**TEAM_RULE, "id": "TEAM003", "name": "t-three", "check": "attribute_must_equal", "params": where},
        ],
    )
    set_env(root, "PROJECT_X", "a" * 40)
    provider = next(root.glob("management/*/*/config.tf"))
    text = provider.read_text()
    assert "profile = var.profile" in text
    provider.write_text(text.replace("profile = var.profile", 'profile = "' + "x" * 40 + '"', 1))


def _hostile_short_name(root: Path) -> None:
    env = root / "build.env"
    env.write_text(env.read_text(encoding="utf-8").replace("PROJECT=me", "PROJECT=$(id)/../..\x1b[2J"))
    common = root / "config" / "common.tfvars"
    common.write_text(common.read_text(encoding="utf-8").replace('"me"', '"../../x\\n::error::"', 1))


def _broken_config_values(root: Path) -> None:
    (root / ".mfa-guard.yaml").write_text("baseline: /etc/passwd\nrule_paths: ['../../../etc/hostname']\n")


def _interpolation_bomb(root: Path) -> None:
    """Each key doubles the next (2**40 characters if expanded naively; yaenv's greedy pattern reads
    `${K1}${K1}` as one unknown name, and the interpolation bounds cap whatever remains)."""
    lines = [f"K{i}=${{K{i + 1}}}${{K{i + 1}}}" for i in range(40)] + ["K40=xxxxxxxxxxxxxxxx", "MFA_ENABLED=${K0}"]
    with (root / "build.env").open("a", encoding="utf-8") as env:
        env.write("\n".join(lines) + "\n")


HOSTILE: dict[str, Callable[[Path], None]] = {
    "fifo": _fifo,
    "interpolation-bomb": _interpolation_bomb,
    "dev-zero": _dev_zero,
    "project-alias-bomb": _project_alias_bomb,
    "config-alias-bomb": _config_alias_bomb,
    "hostile-names": _hostile_names,
    "bad-glob": _bad_glob,
    "bad-regex": _bad_regex,
    "slow-regexes": _slow_regexes,
    "hostile-short-name": _hostile_short_name,
    "config-paths-out": _broken_config_values,
}

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("check", "{root}", "--format", "json"),
    ("check", "{root}", "--format", "sarif"),
    ("plan", "{root}", "--to", "p2"),
    ("rules", "--format", "json"),
    ("explain", "ENV001"),
    ("validate-rules",),
    ("suppressions", "{root}"),
    ("fix", "{root}", "--dry-run"),
    LOCAL,
)


@pytest.mark.parametrize("variant", sorted(HOSTILE))
def test_hostile_inputs_never_end_in_an_internal_error(project, capsys, monkeypatch, variant: str) -> None:
    root = project("p1")
    HOSTILE[variant](root)
    monkeypatch.chdir(root)  # `rules`, `explain`, `validate-rules` find the config from here
    before = sorted(p.name for p in root.iterdir())
    for command in COMMANDS:
        args = [part.format(root=root) for part in command]
        code, out, err = run(capsys, *args, limit=60)
        assert code in (0, 1, 2), (variant, args, err)
        assert "internal error" not in err and "Traceback" not in err, (variant, args, err)
        if code == 2:
            assert err.startswith(("mfa-guard: ", "usage: ")), (variant, args, err)
        assert "root:x:0:0" not in out + err, "never the contents of a file out of the project"
    assert sorted(p.name for p in root.iterdir()) == before, "read-only commands wrote nothing"
    assert not (root / "pwned").exists()
