"""The dunning e-mails (SPEC §10), in the recipient's language (de, fr, it, en): plain text.

The payer's reminder names the amount due, the due date and the payment reference. The
customer's warning, when its partner pays, names the product, the partner and the suspension
date, and never an amount or the invoice."""

from __future__ import annotations

from datetime import datetime

from partnerbilling.billing.dunning import FINAL_NOTICE, SUSPENSION

_STEP = {
    "en": {1: "Payment reminder", 2: "Second payment reminder", 3: "Final notice", 4: "Suspension"},
    "de": {1: "Zahlungserinnerung", 2: "Zweite Mahnung", 3: "Letzte Mahnung", 4: "Sperrung"},
    "fr": {1: "Rappel de paiement", 2: "Deuxième rappel", 3: "Dernier avertissement", 4: "Suspension"},
    "it": {1: "Promemoria di pagamento", 2: "Secondo sollecito", 3: "Ultimo avviso", 4: "Sospensione"},
}
_PAYER = {
    "en": "Hello,\n\nyour invoice {number} is unpaid.\nAmount due: {amount} {currency}\n"
    "Due date: {due}\nPayment reference: {reference}\n",
    "de": "Guten Tag\n\nIhre Rechnung {number} ist unbezahlt.\nOffener Betrag: {amount} {currency}\n"
    "Fällig am: {due}\nZahlungsreferenz: {reference}\n",
    "fr": "Bonjour,\n\nvotre facture {number} est impayée.\nMontant dû : {amount} {currency}\n"
    "Échéance : {due}\nRéférence de paiement : {reference}\n",
    "it": "Buongiorno,\n\nla sua fattura {number} non è pagata.\nImporto dovuto: {amount} {currency}\n"
    "Scadenza: {due}\nRiferimento di pagamento: {reference}\n",
}
_SUSPENDS = {
    "en": "\nUnless it is paid, the subscriptions it charged are suspended on {date}.\n",
    "de": "\nOhne Zahlung werden die damit verrechneten Abonnemente am {date} gesperrt.\n",
    "fr": "\nSans paiement, les abonnements facturés seront suspendus le {date}.\n",
    "it": "\nSenza pagamento, gli abbonamenti fatturati saranno sospesi il {date}.\n",
}
_SUSPENDED = {
    "en": "\nThe subscriptions it charged are suspended until it is paid.\n",
    "de": "\nDie damit verrechneten Abonnemente sind bis zur Zahlung gesperrt.\n",
    "fr": "\nLes abonnements facturés sont suspendus jusqu'au paiement.\n",
    "it": "\nGli abbonamenti fatturati sono sospesi fino al pagamento.\n",
}
_AT_RISK_SUBJECT = {
    "en": "Your {product} is at risk of suspension",
    "de": "Ihr {product} droht gesperrt zu werden",
    "fr": "Votre {product} risque d'être suspendu",
    "it": "Il suo {product} rischia la sospensione",
}
_AT_RISK = {
    "en": "Hello,\n\nyour partner {partner} pays for your {product}, and its invoice for it is "
    "overdue.\nUnless it is paid, {product} is suspended on {date}.\nYou can act: ask {partner}, "
    "or switch the billing mode of your partnership so that you pay yourself.\n",
    "de": "Guten Tag\n\nIhr Partner {partner} bezahlt Ihr {product}, und seine Rechnung dafür ist "
    "überfällig.\nOhne Zahlung wird {product} am {date} gesperrt.\nSie können handeln: fragen Sie "
    "{partner}, oder stellen Sie den Abrechnungsmodus Ihrer Partnerschaft auf Selbstzahlung um.\n",
    "fr": "Bonjour,\n\nvotre partenaire {partner} paie votre {product}, et sa facture est en "
    "retard.\nSans paiement, {product} sera suspendu le {date}.\nVous pouvez agir : contactez "
    "{partner}, ou changez le mode de facturation de votre partenariat pour payer vous-même.\n",
    "it": "Buongiorno,\n\nil suo partner {partner} paga il suo {product}, e la sua fattura è "
    "scaduta.\nSenza pagamento, {product} sarà sospeso il {date}.\nPuò agire: contatti {partner}, "
    "o cambi la modalità di fatturazione della partnership per pagare lei stesso.\n",
}
_SUSPENDED_NOW = {
    "en": "\n{product} is suspended since {date}.\n",
    "de": "\n{product} ist seit {date} gesperrt.\n",
    "fr": "\n{product} est suspendu depuis le {date}.\n",
    "it": "\n{product} è sospeso dal {date}.\n",
}


def _lang(language: str | None) -> str:
    return language if language in _PAYER else "en"


def _day(at: datetime) -> str:
    return at.date().isoformat()


def payer_mail(
    language: str | None,
    level: int,
    number: str,
    amount: str,
    currency: str,
    due_at: datetime,
    reference: str | None,
    suspends_at: datetime | None,
) -> tuple[str, str]:
    """``(subject, body)`` of a dunning step's message to the payer."""
    lang = _lang(language)
    subject = f"{_STEP[lang][level]}: {number}"
    body = _PAYER[lang].format(
        number=number, amount=amount, currency=currency, due=_day(due_at), reference=reference or "-"
    )
    if level == SUSPENSION:
        body += _SUSPENDED[lang]
    elif level == FINAL_NOTICE and suspends_at is not None:
        body += _SUSPENDS[lang].format(date=_day(suspends_at))
    return subject, body


def customer_at_risk_mail(
    language: str | None, level: int, product: str, partner: str, suspends_at: datetime
) -> tuple[str, str]:
    """``(subject, body)`` of the customer's warning when its partner does not pay: the product,
    the partner and the suspension date; never an amount or the invoice."""
    lang = _lang(language)
    subject = _AT_RISK_SUBJECT[lang].format(product=product)
    body = _AT_RISK[lang].format(partner=partner, product=product, date=_day(suspends_at))
    if level == SUSPENSION:
        body += _SUSPENDED_NOW[lang].format(product=product, date=_day(suspends_at))
    return subject, body
