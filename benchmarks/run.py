"""Run the mfa-guard benchmark: every case several times, median wall time, CPU and peak RSS.

    .venv/bin/python benchmarks/run.py [--runs 7] [--scales 1,10] [--checkov PATH] [--markdown FILE]

Generates the repositories (benchmarks/generated/, seeded: the 1x and 10x landing zones and the
real-size tree of real_tree.py), then for each tree measures the floor (benchmarks/floor.py) and
`mfa-guard check` on a fresh machine (an empty cache directory before every run, as on a new CI
runner; the parser tables ship with the package, and the run fails if any table file appears), and
for the 1x/10x zones also cold (mfa-guard's caches removed), warm (caches filled, nothing changed),
warm after editing one backend.tfvars (results cache miss, one file parsed again), warm without the
results cache, the pre-commit hook path, `mfa-guard fix --diff` and `mfa-guard --version`; the
bundled example gets the floor and the fresh-machine case. Each case is a separate process; each is
given as a ratio to the floor of its tree measured in the same run. checkov (--checkov) runs on the
1x zone and the real-size tree. The machine's speed (a fixed Python loop) is measured before and
after the cases: the VM's speed drifts, and an absolute budget is only comparable at a known speed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from real_tree import count, generate_real  # noqa: E402

PYTHON = sys.executable
MFA_GUARD = [str(Path(PYTHON).parent / "mfa-guard")]  # the console script, as users run it


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float


@dataclass
class Result:
    case: str
    scale: str  # the tree: "example", "1x", "10x", "real"
    samples: list[Sample]

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(s, attribute) for s in self.samples)


def measure(command: list[str], env: dict[str, str], cwd: Optional[Path] = None) -> Sample:
    # stderr goes to a file, not a pipe: a tool that writes more than a pipe holds (checkov's
    # warnings) would block on it while we wait for it to exit.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {stderr}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def run_case(
    name: str,
    scale: str,
    runs: int,
    command: list[str],
    env: dict[str, str],
    before: Callable[[], None] = lambda: None,
    cwd: Optional[Path] = None,
) -> Result:
    before()
    measure(command, env, cwd)  # one unmeasured run: file system cache and parser tables warm
    samples = []
    for _ in range(runs):
        before()
        samples.append(measure(command, env, cwd))
    return Result(name, scale, samples)


def precommit_repo(repo: Path) -> Path:
    """A git repo of the generated project whose local hook runs mfa-guard as the published hook does."""
    config = repo / ".pre-commit-config.yaml"
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    config.write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: mfa-guard\n    name: mfa-guard\n"
        f"    entry: {Path(PYTHON).parent / 'mfa-guard'} check\n    language: system\n    pass_filenames: false\n    always_run: true\n",
        encoding="utf-8",
    )
    return repo


def environment(cache: Path) -> dict[str, str]:
    # Measure what users get: an installed package runs from bytecode, so no PYTHONDONTWRITEBYTECODE.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(MFA_GUARD_CACHE_DIR=str(cache), NO_COLOR="1")
    return env


def fresh_machine(label: str, repo: Path, runs: int) -> Result:
    """`check` with an empty cache directory before every run; fails if parser tables get built."""
    cache = HERE / "generated" / f"fresh-cache-{label}"

    def empty() -> None:
        if cache.exists():
            tables = [p for p in cache.rglob("*") if "lalr" in p.name or "hcl2" in p.name]
            if tables:
                raise SystemExit(f"parser tables were written on a fresh machine: {tables}")
            shutil.rmtree(cache)
        cache.mkdir(parents=True)

    check = [*MFA_GUARD, "check", str(repo), "--format", "plain", "--exit-zero"]
    result = run_case("check, fresh machine", label, runs, check, environment(cache), before=empty)
    empty()
    return result


def bench_tree(label: str, repo: Path, runs: int, checkov: Optional[str]) -> list[Result]:
    """The example and the real-size tree: the floor, a fresh machine, and checkov on the real one."""
    env = environment(HERE / "generated" / f"cache-{label}")
    results = [
        run_case("floor (read + 1 regex)", label, runs, [PYTHON, str(HERE / "floor.py"), str(repo)], env),
        fresh_machine(label, repo, runs),
    ]
    if label == "real":
        check = [*MFA_GUARD, "check", str(repo), "--format", "plain", "--exit-zero"]
        results.append(run_case("check, warm", label, runs, check, env))
        if checkov:
            results.append(run_checkov(label, repo, runs, checkov, env))
    return results


def run_checkov(label: str, repo: Path, runs: int, checkov: str, env: dict[str, str]) -> Result:
    command = [checkov, "-d", str(repo), "--quiet", "--compact", "--skip-download"]  # offline, as mfa-guard
    return run_case("checkov", label, max(1, runs // 3), command, env)


def bench_scale(scale: int, runs: int, checkov: Optional[str]) -> list[Result]:
    label = f"{scale}x"
    repo = generate(HERE / "generated" / f"scale-{scale}", scale, seed=7)
    cache = HERE / "generated" / f"cache-{scale}"
    env = environment(cache)
    cache.mkdir(parents=True, exist_ok=True)

    def clear(*patterns: str) -> Callable[[], None]:
        def remove() -> None:
            for pattern in patterns:
                for entry in cache.glob(pattern):
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()

        return remove

    edited = sorted(repo.glob("*/config/backend.tfvars"))[0]
    original = edited.read_text(encoding="utf-8")
    edits = iter(range(1_000_000))

    def edit_one_file() -> None:
        """New content each run, as when a developer commits: one file to hash, read and parse again."""
        edited.write_text(f"{original}# benchmark edit {next(edits)}\n", encoding="utf-8")

    check = [*MFA_GUARD, "check", str(repo), "--format", "plain", "--exit-zero"]
    results = [
        run_case("floor (read + 1 regex)", label, runs, [PYTHON, str(HERE / "floor.py"), str(repo)], env),
        fresh_machine(label, repo, runs),
        # Cold: mfa-guard's caches removed (parse results, validated rules, check results).
        run_case("check, cold", label, runs, check, env, before=clear("projects", "results", "rules.*")),
        run_case("check, warm", label, runs, check, env),
        run_case("check, warm, one file edited", label, runs, check, env, before=edit_one_file),
        run_case("check, warm, no results cache", label, runs, check, env, before=clear("results")),
    ]
    edited.write_text(original, encoding="utf-8")
    if scale == 1:
        precommit = precommit_repo(repo)
        results.append(
            run_case(
                "pre-commit hook",
                label,
                runs,
                [PYTHON, "-m", "pre_commit", "run", "mfa-guard", "--all-files"],
                env,
                cwd=precommit,
            )
        )
        results.append(
            run_case("fix --diff", label, runs, [*MFA_GUARD, "fix", str(repo), "--diff", "--exit-zero"], env)
        )
        results.append(run_case("--version", label, runs, [*MFA_GUARD, "--version"], env))
        if checkov:
            results.append(run_checkov(label, repo, runs, checkov, env))
    return results


def table(results: list[Result]) -> str:
    floors = {r.scale: r.median("wall") for r in results if r.case.startswith("floor")}
    lines = [
        "| scale | case | median wall (s) | ratio to floor | median CPU (s) | peak RSS (MiB) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        ratio = r.median("wall") / floors[r.scale]
        lines.append(
            f"| {r.scale} | {r.case} | {r.median('wall'):.3f} | {ratio:.1f}x | {r.median('cpu'):.3f} | {max(s.rss_mib for s in r.samples):.1f} |"
        )
    return "\n".join(lines)


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop, the median of 5, in its own process: this VM's speed
    drifts by up to 2x over minutes (host load), and absolute budgets depend on it."""
    code = "import time\nt = time.perf_counter()\ns = 0\nfor i in range(3_000_000):\n    s += i\nprint(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(5)
    ]
    return statistics.median(runs)


def machine() -> str:
    import hcl2

    from mfa_guard import __version__

    return (
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"mfa-guard {__version__}, python-hcl2 {getattr(hcl2, '__version__', '?')}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="mfa-guard benchmark")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--checkov", help="path to a checkov executable in its own environment")
    parser.add_argument("--markdown", type=Path, help="also write the results table to this file")
    args = parser.parse_args()
    speed_before = machine_speed()
    results = bench_tree("example", REPO / "examples" / "leverage-project", args.runs, None)
    for scale in (int(s) for s in args.scales.split(",")):
        results += bench_scale(scale, args.runs, args.checkov)
    real = generate_real(HERE / "generated" / "real", seed=11)
    print(f"real-size tree: {count(real)} .tf/.tfvars files", file=sys.stderr)
    results += bench_tree("real", real, args.runs, args.checkov)
    speed = f"{speed_before:.3f} s before the cases, {machine_speed():.3f} s after"
    text = (
        f"Machine: {machine()}\nMachine speed (a 3M-step Python loop): {speed}\n"
        f"Runs per case: {args.runs} (median)\n\n{table(results)}\n"
    )
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
