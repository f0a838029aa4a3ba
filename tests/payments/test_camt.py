"""Reading camt.054 / camt.053 files (pure, no database): what is read, what is skipped, and what
is refused without being expanded or fetched."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from partnerbilling.billing.references import creditor_reference, number_of, qr_reference
from partnerbilling.payments import camt
from partnerbilling.payments.camt import (
    CreditEntry,
    TooLarge,
    UnreadableNotification,
    read_notification,
)
from tests.payments.camt_files import Line, Version, camt053, camt054, schema

LIMIT = 10 * 1024 * 1024
QRR = qr_reference("2026-000042")
RF = creditor_reference("2026-000043")
VERSIONS: list[Version] = ["04", "08"]


def _read(data: bytes) -> list[tuple[str, str | None, Decimal, str]]:
    notification = read_notification(data, max_bytes=LIMIT)
    return [(e.entry_reference, e.reference, e.amount, e.currency) for e in notification.entries]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("make", [camt054, camt053])
def test_qrr_and_rf_references_of_both_versions_and_messages(make: object, version: Version) -> None:
    assert make is camt054 or make is camt053
    data = make([(QRR, "129.72", "CHF", "E-1"), (RF, Decimal("103.78"), "EUR", "E-2")], version)
    kind = "camt.054" if make is camt054 else "camt.053"
    assert schema(f"{kind}.001.{version}").validate(etree.fromstring(data))
    notification = read_notification(data, max_bytes=LIMIT)
    assert notification.message == f"{kind}.001.{version}"
    first, second = notification.entries
    assert first == CreditEntry(
        "E-1", QRR, Decimal("129.72"), "CHF", date(2026, 11, 27), "Muster AG", entry_index=1
    )
    assert (second.reference, second.amount, second.currency) == (RF, Decimal("103.78"), "EUR")
    assert [number_of(e.reference or "") for e in notification.entries] == ["2026-000042", "2026-000043"]
    assert notification.skipped == ()


@pytest.mark.parametrize("version", VERSIONS)
def test_a_batch_entry_gives_one_credit_per_transaction_with_its_own_amount(version: Version) -> None:
    rows = [(QRR, "10.00", "CHF", "T-1"), (RF, "20.50", "CHF", "T-2"), (None, "0.05", "CHF", "T-3")]
    data = camt054(rows, version, batch=True)
    assert schema(f"camt.054.001.{version}").validate(etree.fromstring(data))
    assert etree.fromstring(data).findtext(".//{*}Ntry/{*}Amt") == "30.55"
    assert _read(data) == [
        ("T-1", QRR, Decimal("10.00"), "CHF"),
        ("T-2", RF, Decimal("20.50"), "CHF"),
        ("T-3", None, Decimal("0.05"), "CHF"),
    ]


def test_a_batch_transaction_without_its_own_amount_is_refused_not_given_the_total() -> None:
    rows = [(QRR, "10.00", "CHF", "T-1"), (RF, "20.00", "CHF", "T-2")]
    data = camt054(rows, "08", batch=True).replace(b'<Amt Ccy="CHF">20.00</Amt>', b"")
    with pytest.raises(UnreadableNotification, match="entry 1, transaction 2: a transaction of a batch"):
        read_notification(data, max_bytes=LIMIT)
    single = camt054(rows[:1], "08").replace(
        b'<Amt Ccy="CHF">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Rltd', b"<Rltd"
    )
    assert single.count(b"<Amt ") == 1  # the entry's own amount is the one transaction's
    assert read_notification(single, max_bytes=LIMIT).entries[0].amount == Decimal("10.00")


@pytest.mark.parametrize("version", VERSIONS)
def test_debits_reversals_and_pending_entries_are_skipped_with_why(version: Version) -> None:
    lines = [
        Line(QRR, "50.00", "CHF", "D-1", debit=True),
        Line(QRR, "60.00", "CHF", "R-1", reversal=True),
        Line(QRR, "70.00", "CHF", "P-1", status="PDNG"),
        Line(RF, "80.00", "EUR", "C-1"),
    ]
    notification = read_notification(camt054(lines, version), max_bytes=LIMIT)
    assert [e.entry_reference for e in notification.entries] == ["C-1"]
    assert [(s.entry_index, s.reason) for s in notification.skipped] == [
        (1, "a debit"),
        (2, "a reversal"),
        (3, "not booked (status PDNG)"),
    ]


def test_unstructured_remittance_only_gives_no_reference() -> None:
    line = Line(None, "12.00", "EUR", "U-1", unstructured=f"Invoice 2026-000042 {RF}", debtor=None)
    (entry,) = read_notification(camt054([line]), max_bytes=LIMIT).entries
    assert (entry.reference, entry.debtor_name, entry.amount) == (None, None, Decimal("12.00"))


def test_entries_in_eur_and_chf_keep_their_currency() -> None:
    data = camt053([(RF, "1.00", "EUR", "A"), (QRR, "2.00", "CHF", "B")], "04")
    assert [(c, a) for _, _, a, c in _read(data)] == [("EUR", Decimal("1.00")), ("CHF", Decimal("2.00"))]


def test_the_same_file_read_twice_gives_the_same_entry_references() -> None:
    data = camt054([(QRR, "5.00", "CHF", "S-1")])
    # Without any bank reference, the credit's identity is a hash of what it is, not of the file.
    bare = data.replace(b"<AcctSvcrRef>S-1</AcctSvcrRef>", b"").replace(
        b"<AcctSvcrRef>N-S-1</AcctSvcrRef>", b""
    )
    first = read_notification(bare, max_bytes=LIMIT).entries[0].entry_reference
    assert first == read_notification(bare, max_bytes=LIMIT).entries[0].entry_reference
    assert first.endswith("#H1") and len(first) == 43
    other = bare.replace(b"<MsgId>", b"<MsgId>X")
    assert read_notification(other, max_bytes=LIMIT).entries[0].entry_reference == first


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>&x;</MsgId></GrpHdr></BkToCstmrDbtCdtNtfctn></Document>"""

LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">&lol9;</Document>'
)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (XXE, "DTD"),
        (LAUGHS, "DTD"),
        (XXE.decode().replace("1.0", '1.0" encoding="UTF-16').encode("utf-16"), "DTD"),
        # Past the scan for declarations (not in its encodings): the parsed document's own is seen.
        (XXE.decode().replace("1.0", '1.0" encoding="UTF-32').encode("utf-32"), "DTD"),
        (b'<!DOCTYPE Document SYSTEM "http://example.invalid/x.dtd"><Document/>', "DTD"),
        (b"not xml at all", "not well-formed"),
        (b"<Document><unclosed></Document>", "not well-formed"),
        (b"", "not well-formed"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>', "not a camt"),
        (b'<Statement xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"/>', "not a camt"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"/>', "without"),
    ],
)
def test_unsafe_or_foreign_files_are_refused_fast_without_expanding_anything(data: bytes, says: str) -> None:
    started = time.perf_counter()
    with pytest.raises(UnreadableNotification) as refused:
        read_notification(data, max_bytes=LIMIT)
    assert time.perf_counter() - started < 0.5
    assert says in refused.value.reason
    assert refused.value.status == 422 and refused.value.code == "unreadable_notification"
    assert "root:" not in refused.value.reason and "lollol" not in refused.value.reason


@pytest.mark.parametrize("data", [XXE, LAUGHS])
def test_without_the_scan_the_parser_itself_neither_reads_files_nor_expands_entities(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(camt, "_FORBIDDEN", ())
    started = time.perf_counter()
    with pytest.raises(UnreadableNotification) as refused:
        read_notification(data, max_bytes=LIMIT)
    assert time.perf_counter() - started < 0.5
    assert "root:" not in refused.value.reason and "lollol" not in refused.value.reason


def test_a_file_over_the_limit_is_refused_before_it_is_parsed() -> None:
    data = camt054([(QRR, "1.00", "CHF", f"L-{i}") for i in range(50)])
    with pytest.raises(TooLarge) as refused:
        read_notification(data, max_bytes=len(data) - 1)
    assert refused.value.status == 413
    assert len(read_notification(data, max_bytes=len(data)).entries) == 50


def test_a_huge_text_node_is_refused_by_the_parser_limits() -> None:
    data = camt054([(QRR, "1.00", "CHF", "H-1")]).replace(b"Muster AG", b"M" * 11_000_000)
    with pytest.raises(UnreadableNotification, match="not well-formed"):
        read_notification(data, max_bytes=20_000_000)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (b">12.00<", b">12.001<", "entry 1: the amount '12.001' is not a decimal with at most 2 places"),
        (b">12.00<", b">1,2<", "entry 1: the amount '1,2'"),
        (b">12.00<", b">-12.00<", "is not a decimal"),
        (b'<Amt Ccy="CHF">12.00</Amt>\n', b"<Amt>12.00</Amt>", "entry 1: the amount has no currency"),
        (b"<Dt>2026-11-27</Dt>", b"<Dt>27.11.2026</Dt>", "entry 1: the booking date"),
        (b"MsgId>", b"Other>", "no message id (GrpHdr/MsgId)"),
    ],
)
def test_bad_values_are_refused_naming_what_and_where(old: bytes, new: bytes, says: str) -> None:
    data = camt054([(QRR, "12.00", "CHF", "B-1")]).replace(b"><", b">\n<")
    assert old in data
    with pytest.raises(UnreadableNotification) as refused:
        read_notification(data.replace(old, new), max_bytes=LIMIT)
    assert says in refused.value.reason
    assert refused.value.errors == [
        {"loc": ["body"], "msg": refused.value.reason, "type": "unreadable_notification"}
    ]


_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
_references = st.one_of(
    st.none(),
    st.integers(1, 999_999).map(lambda n: qr_reference(f"2026-{n:06d}")),
    st.integers(1, 999_999).map(lambda n: creditor_reference(f"2031-{n:06d}")),
)
_rows = st.lists(
    st.tuples(_references, _amounts, st.sampled_from(["CHF", "EUR"])), min_size=1, max_size=12
).map(lambda rows: [(ref, amount, ccy, f"P-{i}") for i, (ref, amount, ccy) in enumerate(rows)])


@settings(max_examples=60, deadline=None)
@given(rows=_rows, version=st.sampled_from(VERSIONS), statement=st.booleans(), batch=st.booleans())
def test_any_generated_file_round_trips_its_entries_exactly(
    rows: list[tuple[str | None, Decimal, str, str]], version: Version, statement: bool, batch: bool
) -> None:
    if batch:  # a batch entry books transactions of one currency
        rows = [(ref, amount, rows[0][2], entry_ref) for ref, amount, _, entry_ref in rows]
    data = (camt053 if statement else camt054)(rows, version, batch)
    assert _read(data) == [(entry_ref, ref, amount, ccy) for ref, amount, ccy, entry_ref in rows]
