"""A credit's identity (SPEC §13), the key it is recorded under once: the transaction's bank
reference (``AcctSvcrRef``); else the entry's with the transaction's ordinal in the entry; else
a hash of the statement account, booking date, amount, currency, debtor and remittance with its
ordinal among identical credits of the file.

The kinds are told apart by their form, so two different credits never share an identity: a
transaction's reference as the bank wrote it when it has no ``#`` (else followed by ``#T``), an
entry's reference followed by ``#`` and the ordinal, a hash followed by ``#H`` and the ordinal;
the second credit of a file with the identity of another (and other content) gets ``#D`` and
its rank among them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from partnerbilling.payments.camt_types import CreditEntry


@dataclass(frozen=True, slots=True)
class Keys:
    """What a credit's identity is made of, as read from its entry."""

    transaction_ref: str | None
    entry_ref: str | None
    ordinal: int  # the transaction's in its entry, from 1
    account: str  # the statement's account (IBAN or other id)


def _content(credit: CreditEntry) -> tuple[object, ...]:
    return (
        credit.booked_at, credit.amount, credit.currency, credit.debtor_name, credit.debtor_iban,
        credit.reference, credit.remittance,
    )  # fmt: skip


def _digest(account: str, credit: CreditEntry) -> str:
    text = "\x1f".join(str(part) for part in (account, *_content(credit)))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def identify(credits: Sequence[tuple[CreditEntry, Keys]]) -> list[CreditEntry]:
    """The file's credits, each with its identity (``entry_reference``); a second credit of an
    identity with other content is kept with an identity of its own and ``duplicate_of``; one with
    the same content is the same credit listed twice, and left out."""
    hashes: dict[str, int] = {}
    first: dict[str, CreditEntry] = {}
    ranks: dict[str, int] = {}
    found: list[CreditEntry] = []
    for credit, keys in credits:
        if keys.transaction_ref is not None:
            ref = keys.transaction_ref
            identity = ref if "#" not in ref else f"{ref}#T"
        elif keys.entry_ref is not None:
            identity = f"{keys.entry_ref}#{keys.ordinal}"
        else:
            digest = _digest(keys.account, credit)
            hashes[digest] = hashes.get(digest, 0) + 1
            identity = f"{digest}#H{hashes[digest]}"
        before = first.get(identity)
        if before is None:
            first[identity] = credit = replace(credit, entry_reference=identity)
        elif _content(before) == _content(credit):
            continue
        else:
            ranks[identity] = rank = ranks.get(identity, 1) + 1
            credit = replace(credit, entry_reference=f"{identity}#D{rank}", duplicate_of=identity)
        found.append(credit)
    return found
