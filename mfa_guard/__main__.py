"""Allow `python -m mfa_guard`."""

from mfa_guard.cli import main

raise SystemExit(main())
