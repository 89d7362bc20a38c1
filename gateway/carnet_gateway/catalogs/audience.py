"""Messages of the audience of campaigns: pre-send counters (E-4), a contact's consent ledger (E-11), the suppression
list: ``key: (english, french)``."""
MESSAGES = {
    "list_ids_count": ("Choose between 1 and 100 lists.", "Choisissez entre 1 et 100 listes."),
    "consent_kind": ("Choose express or implied consent.", "Choisissez un consentement exprès ou tacite."),
    "consent_basis": ("Choose purchase, inquiry or other.", "Choisissez achat, demande de renseignements ou autre."),
    "consent_source": ("Unknown source of consent.", "Source du consentement inconnue."),
    "consent_basis_required": ("An implied consent needs its basis: a purchase, an inquiry or other.",
                               "Un consentement tacite a besoin de son fondement : un achat, une demande de "
                               "renseignements ou autre."),
    "consent_expiry_required": ("An implied consent of another basis needs its expiry date.",
                                "Un consentement tacite d'un autre fondement a besoin de sa date d'expiration."),
    "consent_expiry_not_allowed": ("Only an implied consent of another basis takes an expiry date (the others' is "
                                   "set by law).",
                                   "Seul un consentement tacite d'un autre fondement prend une date d'expiration "
                                   "(celle des autres est fixée par la loi)."),
    "consent_expiry_before": ("The expiry must come after the consent.",
                              "L'expiration doit suivre le consentement."),
    "consent_in_future": ("A consent cannot be given in the future.",
                          "Un consentement ne peut pas être donné dans le futur."),
    "consent_withdrawn": ("This consent was already withdrawn.", "Ce consentement a déjà été retiré."),
    "suppression_reason": ("Only manual entries are added by hand.",
                           "Seules les entrées manuelles s'ajoutent à la main."),
    "suppression_not_removable": ("This address was suppressed by an unsubscribe, a bounce or a complaint "
                                  "({reason}); only its owner can subscribe again.",
                                  "Cette adresse a été supprimée par un désabonnement, un rebond ou une plainte "
                                  "({reason}); seul son titulaire peut se réabonner."),
}
