"""The issuer: the provider that sends every invoice (SPEC §7)."""
