"""A moto server on 127.0.0.1 for the real-CLI tests, patched where moto differs from AWS, and seeded.

Run with the moto venv's python: `python moto_launcher.py STATE_FILE [--owner PID]`. It binds 127.0.0.1 on a
free port, seeds the organisation the tests use, writes STATE_FILE (JSON: endpoint, account ids,
the users' access keys and MFA serials) and serves until SIGTERM, or until process PID is gone.

Patches (moto 5.x), each one a place where moto differs from AWS in a way the Leverage CLI notices:
1. `iam list-mfa-devices` without `--user-name` lists the calling user's devices (AWS's default);
   moto looks up a user named None. `leverage credentials configure --fetch-mfa-device` calls it
   that way.
2. `sts:AssumeRole` with a `TokenCode` accepts only `123456` (moto accepts any code), answering AWS's
   AccessDenied text otherwise; and it enforces the role's trust policy: the principal account and
   the `aws:MultiFactorAuthPresent` condition (moto ignores trust policies).
3. IAM Identity Center (sso-oidc and the sso portal), which moto lacks, is faked by
   tests/realcli/fake_portal.py, served from this process on its own 127.0.0.1 port; STATE_FILE
   names it (`portal`), and its GetRoleCredentials hands out keys of this moto server.
This file imports moto and boto3, so it never runs in mfa-guard's own environment.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import fake_portal  # this directory is sys.path[0]: the launcher runs as a script

VALID_CODE = "123456"
PROJECT_LONG = "mfaexample"


def _patch_iam() -> None:
    from moto.iam.models import iam_backends
    from moto.iam.responses import IamResponse

    original = IamResponse.list_mfa_devices

    def list_mfa_devices(self: Any) -> Any:
        if self._get_param("UserName") is None:
            backend = iam_backends[self.current_account][self.partition]
            user = backend.get_user_from_access_key_id(self.get_access_key())
            if user is not None:
                plain = self._get_param
                self._get_param = lambda name, if_none=None: user.name if name == "UserName" else plain(name, if_none)
        return original(self)

    IamResponse.list_mfa_devices = list_mfa_devices


def _patch_sts() -> None:
    from moto.iam.models import iam_backends
    from moto.sts.exceptions import STSClientError
    from moto.sts.responses import TokenResponse

    original = TokenResponse.assume_role

    def assume_role(self: Any) -> Any:
        token = self._get_param("TokenCode")
        serial = self._get_param("SerialNumber")
        if token is not None and token != VALID_CODE:
            raise STSClientError(
                "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code."
            )
        role_arn = self._get_param("RoleArn") or ""
        found = re.match(r"arn:aws:iam::(\d{12}):role/(.+)$", role_arn)
        if found:
            backend = iam_backends[found.group(1)]["aws"]
            role = next((r for r in backend.roles.values() if r.arn == role_arn), None)
            if role is not None:
                caller = self.current_account
                document = json.dumps(role.assume_role_policy_document)
                trusted = re.findall(r"arn:aws:iam::(\d{12}):root", document)
                denied = (trusted and caller not in trusted) or (
                    "MultiFactorAuthPresent" in document and not (token and serial)
                )
                if denied:
                    raise STSClientError(
                        "AccessDenied",
                        f"User: arn:aws:iam::{caller}:user/caller is not authorized to perform: "
                        f"sts:AssumeRole on resource: {role_arn}",
                    )
        return original(self)

    TokenResponse.assume_role = assume_role


def _trust(account: str, mfa: bool) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "sts:AssumeRole",
    }
    if mfa:
        statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _user(iam: Any, name: str, account: str, mfa: bool) -> dict[str, str]:
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    user = {"key_id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    if mfa:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(
            UserName=name, SerialNumber=serial, AuthenticationCode1="111111", AuthenticationCode2="222222"
        )
        user["mfa_serial"] = serial
    return user


def seed(endpoint: str) -> dict[str, Any]:
    """The organisation of the fixtures in P1/P2 terms: every role trusts its users' account with MFA."""
    import boto3

    def client(service: str, **keys: str) -> Any:
        keys = keys or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", **keys)

    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    management = client("sts").get_caller_identity()["Account"]
    ids = {"management": management}
    for name in ("security", "shared"):
        created = org.create_account(AccountName=name, Email=f"aws+{name}@example.com")
        ids[name] = created["CreateAccountStatus"]["AccountId"]
    iam = client("iam")
    users = {
        "bootstrap": _user(iam, "mgmt-org-admin", management, mfa=False),
        "management": _user(iam, "natasha.romanoff", management, mfa=True),
    }
    for account in ("security", "shared"):
        role = f"arn:aws:iam::{ids[account]}:role/OrganizationAccountAccessRole"
        keys = client("sts").assume_role(RoleArn=role, RoleSessionName="seed")["Credentials"]
        member = client(
            "iam",
            aws_access_key_id=keys["AccessKeyId"],
            aws_secret_access_key=keys["SecretAccessKey"],
            aws_session_token=keys["SessionToken"],
        )
        _role(member, "OrganizationAccountAccessRole", management, replace=True)
        _role(member, "DevOps", ids["security"])
        if account == "security":
            users["security"] = _user(member, "kit.walker", ids["security"], mfa=True)
    _role(iam, "OrganizationAccountAccessRole", management)
    return {"endpoint": endpoint, "accounts": ids, "users": users}


def _role(iam: Any, name: str, trusted: str, replace: bool = False) -> None:
    document = _trust(trusted, mfa=True)
    if replace:
        try:
            iam.update_assume_role_policy(RoleName=name, PolicyDocument=document)
            return
        except iam.exceptions.NoSuchEntityException:
            pass
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=document)  # moto enforces no IAM policy


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def main(argv: list[str]) -> int:
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    _patch_iam()
    _patch_sts()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    state = seed(endpoint)
    portal, state["portal"] = fake_portal.serve(endpoint, state["accounts"])
    temporary = Path(argv[0] + ".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    temporary.replace(argv[0])  # readers never see half a file
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    owner = int(argv[argv.index("--owner") + 1]) if "--owner" in argv else None
    while not stop.wait(0.5):
        if owner is not None and not _alive(owner):
            break  # the test run that owns this server is gone: never outlive it
    portal.shutdown()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
