"""Every word the service writes in German: documents (the QR-bill's headings are those of the SIX
implementation guidelines, annex D) and e-mails. The same keys as every other language's table."""

WORDS: dict[str, str] = {
    # documents
    "invoice": "Rechnung",
    "credit_note": "Gutschrift",
    "top_up": "Guthaben aufladen",
    "number": "Nummer",
    "issue_date": "Datum",
    "due_date": "Fällig am",
    "vat_id_ch": "MWST-Nr.",
    "vat_id_eu": "USt-IdNr.",
    "vat_suffix": "MWST",
    "payment_reference": "Zahlungsreferenz",
    "page": "Seite",
    "description": "Beschreibung",
    "period": "Leistungszeitraum",
    "quantity": "Menge",
    "unit_price": "Einzelpreis",
    "discount": "Rabatt",
    "net": "Netto",
    "vat": "MWST",
    "customer": "Kunde",
    "order": "Bestellung",
    "renewal": "Verlängerung",
    "line": "{name}, {kind}, {period}",
    "subtotal": "Total netto",
    "vat_on": "MWST {rate} auf {base}",
    "total": "Total",
    "amount_due": "Offener Betrag",
    "paid_on": "Bezahlt am {date}",
    "payment_of": "Zahlung vom {date}",
    "credited_to_account": "Der Betrag von {amount} wird Ihrem Kundenkonto gutgeschrieben.",
    "nothing_to_pay": "Die Rechnung war nicht bezahlt; es ist nichts zu bezahlen.",
    "reverse_charge": "Reverse charge – Steuerschuldnerschaft des Leistungsempfängers",
    "reverse_charge_note": "Die Steuer schuldet der Leistungsempfänger. "
    "Leistender: {seller}, Empfänger: {buyer}",
    "credits": "Gutschrift zur Rechnung {number} vom {date}",
    "reason": "Grund",
    "payment_details": "Zahlungsangaben",
    "beneficiary": "Empfänger",
    "reference": "Referenz",
    "amount": "Betrag",
    "scan_to_pay": "Mit der Banking-App scannen und bezahlen",
    "payment_part": "Zahlteil",
    "receipt": "Empfangsschein",
    "account_payable_to": "Konto / Zahlbar an",
    "additional_information": "Zusätzliche Informationen",
    "payable_by": "Zahlbar durch",
    "payable_by_blank": "Zahlbar durch (Name/Adresse)",
    "currency": "Währung",
    "acceptance_point": "Annahmestelle",
    "separate": "Vor der Einzahlung abzutrennen",
    # e-mails
    "greeting": "Guten Tag",
    "invoice_subject": "Rechnung {number} von {seller}",
    "invoice_body": "Anbei erhalten Sie unsere Rechnung {number} vom {date}.\n\n"
    "Betrag: {currency} {amount}\nFällig am: {due}\nZahlungsreferenz: {reference}\n",
    "credit_note_subject": "Gutschrift {number} von {seller}",
    "credit_note_body": "Anbei erhalten Sie unsere Gutschrift {number} vom {date} zur Rechnung {invoice}.\n\n"
    "Betrag: {currency} {amount}\n",
    "attached": "Die Rechnung ist als PDF beigefügt (mit eingebettetem Factur-X/ZUGFeRD-XML).\n",
    "mode_subject": "{customer} hat den Abrechnungsmodus geändert: {new_words}",
    "mode_body": "Ihr Kunde {customer} hat den Abrechnungsmodus Ihrer Partnerschaft am {date} um {time} "
    "geändert ({zone}):\nbisher: {old_words}\nneu: {new_words}\n\n"
    "Das gilt für jede Bestellung und Verlängerung ab jetzt; bestehende Bestellungen und Rechnungen "
    "bleiben unverändert.\n",
    "mode_customer": "der Kunde bezahlt",
    "mode_partner": "Sie (der Partner) bezahlen",
    "step_1": "Zahlungserinnerung",
    "step_2": "Zweite Mahnung",
    "step_3": "Letzte Mahnung",
    "step_4": "Sperrung",
    "dunning_body": "Ihre Rechnung {number} ist unbezahlt.\nOffener Betrag: {currency} {amount}\n"
    "Fällig am: {due}\nZahlungsreferenz: {reference}\n",
    "dunning_suspends": "\nOhne Zahlung werden die damit verrechneten Abonnemente am {date} gesperrt.\n",
    "dunning_suspended": "\nDie damit verrechneten Abonnemente sind bis zur Zahlung gesperrt.\n",
    "at_risk_subject": "Ihr {product} droht gesperrt zu werden",
    "at_risk_body": "Ihr Partner {partner} bezahlt Ihr {product}, und seine Rechnung dafür ist "
    "überfällig.\nOhne Zahlung wird {product} am {date} gesperrt.\nSie können handeln: fragen Sie "
    "{partner}, oder stellen Sie den Abrechnungsmodus Ihrer Partnerschaft auf Selbstzahlung um.\n",
    "suspended_now": "\n{product} ist seit dem {date} gesperrt.\n",
}
