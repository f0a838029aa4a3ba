"""Payouts (SPEC §9, §13): an organisation withdraws its balance to its payout IBAN (or cancels
that while requested); the platform sends the requested ones to its bank in payout batches (an
ISO 20022 pain.001 file each), and the bank's answers (camt.054 debits, pain.002 rejections)
complete or fail them."""
