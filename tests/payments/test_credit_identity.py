"""A credit's identity and the checks of a file before anything is recorded (SPEC §13), read
without a database from files that validate against the ISO XSDs."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from lxml import etree

from partnerbilling.billing.references import qr_reference
from partnerbilling.payments.camt import UnreadableNotification, read_notification
from tests.payments.camt_files import Line, camt054, schema

LIMIT = 10 * 1024 * 1024
QRR = qr_reference("2026-000042")
NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
Q = {"c": NS}


def edit(data: bytes, change: Callable[[etree._Element], object]) -> bytes:
    """The file changed by ``change``, still valid against the camt.054.001.08 XSD."""
    root = etree.fromstring(data)
    change(root)
    assert schema("camt.054.001.08").validate(root), schema("camt.054.001.08").error_log
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def drop(path: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        for element in root.xpath(path, namespaces=Q):
            element.getparent().remove(element)

    return change


def set_text(path: str, text: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        for element in root.xpath(path, namespaces=Q):
            element.text = text

    return change


def identities(data: bytes) -> list[str]:
    return [credit.entry_reference for credit in read_notification(data, max_bytes=LIMIT).entries]


def test_two_entries_with_one_bank_reference_are_both_kept_the_second_as_a_duplicate() -> None:
    data = edit(
        camt054([(QRR, "10.00", "CHF", "X-1"), (None, "20.00", "CHF", "X-2")]),
        set_text("//c:TxDtls/c:Refs/c:AcctSvcrRef", "SAME"),
    )
    first, second = read_notification(data, max_bytes=LIMIT).entries
    assert (first.entry_reference, first.amount, first.duplicate_of) == ("SAME", Decimal("10.00"), None)
    assert (second.entry_reference, second.amount, second.duplicate_of) == (
        "SAME#D2",
        Decimal("20.00"),
        "SAME",
    )


def test_the_same_credit_listed_twice_in_a_file_is_one_credit() -> None:
    data = edit(
        camt054([(QRR, "10.00", "CHF", "Y-1"), (QRR, "10.00", "CHF", "Y-2")]),
        set_text("//c:TxDtls/c:Refs/c:AcctSvcrRef", "SAME"),
    )
    assert identities(data) == ["SAME"]


def test_without_a_transaction_reference_the_entrys_reference_and_the_ordinal() -> None:
    rows = [(QRR, "10.00", "CHF", "T-1"), (None, "20.50", "CHF", "T-2"), (None, "20.50", "CHF", "T-3")]
    data = edit(camt054(rows, batch=True), drop("//c:TxDtls/c:Refs/c:AcctSvcrRef"))
    [batch] = etree.fromstring(data).xpath("//c:Ntry/c:AcctSvcrRef/text()", namespaces=Q)
    assert identities(data) == [f"{batch}#1", f"{batch}#2", f"{batch}#3"]


def test_without_any_bank_reference_identical_credits_differ_by_their_ordinal() -> None:
    rows = [(None, "7.00", "CHF", "B-1"), (None, "7.00", "CHF", "B-2"), (None, "8.00", "CHF", "B-3")]
    data = edit(camt054(rows), drop("//c:AcctSvcrRef"))
    first, second, third = identities(data)
    assert first.endswith("#H1") and second == first[:-1] + "2" and third.endswith("#H1")
    assert len({first, second, third}) == 3


def test_another_file_reusing_the_message_id_does_not_share_its_identities() -> None:
    one = edit(camt054([(None, "7.00", "CHF", "M-1")]), drop("//c:AcctSvcrRef"))
    other = edit(camt054([(None, "9.00", "CHF", "M-2")]), drop("//c:AcctSvcrRef"))
    other = other.replace(
        (etree.fromstring(other).findtext(".//{*}MsgId") or "").encode(),
        (etree.fromstring(one).findtext(".//{*}MsgId") or "").encode(),
    )
    assert identities(one) != identities(other)


def test_a_transaction_reference_with_a_hash_sign_cannot_look_like_another_kind() -> None:
    data = edit(
        camt054([(None, "1.00", "CHF", "A"), (None, "2.00", "CHF", "B")]),
        lambda root: [
            set_text("(//c:TxDtls)[1]/c:Refs/c:AcctSvcrRef", "E#1")(root),
            drop("(//c:TxDtls)[2]/c:Refs/c:AcctSvcrRef")(root),
            set_text("(//c:Ntry)[2]/c:AcctSvcrRef", "E")(root),
        ],
    )
    assert identities(data) == ["E#1#T", "E#1"]


def test_a_file_with_debit_entries_still_reads_its_credits() -> None:
    data = camt054([Line(None, "50.00", "CHF", "D-1", debit=True), (QRR, "5.00", "CHF", "C-1")])
    notification = read_notification(data, max_bytes=LIMIT)
    assert [c.entry_reference for c in notification.entries] == ["C-1"]
    assert [s.reason for s in notification.skipped] == ["a debit"]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (set_text("(//c:Ntry)[2]/c:Amt", "1.00"), "entry 2: the entry's amount 1.00 CHF is not the sum"),
        (set_text("(//c:Ntry)[2]/c:BookgDt/c:Dt", "0001-01-01"), "entry 2: the booking date '0001-01-01'"),
        (set_text("(//c:Ntry)[2]/c:ValDt/c:Dt", "2101-01-01"), "entry 2: the value date '2101-01-01'"),
        (set_text("(//c:Ntry)[2]/c:BookgDt/c:Dt", "1969-12-31"), "is not between 1970-01-01 and 2100-12-31"),
        (set_text("(//c:Ntry)[2]//c:Amt", "0"), "entry 2: the amount '0' is not positive"),
        (set_text("(//c:Ntry)[2]//c:Amt", "1000000000.01"), "is above 1000000000.00"),
        (set_text("(//c:Ntry)[2]//c:Amt", "10.505"), "at most 2 places"),
    ],
)
def test_a_credit_breaking_a_rule_refuses_the_file_naming_its_entry(
    change: Callable[[etree._Element], None], says: str
) -> None:
    data = edit(camt054([(QRR, "5.00", "CHF", "G-1"), (QRR, "500.00", "CHF", "G-2")]), change)
    with pytest.raises(UnreadableNotification) as refused:
        read_notification(data, max_bytes=LIMIT)
    assert says in refused.value.reason


def test_the_edges_of_the_rules_are_accepted_and_amounts_have_two_decimals() -> None:
    data = edit(
        camt054([(QRR, "5.00", "CHF", "G-1"), (QRR, "7.00", "CHF", "G-2")]),
        lambda root: [
            set_text("(//c:Ntry)[1]//c:Amt", "1000000000.00")(root),
            set_text("(//c:Ntry)[2]//c:Amt", "7")(root),
            set_text("(//c:Ntry)[1]/c:BookgDt/c:Dt", "1970-01-01")(root),
            set_text("(//c:Ntry)[2]/c:ValDt/c:Dt", "2100-12-31")(root),
        ],
    )
    amounts = [str(c.amount) for c in read_notification(data, max_bytes=LIMIT).entries]
    assert amounts == ["1000000000.00", "7.00"]
