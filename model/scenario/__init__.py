"""The scenario: its typed schema, defaults, and reading files (``extends``, ``--set``)."""
