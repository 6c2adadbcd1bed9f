"""The guide's facts about values: what MFA_ENABLED and role_requires_mfa mean, one rule each.

Only parse types are imported here, so the model can ask these rules too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from mfa_guard.generation import UNKNOWN, CliGeneration, mfa_on
from mfa_guard.parse.hcl_types import Attribute

MFA_KEY = "MFA_ENABLED"

# role_requires_mfa, as Terraform passes it to the iam-assumable-role module:
TRUE, FALSE, ABSENT, NULL, EXPRESSION = "true", "false", "absent", "null", "expression"
_REQUIRES = {TRUE: True, ABSENT: True, FALSE: False, NULL: False, EXPRESSION: None}


def mfa_flag_on(value: Optional[str], generation: CliGeneration = UNKNOWN) -> bool:
    """Does the CLI run with MFA for this MFA_ENABLED value (None: the key is absent)?

    How the flag is read depends on the Leverage CLI generation: 2.x compares with "true", 3.x
    takes any non-empty value (and an absent key) as on; mfa_guard/generation.py states both.
    """
    return mfa_on(value, generation)


def mfa_truth(attribute: Optional[Attribute]) -> str:
    """true | false | absent | null | expression.

    absent: the module default (true upstream) applies. A quoted "true"/"false" is converted to the
    bool (the variable is a bool). `null` does not select the default: since Terraform 1.1 a module
    input set to null is null, and the module's conditional on it fails the plan, so the role does
    not require MFA. Anything else is an expression, never guessed."""
    if attribute is None:
        return ABSENT
    expr = attribute.value
    if expr.kind == "bool":
        return TRUE if expr.value else FALSE
    if expr.kind == "string" and expr.value in (TRUE, FALSE):
        return str(expr.value)
    if expr.kind == "null":
        return NULL
    return EXPRESSION


def truth_requires_mfa(truth: str) -> Optional[bool]:
    """True for true/absent, False for false/null, None for an expression."""
    return _REQUIRES[truth]


def describe_truth(truth: str, text: str = "") -> str:
    """How a finding states the value: `role_requires_mfa = false`, `... is an expression (var.x)`."""
    if truth == ABSENT:
        return "omits role_requires_mfa (module default: true)"
    if truth == NULL:
        return "has role_requires_mfa = null (Terraform passes null, not the module default: the plan fails)"
    if truth == EXPRESSION:
        return f"has role_requires_mfa = {text} (an expression: set it to true by hand)"
    return f"has role_requires_mfa = {truth}"


@dataclass(frozen=True)
class GuideOrder:
    """How the post-deployment steps differ per Leverage CLI generation (leverage-cli-3.md §2.6, §2.7, §5)."""

    # 3.x: `credentials configure` gets --fetch-mfa-device from the first run (its `-mfa` role profiles
    # without mfa_serial crash every layer), so there is no later "fetch the MFA device" step.
    fetch_mfa_first: bool
    # 3.x: layers on base credentials (the management account before the switch) need an empty
    # `MFA_ENABLED=` in their account's build.env; the switch to the role profile removes it again.
    empty_flag_on_base_credentials: bool


ORDERS = {2: GuideOrder(False, False), 3: GuideOrder(True, True)}


def guide_order(generation: CliGeneration) -> GuideOrder:
    """Unknown keeps the 2.x order (and the plan says how 3.x differs: UNKNOWN_ORDER_NOTE)."""
    return ORDERS[3] if generation.dockerless else ORDERS[2]


UNKNOWN_ORDER_NOTE = (
    "the Leverage CLI generation is unknown, so these are the steps of the Docker-based CLI 2.x. "
    "With the dockerless CLI 3.x the first `credentials configure` of each user type already takes "
    "--fetch-mfa-device (there is no later fetch step), and the management layers run with an empty "
    "MFA_ENABLED= in the management account's build.env until its backend moves to the role profile: "
    "set `leverage_cli: 2|3` in .mfa-guard.yaml or pass --leverage-cli"
)
