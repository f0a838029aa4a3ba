"""The payout file: a pain.001.001.09 that the schema shipped with sepaxml accepts, one
transaction per payout with its amount, IBAN and holder, the sums in its headers."""

from __future__ import annotations

import os
from decimal import Decimal

import sepaxml
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.payouts.pain001 import NAMESPACE
from tests.asserts import assert_problem
from tests.payouts.support import CH_IBAN, DE_IBAN, credit, with_payout_iban
from tests.profiles.helpers import put_issuer
from tests.support import Api

NS = {"p": NAMESPACE}
SCHEMA = etree.XMLSchema(
    etree.parse(os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.09.xsd"))
)
ISSUER_CH_IBAN = "CH5604835012345678009"


def _text(element: etree._Element, path: str) -> str:
    found = element.findtext(path, namespaces=NS)
    assert found is not None, path
    return found


async def _payouts(api: Api, db: AsyncEngine) -> dict[str, tuple[str, str, str]]:
    """Three CHF payouts of two organisations, one EUR; id → (amount, IBAN, holder)."""
    made: dict[str, tuple[str, str, str]] = {}
    for name, iban, amounts in (
        ("Zürcher Agentur", CH_IBAN, ["50.00", "72.35"]),
        ("Second", CH_IBAN, ["99.99"]),
    ):
        org = await api.org(name)
        await with_payout_iban(api, org, iban, legal_name=f"{name} GmbH")
        await credit(db, org, "500.00")
        for amount in amounts:
            payout = await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": amount})
            made[payout["id"]] = (amount, iban, f"{name} GmbH")
    euro = await api.org("Euro", currency="EUR")
    await with_payout_iban(api, euro, DE_IBAN)
    await credit(db, euro, "100.00", "EUR")
    await api.ok(euro, "POST", "/v1/payouts", json={"currency": "EUR", "amount": "60.00"})
    return made


async def test_the_chf_file_pays_each_requested_payout_once(api: Api, db: AsyncEngine) -> None:
    await put_issuer(api, bank_accounts={"CHF": {"iban": ISSUER_CH_IBAN}})
    made = await _payouts(api, db)
    done = next(iter(made))
    await api.ok(None, "POST", f"/v1/admin/payouts/{done}/complete")
    del made[done]

    response = await api.admin("GET", "/v1/admin/payouts/export?status=requested&currency=CHF")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert SCHEMA.validate(root), SCHEMA.error_log
    transactions = root.findall(".//p:CdtTrfTxInf", NS)
    found = {
        _text(t, "p:PmtId/p:EndToEndId"): (
            _text(t, "p:Amt/p:InstdAmt"),
            _text(t, "p:CdtrAcct/p:Id/p:IBAN"),
            _text(t, "p:Cdtr/p:Nm"),
        )
        for t in transactions
    }
    assert found == {pid: (a, i, h.replace("ü", "u")) for pid, (a, i, h) in made.items()}
    for t in transactions:
        assert t.find("p:Amt/p:InstdAmt", NS).get("Ccy") == "CHF"  # type: ignore[union-attr]
        assert _text(t, "p:RmtInf/p:Ustrd") == f"Payout {_text(t, 'p:PmtId/p:EndToEndId')}"
    total = sum(Decimal(a) for a, _, _ in made.values())
    assert _text(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs") == str(len(made)) == "2"
    assert Decimal(_text(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum")) == total
    assert Decimal(_text(root, "p:CstmrCdtTrfInitn/p:PmtInf/p:CtrlSum")) == total
    assert _text(root, ".//p:DbtrAcct/p:Id/p:IBAN") == ISSUER_CH_IBAN
    assert _text(root, ".//p:Dbtr/p:Nm") == "Hosting Provider AG"
    assert root.find(".//p:SvcLvl", NS) is None  # Swiss domestic: no SEPA service level

    # Deterministic apart from the message id and the creation time.
    again = await api.admin("GET", "/v1/admin/payouts/export?currency=CHF")
    assert _normalised(again.content) == _normalised(response.content)


def _normalised(document: bytes) -> bytes:
    root = etree.fromstring(document)
    for path in ("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", "p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm",
                 "p:CstmrCdtTrfInitn/p:PmtInf/p:PmtInfId"):  # fmt: skip
        element = root.find(path, NS)
        assert element is not None
        element.text = "x"
    return etree.tostring(root)


async def test_the_eur_file_is_a_sepa_transfer(api: Api, db: AsyncEngine) -> None:
    await put_issuer(api)
    await _payouts(api, db)
    response = await api.admin("GET", "/v1/admin/payouts/export?currency=EUR")
    root = etree.fromstring(response.content)
    assert SCHEMA.validate(root), SCHEMA.error_log
    assert _text(root, ".//p:SvcLvl/p:Cd") == "SEPA"
    assert _text(root, ".//p:DbtrAgt/p:FinInstnId/p:BICFI") == "DEUTDEFF"
    [transaction] = root.findall(".//p:CdtTrfTxInf", NS)
    assert _text(transaction, "p:Amt/p:InstdAmt") == "60.00"
    assert _text(transaction, "p:CdtrAcct/p:Id/p:IBAN") == DE_IBAN
    assert _text(transaction, "p:Cdtr/p:Nm") == "Euro"


async def test_no_file_without_the_issuers_account_or_without_payouts(api: Api, db: AsyncEngine) -> None:
    assert_problem(
        await api.admin("GET", "/v1/admin/payouts/export?currency=CHF"), 409, "issuer_not_configured"
    )
    await put_issuer(api, bank_accounts={"CHF": {"iban": ISSUER_CH_IBAN}})
    assert_problem(
        await api.admin("GET", "/v1/admin/payouts/export?currency=EUR"), 409, "issuer_not_configured"
    )
    assert (await api.admin("GET", "/v1/admin/payouts/export?currency=CHF")).status_code == 204
    bad = assert_problem(await api.admin("GET", "/v1/admin/payouts/export?currency=USD"), 422)
    assert ["query", "currency"] in [e["loc"] for e in bad["errors"]]
