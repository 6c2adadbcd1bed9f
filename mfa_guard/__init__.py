"""mfa-guard: policy checker and fixer for the MFA state of binbash Leverage projects."""

__version__ = "0.1.0"
