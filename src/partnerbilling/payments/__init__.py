"""Payments of invoices (SPEC §9): recorded by the platform, paid from a balance, or matched from
the bank's own notifications (camt.054, camt.053)."""
