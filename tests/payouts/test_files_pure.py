"""The payout file and the reading of the bank's answers, without a database."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from partnerbilling.issuer.domain import Issuer
from partnerbilling.payments.camt import UnreadableNotification
from partnerbilling.payouts.bank_answers import read_debits, read_status_report
from partnerbilling.payouts.domain import Payout
from partnerbilling.payouts.pain001 import payout_file
from tests.payments.camt_files import Line, camt054
from tests.payouts.bank_files import camt054_debits, pain002
from tests.payouts.files import text_at, valid_pain001
from tests.profiles.helpers import QR_IBAN, ZURICH

AT = datetime(2026, 12, 31, 23, 30, 5, 123456, tzinfo=UTC)  # 2027-01-01 00:30:05 in Zurich
LIMIT = 1024 * 1024


def _issuer(bic: str | None, time_zone: str = "Europe/Zurich") -> Issuer:
    account = {"iban": "CH5604835012345678009", **({"bic": bic} if bic else {})}
    return Issuer(
        id=1, legal_name="Hosting Provider AG", address=ZURICH, vat_id=None, email="b@p.example",
        payment_terms_days=30, bank_accounts={"CHF": {"iban": QR_IBAN}}, time_zone=time_zone,
        payout_accounts={"CHF": account}, updated_at=AT,
    )  # fmt: skip


def _payout(n: int) -> Payout:
    return Payout(
        id=f"po_{n}", org_id="org_1", currency="CHF", amount=Decimal("50.05"), iban="CH9300762011623852957",
        account_holder="Zürcher Agentur GmbH", status="requested", created_at=AT, updated_at=AT,
    )  # fmt: skip


@pytest.mark.parametrize(("bic", "agent"), [(None, "p:Othr/p:Id"), ("CRESCHZZ80A", "p:BICFI")])
def test_the_file_names_the_debtors_bank_and_its_own_times(bic: str | None, agent: str) -> None:
    document = payout_file(_issuer(bic), "CHF", [_payout(1), _payout(2)], "PB1", AT)
    assert document == payout_file(_issuer(bic), "CHF", [_payout(1), _payout(2)], "PB1", AT)
    root = valid_pain001(document)
    assert text_at(root, f".//p:DbtrAgt/p:FinInstnId/{agent}") == (bic or "NOTPROVIDED")
    assert text_at(root, ".//p:GrpHdr/p:CreDtTm") == "2027-01-01T00:30:05+01:00"
    assert text_at(root, ".//p:ReqdExctnDt/p:Dt") == "2027-01-01"  # Zurich's day, not UTC's
    assert text_at(root, ".//p:DbtrAcct/p:Id/p:IBAN") == "CH5604835012345678009"
    assert b"xmlns:xsi" not in document
    new_york = valid_pain001(payout_file(_issuer(bic, "America/New_York"), "CHF", [_payout(1)], "PB1", AT))
    assert text_at(new_york, ".//p:GrpHdr/p:CreDtTm") == "2026-12-31T18:30:05-05:00"
    assert text_at(new_york, ".//p:ReqdExctnDt/p:Dt") == "2026-12-31"


def test_a_status_report_names_the_rejected_payouts_and_files() -> None:
    report = pain002("PB1", rejected=["po_1", "po_1"], accepted=["po_2"], group_status="PART")
    read = read_status_report(report, max_bytes=LIMIT)
    assert read is not None and (read.payout_ids, read.message_ids) == (("po_1",), ())
    whole = read_status_report(pain002("PB1", group_status="RJCT", version="03"), max_bytes=LIMIT)
    assert whole is not None and (whole.message, whole.message_ids) == ("pain.002.001.03", ("PB1",))
    block = pain002("PB2", rejected=["po_3"]).replace(
        b"<TxInfAndSts>", b"<PmtInfSts>RJCT</PmtInfSts><TxInfAndSts>"
    )
    blocked = read_status_report(block, max_bytes=LIMIT)
    assert blocked is not None and blocked.message_ids == ("PB2",)
    assert read_status_report(camt054_debits([("po_1", "50.00")]), max_bytes=LIMIT) is None
    with pytest.raises(UnreadableNotification):
        read_status_report(report.replace(b"MsgId", b"MsgNo"), max_bytes=LIMIT)


def test_only_booked_debits_pay_payouts() -> None:
    debits = camt054_debits([("po_1", "50.00"), ("po_2", "60.00")])
    assert read_debits(debits, max_bytes=LIMIT) == ("po_1", "po_2")
    assert read_debits(camt054_debits([("po_1", "50.00")], status="PDNG"), max_bytes=LIMIT) == ()
    # A credit notification has no debits; a debit line of the credit tests names no payout.
    credits = camt054(
        [Line("RF18539007547034", "10.00", "CHF", "E-1"), Line(None, "5.00", "CHF", "E-2", debit=True)]
    )
    assert read_debits(credits, max_bytes=LIMIT) == ()
