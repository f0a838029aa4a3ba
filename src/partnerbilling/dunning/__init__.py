"""Dunning: reminders, final notice and suspension of unpaid invoices (SPEC §10)."""
