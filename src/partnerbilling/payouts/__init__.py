"""Payouts (SPEC §9): an organisation withdraws its balance to its payout IBAN; the platform
completes or fails them and exports them as an ISO 20022 credit-transfer file."""
