"""Every word the service writes in French: documents (the QR-bill's headings are those of the SIX
implementation guidelines, annex D) and e-mails. The same keys as every other language's table.
A colon after a label is preceded by a no-break space (French typography), written by
:func:`partnerbilling.language.labelled`."""

WORDS: dict[str, str] = {
    # documents
    "invoice": "Facture",
    "credit_note": "Note de crédit",
    "top_up": "Recharger le compte",
    "number": "Numéro",
    "issue_date": "Date",
    "due_date": "Échéance",
    "vat_id_ch": "N° TVA",
    "vat_id_eu": "N° TVA intracom.",
    "vat_suffix": "TVA",
    "payment_reference": "Référence",
    "page": "Page",
    "description": "Désignation",
    "period": "Période",
    "quantity": "Qté",
    "unit_price": "Prix unit.",
    "discount": "Remise",
    "net": "Net",
    "vat": "TVA",
    "customer": "Client",
    "order": "commande",
    "renewal": "renouvellement",
    "line": "{name}, {kind}, {period}",
    "subtotal": "Total net",
    "vat_on": "TVA {rate} sur {base}",
    "total": "Total",
    "amount_due": "Montant dû",
    "paid_on": "Payée le {date}",
    "payment_of": "Paiement du {date}",
    "credited_to_account": "Le montant de {amount} est crédité sur votre compte client.",
    "nothing_to_pay": "La facture n'était pas payée\u00a0; il n'y a rien à payer.",
    "reverse_charge": "Reverse charge – Autoliquidation",
    "reverse_charge_note": "La TVA est due par le preneur. "
    "Prestataire\u00a0: {seller}, preneur\u00a0: {buyer}",
    "credits": "Note de crédit relative à la facture {number} du {date}",
    "reason": "Motif",
    "payment_details": "Coordonnées de paiement",
    "beneficiary": "Bénéficiaire",
    "reference": "Référence",
    "amount": "Montant",
    "scan_to_pay": "Scanner avec l'app bancaire pour payer",
    "payment_part": "Section paiement",
    "receipt": "Récépissé",
    "account_payable_to": "Compte / Payable à",
    "additional_information": "Informations supplémentaires",
    "payable_by": "Payable par",
    "payable_by_blank": "Payable par (nom/adresse)",
    "currency": "Monnaie",
    "acceptance_point": "Point de dépôt",
    "separate": "A détacher avant le versement",
    # e-mails
    "greeting": "Bonjour,",
    "invoice_subject": "Facture {number} de {seller}",
    "invoice_body": "veuillez trouver ci-joint notre facture {number} du {date}.\n\n"
    "Montant\u00a0: {currency} {amount}\nÉchéance\u00a0: {due}\nRéférence de paiement\u00a0: {reference}\n",
    "credit_note_subject": "Note de crédit {number} de {seller}",
    "credit_note_body": "veuillez trouver ci-joint notre note de crédit {number} du {date} relative à la "
    "facture {invoice}.\n\nMontant\u00a0: {currency} {amount}\n",
    "attached": "Le document est joint en PDF (avec le XML Factur-X intégré).\n",
    "mode_subject": "{customer} a changé le mode de facturation\u00a0: {new_words}",
    "mode_body": "votre client {customer} a changé le mode de facturation de votre partenariat le {date} "
    "à {time} ({zone})\u00a0:\nauparavant\u00a0: {old_words}\ndésormais\u00a0: {new_words}\n\n"
    "Cela s'applique à toute commande et tout renouvellement à partir de maintenant\u00a0; les "
    "commandes et factures existantes restent inchangées.\n",
    "mode_customer": "le client paie",
    "mode_partner": "vous (le partenaire) payez",
    "step_1": "Rappel de paiement",
    "step_2": "Deuxième rappel",
    "step_3": "Dernier avertissement",
    "step_4": "Suspension",
    "dunning_body": "votre facture {number} est impayée.\nMontant dû\u00a0: {currency} {amount}\n"
    "Échéance\u00a0: {due}\nRéférence de paiement\u00a0: {reference}\n",
    "dunning_suspends": "\nSans paiement, les abonnements facturés seront suspendus le {date}.\n",
    "dunning_suspended": "\nLes abonnements facturés sont suspendus jusqu'au paiement.\n",
    "at_risk_subject": "Votre {product} risque d'être suspendu",
    "at_risk_body": "votre partenaire {partner} paie votre {product}, et sa facture est en "
    "retard.\nSans paiement, {product} sera suspendu le {date}.\nVous pouvez agir\u00a0: contactez "
    "{partner}, ou changez le mode de facturation de votre partenariat pour payer vous-même.\n",
    "suspended_now": "\n{product} est suspendu depuis le {date}.\n",
}
