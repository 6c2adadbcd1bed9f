"""A fake AWS IAM Identity Center for the real-CLI tests: the sso-oidc and sso portal APIs that the
Leverage CLI 3.1.0 calls (leverage/modules/aws.py, auth.py), served on 127.0.0.1 by the moto launcher.

moto implements neither service, so this answers them the way AWS does (rest-json, botocore's own
shapes and error codes):
- sso-oidc: RegisterClient (POST /client/register), StartDeviceAuthorization (POST
  /device_authorization), CreateToken (POST /token). CreateToken answers
  AuthorizationPendingException until the device's user code is approved, which the user does in
  the browser: the tests' BROWSER (tests/realcli/fake_browser.py) posts the code to
  POST /fake-portal/approve, the one endpoint AWS does not have.
- sso: ListAccounts (GET /assignment/accounts), ListAccountRoles (GET /assignment/roles),
  GetRoleCredentials (GET /federation/credentials), Logout (POST /logout), each checking the
  `x-amz-sso_bearer_token` header against the tokens CreateToken issued (UnauthorizedException).
  GetRoleCredentials answers ForbiddenException for a role the account does not assign, and
  otherwise returns real moto STS keys: it assumes
  `arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_<role>_<hash>` on
  the moto server (the role is not created; moto does not require it), so a later
  sts:GetCallerIdentity with those keys names that role.
The CLI reaches it through AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC (botocore's
service-specific endpoint variables), as it reaches moto through AWS_ENDPOINT_URL.
Run only in the moto venv (it imports boto3).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import parse_qs, urlparse

# Permission sets per account, as the fixtures' account.tfvars name them (sso_role).
ASSIGNMENTS = {"management": "Administrator", "security": "DevOps", "shared": "DevOps"}
TOKEN_SECONDS = 8 * 3600


class PortalError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Portal:
    """The state of the fake Identity Center: clients, pending devices, issued tokens."""

    def __init__(self, moto_endpoint: str, accounts: dict[str, str]) -> None:
        self.moto_endpoint = moto_endpoint
        self.accounts = accounts  # name -> id
        self.clients: dict[str, str] = {}  # clientId -> clientSecret
        self.devices: dict[str, dict[str, Any]] = {}  # deviceCode -> {"user_code", "approved"}
        self.tokens: set[str] = set()
        self.lock = threading.Lock()

    def _client(self, body: dict[str, Any]) -> None:
        if self.clients.get(body.get("clientId", "")) != body.get("clientSecret"):
            raise PortalError(401, "InvalidClientException", "Invalid client credentials")

    def register_client(self, body: dict[str, Any]) -> dict[str, Any]:
        client_id, secret = "client-" + secrets.token_hex(8), secrets.token_hex(16)
        with self.lock:
            self.clients[client_id] = secret
        now = int(time.time())
        return {
            "clientId": client_id,
            "clientSecret": secret,
            "clientIdIssuedAt": now,
            "clientSecretExpiresAt": now + 90 * 86400,
        }

    def start_device_authorization(self, body: dict[str, Any]) -> dict[str, Any]:
        self._client(body)
        device, user = secrets.token_hex(16), secrets.token_hex(4).upper()
        with self.lock:
            self.devices[device] = {"user_code": user, "approved": False}
        start = body.get("startUrl", "")
        return {
            "deviceCode": device,
            "userCode": user,
            "verificationUri": f"{start}/#/device",
            "verificationUriComplete": f"{start}/#/device?user_code={user}",
            "expiresIn": 600,
            "interval": 1,
        }

    def approve(self, user_code: str) -> dict[str, Any]:
        with self.lock:
            for device in self.devices.values():
                if device["user_code"] == user_code:
                    device["approved"] = True
                    return {}
        raise PortalError(400, "InvalidRequestException", f"unknown user code {user_code}")

    def create_token(self, body: dict[str, Any]) -> dict[str, Any]:
        self._client(body)
        if body.get("grantType") != "urn:ietf:params:oauth:grant-type:device_code":
            raise PortalError(400, "UnsupportedGrantTypeException", "unsupported grant type")
        with self.lock:
            device = self.devices.get(body.get("deviceCode", ""))
            if device is None:
                raise PortalError(400, "InvalidGrantException", "Invalid device code provided")
            if not device["approved"]:
                raise PortalError(400, "AuthorizationPendingException", "Authorization is still pending")
            token = "ssotoken-" + secrets.token_hex(16)
            self.tokens.add(token)
        return {"accessToken": token, "tokenType": "Bearer", "expiresIn": TOKEN_SECONDS}

    def _bearer(self, headers: Any) -> str:
        token = headers.get("x-amz-sso_bearer_token") or ""
        if token not in self.tokens:
            raise PortalError(401, "UnauthorizedException", "Session token not found or invalid")
        return str(token)

    def list_accounts(self, headers: Any) -> dict[str, Any]:
        self._bearer(headers)
        listed = [
            {"accountId": self.accounts[name], "accountName": name, "emailAddress": f"aws+{name}@example.com"}
            for name in ASSIGNMENTS
        ]
        return {"accountList": listed}

    def list_account_roles(self, headers: Any, query: dict[str, str]) -> dict[str, Any]:
        self._bearer(headers)
        name = self._account_name(query.get("account_id", ""))
        roles = [{"roleName": ASSIGNMENTS[name], "accountId": self.accounts[name]}] if name else []
        return {"roleList": roles}

    def get_role_credentials(self, headers: Any, query: dict[str, str]) -> dict[str, Any]:
        import boto3

        self._bearer(headers)
        account_id, role = query.get("account_id", ""), query.get("role_name", "")
        name = self._account_name(account_id)
        if name is None or ASSIGNMENTS[name] != role:
            raise PortalError(403, "ForbiddenException", "No access")
        sts = boto3.client(
            "sts",
            endpoint_url=self.moto_endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        arn = f"arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{role}_0123456789abcdef"
        keys = sts.assume_role(RoleArn=arn, RoleSessionName="sso-user", DurationSeconds=3600)["Credentials"]
        return {
            "roleCredentials": {
                "accessKeyId": keys["AccessKeyId"],
                "secretAccessKey": keys["SecretAccessKey"],
                "sessionToken": keys["SessionToken"],
                "expiration": int(keys["Expiration"].timestamp() * 1000),
            }
        }

    def logout(self, headers: Any) -> dict[str, Any]:
        token = self._bearer(headers)
        with self.lock:
            self.tokens.discard(token)
        return {}

    def _account_name(self, account_id: str) -> Optional[str]:
        return next((n for n in ASSIGNMENTS if self.accounts.get(n) == account_id), None)


def _handler(portal: Portal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the launcher's log is for failures

        def _answer(self, status: int, payload: dict[str, Any], error: str = "") -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if error:
                self.send_header("x-amzn-ErrorType", error)
            self.end_headers()
            self.wfile.write(data)

        def _dispatch(self, method: str) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}") if method == "POST" else {}
            routes = {
                ("POST", "/client/register"): lambda: portal.register_client(body),
                ("POST", "/device_authorization"): lambda: portal.start_device_authorization(body),
                ("POST", "/token"): lambda: portal.create_token(body),
                ("POST", "/fake-portal/approve"): lambda: portal.approve(query.get("user_code", "")),
                ("GET", "/assignment/accounts"): lambda: portal.list_accounts(self.headers),
                ("GET", "/assignment/roles"): lambda: portal.list_account_roles(self.headers, query),
                ("GET", "/federation/credentials"): lambda: portal.get_role_credentials(self.headers, query),
                ("POST", "/logout"): lambda: portal.logout(self.headers),
            }
            route = routes.get((method, url.path))
            try:
                if route is None:
                    raise PortalError(404, "ResourceNotFoundException", f"{method} {url.path}")
                self._answer(200, route())
            except PortalError as error:
                self._answer(error.status, {"__type": error.code, "message": error.message}, error.code)

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

    return Handler


def serve(moto_endpoint: str, accounts: dict[str, str]) -> tuple[ThreadingHTTPServer, str]:
    """Start the portal on a free 127.0.0.1 port in a daemon thread; (server, its URL)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Portal(moto_endpoint, accounts)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}"
