"""The BROWSER of the real-CLI tests: `leverage aws configure sso` opens the device-authorisation
page with `webbrowser.open_new_tab(URL)` (leverage/modules/aws.py), and this "user" approves the
user code in it at once, by posting it to the fake portal (tests/realcli/fake_portal.py).

Usage (webbrowser runs `$BROWSER URL`): `python fake_browser.py PORTAL_URL URL`. Exit 0 once approved.
"""

from __future__ import annotations

import sys
import urllib.request
from urllib.parse import parse_qs, quote, urlparse


def main(argv: list[str]) -> int:
    portal, url = argv
    fragment = urlparse(url).fragment  # /device?user_code=XXXX
    codes = parse_qs(urlparse(fragment).query).get("user_code")
    if not codes:
        print(f"fake browser: no user_code in {url}", file=sys.stderr)
        return 1
    request = urllib.request.Request(f"{portal}/fake-portal/approve?user_code={quote(codes[0])}", method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return 0 if answer.status == 200 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
