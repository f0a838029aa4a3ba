"""The issuer's accounts by purpose: payers pay to its bank accounts (a QR-IBAN welcome),
payouts are debited from its payout accounts (never a QR-IBAN); and its time zone. Neither is
part of the seller a document copies."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_problem
from tests.payouts.support import PAYOUT_ACCOUNTS
from tests.profiles.helpers import CH_IBAN, QR_IBAN, issuer_body, put_issuer, snapshot
from tests.support import Api, build_world


async def test_payout_accounts_and_time_zone_are_kept_and_shown(api: Api) -> None:
    put = await put_issuer(api)  # neither given: none, and Zurich
    assert put["payout_accounts"] == {} and put["time_zone"] == "Europe/Zurich"
    accounts = {
        "CHF": {"iban": "CH56 0483 5012 3456 7800 9", "bic": "crescHZZ80A"},
        "EUR": PAYOUT_ACCOUNTS["EUR"],
    }
    put = await put_issuer(api, payout_accounts=accounts, time_zone="America/New_York")
    expected = {"CHF": {"iban": "CH5604835012345678009", "bic": "CRESCHZZ80A"}, "EUR": PAYOUT_ACCOUNTS["EUR"]}
    assert put["payout_accounts"] == expected and put["time_zone"] == "America/New_York"
    assert await api.ok(None, "GET", "/v1/admin/issuer") == put
    only_chf = await put_issuer(api, payout_accounts={"CHF": {"iban": CH_IBAN}})
    assert only_chf["payout_accounts"] == {"CHF": {"iban": CH_IBAN}}


async def test_a_qr_iban_cannot_be_a_payout_account(api: Api, db: AsyncEngine) -> None:
    await put_issuer(api)
    before = await snapshot(db)
    for accounts, where in (
        ({"CHF": {"iban": QR_IBAN}}, ["body", "payout_accounts", "CHF", "iban"]),
        ({"EUR": {"iban": QR_IBAN, "bic": "UBSWCHZH80A"}}, ["body", "payout_accounts", "EUR", "iban"]),
    ):
        response = await api.admin("PUT", "/v1/admin/issuer", json=issuer_body(payout_accounts=accounts))
        body = assert_problem(response, 422, "qr_iban_not_debitable")
        assert [e["loc"] for e in body["errors"]] == [where]
    refused = (
        {"payout_accounts": {"EUR": {"iban": CH_IBAN}}},  # a EUR account needs its BIC
        {"payout_accounts": {"USD": {"iban": CH_IBAN}}},
        {"payout_accounts": {"CHF": {"iban": "CH0000000000000000000"}}},
        {"time_zone": "Mars/Olympus_Mons"},
        {"time_zone": ""},
    )
    for changes in refused:
        assert_problem(await api.admin("PUT", "/v1/admin/issuer", json=issuer_body(**changes)), 422)
    assert await snapshot(db) == before


async def test_documents_do_not_copy_them_as_their_seller(api: Api) -> None:
    await put_issuer(api, payout_accounts=PAYOUT_ACCOUNTS, time_zone="Europe/Berlin")
    w = await build_world(api)
    order = await api.ok(
        w.acme, "POST", "/v1/orders", json={"customer_id": w.acme.id, "sku": "domain-ch", "quantity": 1}
    )
    invoice = await api.ok(w.acme, "GET", f"/v1/invoices/{order['invoice_id']}")
    assert invoice["seller"] is not None
    assert "payout_accounts" not in invoice["seller"] and "time_zone" not in invoice["seller"]
    assert set(invoice["seller"]) == {
        "legal_name", "address", "vat_id", "email", "payment_terms_days", "bank_accounts"
    }  # fmt: skip
