"""Operators (SPEC §18): named operator keys with a role, and the audit trail of admin writes."""
