"""The business rules of SPEC §2, as pure functions: no database, no framework, no I/O."""
