"""Accounts (SPEC §9): each organisation's ledger per currency, its balance the sum of its
immutable entries."""
