"""The fix loop: evaluate, pick fixes, apply in memory, re-parse, re-evaluate; nothing is written here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Optional

from mfa_guard.analysis import Analysis, analyse
from mfa_guard.findings import Fix, TextEdit
from mfa_guard.fix.apply import EditError, apply_edits, breaks, compatible, conflicts, with_text
from mfa_guard.fix.outcome import (
    Applied,
    Candidate,
    Directive,
    FixPolicy,
    FixResult,
    Held,
    Rejected,
)
from mfa_guard.fix.tidy import laid_out_alike, tidy
from mfa_guard.log import get_logger
from mfa_guard.prepare import Options
from mfa_guard.source import SourceFile

log = get_logger(__name__)


class _Loop:
    def __init__(self, options: Options, policy: FixPolicy) -> None:
        self.options = options
        self.policy = policy
        self.overlay: dict[str, SourceFile] = {}
        self.rejected_keys: set[tuple[str, str, tuple[str, ...]]] = set()
        self.primary: dict[Fix, tuple[TextEdit, ...]] = {}  # a tidied fix -> the edits its rule built
        self.result = FixResult({}, {})

    def run(self) -> FixResult:
        analysis = analyse(self.options)
        self.result.initial = analysis
        for number in range(1, self.policy.max_passes + 1):
            candidates, _ = self._candidates(analysis)
            if not candidates:
                break
            self.result.passes = number
            if self._pass(analysis, candidates, number):
                analysis = analyse(self.options, self.overlay)
            # Without a change, only rejections happened: the next pass offers what they blocked.
        else:
            analysis = self._drop_unstable(analysis)
        self.result.analysis = analysis
        self.result.held = self._held(analysis)
        self.result.fixed = {
            path: source for path, source in self.overlay.items() if source.text != self.result.originals[path].text
        }
        return self.result

    def _candidates(self, analysis: Analysis) -> tuple[list[Candidate], list[Held]]:
        directive = self.policy.planner(analysis) if self.policy.planner else Directive()
        sources = analysis.project.sources
        # Every fix is realigned as `terraform fmt` would lay it out before anything compares its edits.
        chosen = [replace(c, fix=self._tidy(c.fix, sources)) for c in directive.candidates]
        chosen = [c for c in chosen if c.key not in self.rejected_keys]
        held: list[Held] = []
        manual = {rule.id for rule in analysis.rules if rule.fix == "manual"}
        seen: set[Fix] = {c.fix for c in chosen}
        planned = {edit for c in chosen for edit in c.fix.edits}
        for finding in analysis.findings:
            if finding.fix is None or finding.rule in manual:
                continue
            fix = self._tidy(finding.fix, sources)
            if fix in seen or set(fix.edits) <= planned:
                continue
            candidate = Candidate(finding.rule, fix, finding)
            reason = self._why_not(candidate, directive)
            if reason is not None:
                held.append(Held(finding.rule, finding.span.path, finding.span.line, fix.description, reason))
                continue
            seen.add(fix)
            chosen.append(candidate)
        return chosen, held

    def _tidy(self, fix: Fix, sources: Mapping[str, SourceFile]) -> Fix:
        tidied = tidy(fix, sources)
        self.primary[tidied] = fix.edits
        return tidied

    def _why_not(self, candidate: Candidate, directive: Directive) -> Optional[str]:
        fix = candidate.fix
        if candidate.key in self.rejected_keys:
            return "rejected: this fix broke its file (a bug in mfa-guard)"
        for reservation in directive.reservations:
            if any(e == r or conflicts(e, r) for e in fix.edits for r in reservation.edits):
                return reservation.reason
        if fix.applicability not in ("safe", "guarded"):
            return f"unknown fix class {fix.applicability!r}"
        if fix.applicability == "guarded" and not self.policy.guarded:
            return "guarded fix: needs --guarded"
        if fix.blocked_by:  # a safe fix can wait on a precondition too (MFA001 on the backend switch)
            return f"waits on: {fix.blocked_by}"
        return None

    def _pass(self, analysis: Analysis, candidates: Sequence[Candidate], number: int) -> bool:
        """Apply every candidate that does not overlap an earlier one; the rest wait for the next pass."""
        sources = analysis.project.sources
        accepted: list[Candidate] = []
        taken: list[TextEdit] = []
        for candidate in candidates:
            if compatible(candidate.fix.edits, taken):
                problem = self._problem_alone(candidate, sources)
                if problem is not None:
                    self._reject(candidate, problem)
                    continue
                accepted.append(candidate)
                taken.extend(candidate.fix.edits)
        changed = self._apply_together(accepted, sources)
        for candidate in accepted:
            companion = candidate.finding.companion if candidate.finding is not None else None
            first = candidate.fix.edits[0]
            line = candidate.line or sources[first.path].index.position(first.start)[0]
            self.result.applied.append(
                Applied(
                    candidate.rule,
                    candidate.path,
                    line,
                    candidate.fix.description,
                    candidate.fix.applicability,
                    companion,
                    candidate.origin,
                )
            )
        log.debug("fix pass %d: %d fixes applied", number, len(accepted))
        return changed

    def _problem_alone(self, candidate: Candidate, sources: Mapping[str, SourceFile]) -> Optional[str]:
        """Would this fix, applied on its own, break (or fail to apply to) any file it edits?"""
        unchanged = True
        for path, edits in _by_path(candidate.fix.edits).items():
            source = sources.get(path)
            if source is None:
                return f"edits {path}, a file mfa-guard did not read"
            try:
                after = with_text(source, apply_edits(source.text, edits))
            except EditError as exc:
                return str(exc)
            problem = breaks(source, after)
            if problem is not None:
                return f"{path} no longer parses: {problem}"
            unchanged = unchanged and after.text == source.text
        return "the fix changes nothing, so it would be offered forever" if unchanged else None

    def _apply_together(self, accepted: list[Candidate], sources: Mapping[str, SourceFile]) -> bool:
        """Apply the accepted fixes together. Each alone keeps its files parsable; if some together
        do not, the later ones wait for the next pass (where they are judged alone on the new text)."""
        while True:
            texts, broken = _combine(accepted, sources)
            if broken is None:
                broken = self._laid_out_apart(accepted, sources, texts)
            if broken is None:
                break
            touching = [c for c in accepted if any(e.path == broken for e in c.fix.edits)]
            accepted.remove(touching[-1])  # at least two: each one alone was checked
            log.debug("fix of %s deferred: it clashes with another fix in %s", touching[-1].rule, broken)
        changed = False
        for path, after in texts.items():
            self.result.originals.setdefault(path, sources[path])
            if after.text != sources[path].text:
                self.overlay[path] = after
                changed = True
        return changed

    def _laid_out_apart(
        self, accepted: Sequence[Candidate], sources: Mapping[str, SourceFile], texts: Mapping[str, SourceFile]
    ) -> Optional[str]:
        """A file where fixes aligned one by one differ from the same edits aligned together (two
        insertions that split one comment group, say): the later fix waits for the next pass."""
        primary: dict[str, list[TextEdit]] = {}
        count: dict[str, int] = {}
        for candidate in accepted:
            for path in {e.path for e in candidate.fix.edits}:
                count[path] = count.get(path, 0) + 1
            for edit in self.primary.get(candidate.fix, candidate.fix.edits):
                primary.setdefault(edit.path, []).append(edit)
        for path, edits in primary.items():
            if count[path] > 1 and not laid_out_alike(sources[path], edits, texts[path].text):
                return path
        return None

    def _reject(self, candidate: Candidate, problem: str) -> None:
        self.rejected_keys.add(candidate.key)
        self.result.rejected.append(Rejected(candidate.rule, candidate.path, candidate.fix.description, problem))
        log.warning("rejected the fix of %s in %s: %s", candidate.rule, candidate.path, problem)

    def _drop_unstable(self, analysis: Analysis) -> Analysis:
        """Still fixable after the last pass: those files never settle, so none of their changes are kept."""
        candidates, _ = self._candidates(analysis)
        paths = sorted({e.path for c in candidates for e in c.fix.edits} & set(self.overlay))
        if not paths:
            return analysis
        for path in paths:
            del self.overlay[path]
        self.result.unstable = paths
        self.result.applied = [a for a in self.result.applied if a.path not in paths]
        return analyse(self.options, self.overlay)

    def _held(self, analysis: Analysis) -> list[Held]:
        candidates, held = self._candidates(analysis)
        for candidate in candidates:  # only left when the pass cap was reached
            reason = "not applied: the file kept changing for the maximum number of passes"
            held.append(Held(candidate.rule, candidate.path, candidate.line, candidate.fix.description, reason))
        return held


def _combine(
    accepted: Sequence[Candidate], sources: Mapping[str, SourceFile]
) -> tuple[dict[str, SourceFile], Optional[str]]:
    """The texts after every accepted fix, and the first file they make unparsable (or None)."""
    edits: dict[str, list[TextEdit]] = {}
    for candidate in accepted:
        for path, file_edits in _by_path(candidate.fix.edits).items():
            edits.setdefault(path, []).extend(file_edits)
    texts = {}
    for path, file_edits in edits.items():
        texts[path] = with_text(sources[path], apply_edits(sources[path].text, file_edits))
        if breaks(sources[path], texts[path]) is not None:
            return texts, path
    return texts, None


def _by_path(edits: Sequence[TextEdit]) -> dict[str, list[TextEdit]]:
    grouped: dict[str, list[TextEdit]] = {}
    for edit in edits:
        grouped.setdefault(edit.path, []).append(edit)
    return grouped


def compute_fixes(options: Options, policy: Optional[FixPolicy] = None) -> FixResult:
    """Every fix of one run, computed in memory for all files before anything is written."""
    return _Loop(options, policy or FixPolicy()).run()
