"""`profiles --exec` on the dockerless Leverage CLI 3.x: what 3.1.0's `credentials configure` needs
before it runs, and whether it did its work, read from the files (its exit code says nothing: it
ends every successful run with a traceback and exit 1, leverage-cli-3.md §2.7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from mfa_guard.local.load import load_local
from mfa_guard.local.model import LocalState
from mfa_guard.local.plan import Step
from mfa_guard.local.run import Checks

if TYPE_CHECKING:
    from mfa_guard.analysis import Analysis
    from mfa_guard.prepare import Options


def _kind(step: Step) -> Optional[str]:
    words = step.argv or ()
    if words[1:3] != ("credentials", "configure") or "--type" not in words[:-1]:
        return None
    return words[words.index("--type") + 1].lower()


def needs(local: LocalState, short: str, kind: str) -> list[str]:
    """What 3.1.0 crashes without (credentials.py:375, :617, :784-789)."""
    found = []
    credentials = local.credentials
    if credentials.section(f"{short}-{kind}") is None:
        found.append(
            f"a [{short}-{kind}] section in {credentials.label}, even an empty one (without it 3.1.0 exits 255: "
            f"The config profile ({short}-{kind}) could not be found): printf '[{short}-{kind}]\\n' >> {credentials.label}"
        )
    if not local.config.exists:
        found.append(
            f"an existing {local.config.label} (3.1.0 backs it up first: FileNotFoundError): touch {local.config.label}"
        )
    bases = [credentials.section(f"{short}-{base}") for base in ("management", "bootstrap")]
    if kind == "security" and not any(section is not None and section.has_keys for section in bases):
        found.append(f"configured [{short}-management] keys first (3.1.0's SECURITY run probes them and exits 255)")
    return found


def checks_for(analysis: Analysis, options: Options) -> Optional[Checks]:
    project = analysis.project
    if not project.state.cli.dockerless or project.short_name is None:
        return None  # 2.x: its exit codes are trusted as before
    short = project.short_name

    def step_needs(step: Step) -> Optional[str]:
        kind = _kind(step)
        if kind is None:
            return None
        missing = needs(load_local(project, options.aws_dir), short, kind)  # earlier steps changed the files
        return "; ".join(missing) or None

    def step_done(step: Step) -> bool:
        from mfa_guard.analysis import analyse

        remaining = {(f.rule, f.address) for f in analyse(options).findings}
        return not any((f.rule, f.address) in remaining for f in step.findings)

    return Checks(step_needs, step_done)
