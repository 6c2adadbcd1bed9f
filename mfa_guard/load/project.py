"""Discovery + parsing + extraction = the Project model, plus mode and phase."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from re import Pattern
from typing import Callable, Optional

from mfa_guard.cache import project_store
from mfa_guard.discover import FileIndex, walk
from mfa_guard.load.accounts import load_accounts
from mfa_guard.load.identities import load_identity_layer
from mfa_guard.load.layers import layer_profiles, secret_outputs
from mfa_guard.load.reader import Reader, duplicate_problems
from mfa_guard.load.short_name import short_name_sources
from mfa_guard.model import ParseProblem, Project, ShortNameSource
from mfa_guard.phase import cli_generation, infer_state
from mfa_guard.source import SourceFile
from mfa_guard.span import Span

# Outputs worth parsing: anything that can carry a password or secret (§4.1).
DEFAULT_OUTPUT_FILTER = r"password|secret|pgp_message|decrypt_command"


@dataclass(frozen=True)
class LoadOptions:
    management_account: Optional[str] = None
    short_name: Optional[str] = None
    target_phase: Optional[str] = None
    leverage_cli: Optional[int] = None  # configured generation; None: inferred from build.env
    leverage_cli_from: str = ""
    output_filter: Pattern[str] = field(default_factory=lambda: re.compile(DEFAULT_OUTPUT_FILTER))
    excluded: Callable[[str], bool] = lambda _path: False
    extra_hcl: Callable[[str], bool] = lambda _path: False  # files generic rules want parsed
    cache_dir: Optional[Path] = None  # where parse results are cached; None: no cache
    overlay: Mapping[str, SourceFile] = field(default_factory=dict)  # in-memory file texts (fix loop)


def load_project(root: Path, options: Optional[LoadOptions] = None, index: Optional[FileIndex] = None) -> Project:
    """`index`: the walk already made (with its exclusions); else the root is walked here."""
    options = options or LoadOptions()
    index = index if index is not None else walk(root, options.excluded)
    cache = project_store(options.cache_dir, root) if options.cache_dir is not None else None
    reader = Reader(index, cache, options.overlay, options.cache_dir)
    envs = tuple(
        env
        for relpath in index.files
        if relpath.rsplit("/", 1)[-1] == "build.env"
        for env in [reader.env(relpath, relpath.rsplit("/", 1)[0] if "/" in relpath else "")]
        if env is not None
    )
    project_yaml = reader.yaml("project.yaml") if index.exists("project.yaml") else None
    common_path = _common_path(index)
    common = reader.hcl(common_path) if common_path else None
    if common is not None:
        reader.problems.extend(duplicate_problems(common.path, common.body))
    accounts = load_accounts(reader, options.management_account)
    root_env = next((env for env in envs if env.directory == ""), None)
    short_names = short_name_sources(common, root_env, project_yaml, accounts)
    if options.short_name:
        configured = ShortNameSource("configuration", options.short_name, Span.whole_file(".mfa-guard.yaml"))
        short_names = (configured, *short_names)
    short = short_names[0].value if short_names else None
    identity_layers = tuple(
        layer for account in accounts for layer in [load_identity_layer(reader, account)] if layer is not None
    )
    cli = cli_generation(envs, options.leverage_cli, options.leverage_cli_from)
    profiles = tuple(
        profile
        for account in accounts
        for profile in layer_profiles(
            reader, account, account.backend.profile_value if account.backend else None, short, cli.dockerless
        )
    )
    outputs = tuple(secret_outputs(reader, accounts, options.output_filter))
    for relpath in index.files:
        if options.extra_hcl(relpath):
            reader.hcl(relpath)
    problems = [ParseProblem(p.path, p.message, Span.whole_file(p.path), "read") for p in index.problems]
    project = Project(
        root=index.root,
        sources=reader.sources,
        documents=reader.documents,
        build_envs=envs,
        project_yaml=project_yaml,
        common_path=common_path,
        common=common,
        accounts=accounts,
        identity_layers=identity_layers,
        outputs=outputs,
        layer_profiles=profiles,
        short_names=short_names,
        disabled_layers=index.disabled_layers,
        problems=(*reader.problems, *problems),
        files=index.files,
    )
    if cache is not None:
        cache.save()
    from mfa_guard.fix.facts import read_records

    state = infer_state(project, options.target_phase, cli)
    return dataclasses.replace(project, state=state, records=read_records(index.root))


def _common_path(index: FileIndex) -> Optional[str]:
    for candidate in ("config/common.tfvars", "config/common.tfvars.example"):
        if index.exists(candidate):
            return candidate
    return None
