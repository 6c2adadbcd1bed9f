"""The developer's workstation: local Leverage AWS files and initialised layers (read-only)."""
