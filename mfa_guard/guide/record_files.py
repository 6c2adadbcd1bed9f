"""Where the records of applies and confirmations live (guide/records.py reads them).

Apart from the records model: the results cache keys on these files without importing it.
"""

# Committable in a Leverage repository: its `.gitignore` ignores `.*`, so the name has no dot.
RECORDS_FILE = "mfa-guard-applied.txt"
LEGACY_RECORDS_FILE = ".mfa-guard-applied"  # read when the new file does not exist yet
