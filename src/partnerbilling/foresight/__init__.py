"""Foresight (SPEC §11): a charge shown before it is made — quotes, explanations and the
billing-mode preview — from the same pure planner that makes the charge."""
