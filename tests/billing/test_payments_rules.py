"""The payment rules without a database: amount due, the split of a payment, what a balance pays."""

from __future__ import annotations

from decimal import Decimal as D

from partnerbilling.billing.payments import Split, amount_due, from_balance, split_payment


def test_amount_due_is_what_an_issued_invoice_still_lacks() -> None:
    assert amount_due("invoice", "issued", D("103.78"), D("24.00")) == D("79.78")
    assert amount_due("invoice", "issued", D("103.78"), D("0.00")) == D("103.78")
    assert amount_due("invoice", "paid", D("103.78"), D("103.78")) == D("0.00")
    assert amount_due("invoice", "credited", D("103.78"), D("24.00")) == D("0.00")
    assert amount_due("credit_note", "issued", D("-103.78"), D("0.00")) == D("0.00")


def test_a_payment_pays_what_is_due_and_the_rest_is_an_overpayment() -> None:
    assert split_payment(D("50.00"), D("79.78")) == Split(D("50.00"), D("0.00"), False)
    assert split_payment(D("79.78"), D("79.78")) == Split(D("79.78"), D("0.00"), True)
    assert split_payment(D("100.00"), D("79.78")) == Split(D("79.78"), D("20.22"), True)
    assert split_payment(D("10.00"), D("0.00")) == Split(D("0.00"), D("10.00"), False)


def test_a_balance_pays_all_or_with_partial_what_it_covers() -> None:
    assert from_balance(D("103.78"), D("24.00"), partial=False) is None
    assert from_balance(D("103.78"), D("24.00"), partial=True) == D("24.00")
    assert from_balance(D("103.78"), D("200.00"), partial=True) == D("103.78")
    assert from_balance(D("103.78"), D("103.78"), partial=False) == D("103.78")
    assert from_balance(D("103.78"), D("0.00"), partial=True) is None
    assert from_balance(D("103.78"), D("-5.00"), partial=True) is None
    assert from_balance(D("0.00"), D("50.00"), partial=True) is None
