"""A stand-in for `tofu` (TF_BINARY in build.env) that reports the credentials Leverage gave it.

Run by the leverage venv's python (it has boto3). `--version` prints the OpenTofu banner the CLI
demands. Any other command resolves `var.profile` (the `profile` of the backend.tfvars passed as
`-var-file`) the way the AWS provider's SDK does, against the files in AWS_CONFIG_FILE and
AWS_SHARED_CREDENTIALS_FILE (the Leverage CLI sets both):
- `[profile P]` with role_arn + source_profile is assumed with the source keys; its static keys are
  ignored; with mfa_serial as well the provider cannot prompt and fails;
- otherwise the static keys of `[P]` in credentials (or `[profile P]` in config);
then it calls sts:GetCallerIdentity on AWS_ENDPOINT_URL and prints one line
`FAKE-TOFU-RESULT {json}`; exit 0 when the provider would have had credentials, 1 otherwise.
Terraform itself is never run: this emulates only its credential resolution.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Optional

MOTO_DEFAULT_USER = ":user/moto"  # moto's answer to keys it does not know


def _profile(argv: list[str]) -> Optional[str]:
    for arg in argv:
        if arg.startswith("-var-file=") and arg.endswith("backend.tfvars"):
            text = Path(arg.split("=", 1)[1]).read_text(encoding="utf-8")
            found = re.search(r'^\s*profile\s*=\s*"([^"]*)"', text, re.MULTILINE)
            return found.group(1) if found else None
    return None


def _read(variable: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    path = os.environ.get(variable)
    if path and Path(path).exists():
        parser.read(path, encoding="utf-8")
    return parser


def _keys(config: Any, credentials: Any, name: str) -> Optional[dict[str, str]]:
    for parser, section in ((credentials, name), (config, f"profile {name}")):
        if parser.has_section(section) and parser.has_option(section, "aws_access_key_id"):
            keys = {
                "aws_access_key_id": parser.get(section, "aws_access_key_id"),
                "aws_secret_access_key": parser.get(section, "aws_secret_access_key", fallback=""),
            }
            if parser.has_option(section, "aws_session_token"):
                keys["aws_session_token"] = parser.get(section, "aws_session_token")
            return keys
    return None


def resolve(profile: str) -> dict[str, Any]:
    import boto3

    config, credentials = _read("AWS_CONFIG_FILE"), _read("AWS_SHARED_CREDENTIALS_FILE")
    section = f"profile {profile}"
    endpoint = os.environ.get("AWS_ENDPOINT_URL")

    def sts(keys: dict[str, str]) -> Any:
        return boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", **keys)

    if config.has_option(section, "role_arn") and config.has_option(section, "source_profile"):
        if config.has_option(section, "mfa_serial"):
            return {"ok": False, "error": "AssumeRoleTokenProviderNotSetError: assume role with MFA enabled"}
        source = _keys(config, credentials, config.get(section, "source_profile"))
        if source is None:
            return {
                "ok": False,
                "error": f"failed to get shared config profile, {config.get(section, 'source_profile')}",
            }
        try:
            answer = sts(source).assume_role(RoleArn=config.get(section, "role_arn"), RoleSessionName="tofu")
        except Exception as exc:  # the provider fails on any STS error
            return {"ok": False, "error": str(exc)}
        temporary = answer["Credentials"]
        keys = {
            "aws_access_key_id": temporary["AccessKeyId"],
            "aws_secret_access_key": temporary["SecretAccessKey"],
            "aws_session_token": temporary["SessionToken"],
        }
    else:
        found = _keys(config, credentials, profile)
        if found is None:
            return {"ok": False, "error": f"failed to get shared config profile, {profile}"}
        keys = found
    try:
        arn = sts(keys).get_caller_identity()["Arn"]
    except Exception as exc:
        return {"ok": False, "error": str(exc)}
    if arn.endswith(MOTO_DEFAULT_USER):
        return {"ok": False, "error": "InvalidClientTokenId: the keys belong to no user"}
    return {"ok": True, "arn": arn}


def main(argv: list[str]) -> int:
    if argv[:1] in (["--version"], ["version"], ["-version"]):
        print("OpenTofu v1.6.2\non linux_amd64")
        return 0
    profile = _profile(argv)
    result = {"profile": profile, **(resolve(profile) if profile else {"ok": False, "error": "no backend profile"})}
    print("FAKE-TOFU-RESULT " + json.dumps(result), flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
