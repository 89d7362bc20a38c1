"""Messages of enrichment (C-6): its outcomes and refusals."""
MESSAGES = {
    "enrichment_found": ("Public data was found: choose the fields to apply.",
                         "Des données publiques ont été trouvées : choisissez les champs à appliquer."),
    "enrichment_nothing_new": ("Public data was found, but it matches this contact already: nothing to propose.",
                               "Des données publiques ont été trouvées, mais ce contact les a déjà : rien à "
                               "proposer."),
    "enrichment_nothing_found": ("No public data was found for this contact's email domain: nothing to propose.",
                                 "Aucune donnée publique n'a été trouvée pour le domaine du courriel de ce contact : "
                                 "rien à proposer."),
    "enrichment_free_mail": ("This contact's email is at a free-mail provider, whose site says nothing about them: "
                             "nothing to propose.",
                             "Le courriel de ce contact est chez un fournisseur de courriel gratuit, dont le site ne "
                             "dit rien de lui : rien à proposer."),
    "enrichment_unreachable": ("The web site of this contact's email domain could not be read (no answer in time, or "
                               "too large): nothing to propose. Try again later.",
                               "Le site Web du domaine du courriel de ce contact n'a pas pu être lu (pas de réponse "
                               "à temps, ou trop volumineux) : rien à proposer. Réessayez plus tard."),
    "enrichment_refused": ("The email's domain points to an address that may not be read (a private or internal "
                           "network): enrichment is refused.",
                           "Le domaine du courriel pointe vers une adresse qui ne peut pas être lue (un réseau privé "
                           "ou interne) : l'enrichissement est refusé."),
    "enrichment_needs_email": ("Enrichment needs the contact's email address.",
                               "L'enrichissement demande l'adresse courriel du contact."),
    "enrichment_nothing_chosen": ("Choose at least one field to apply.", "Choisissez au moins un champ à appliquer."),
    "not_enrichable": ("This field cannot be set by enrichment.", "Ce champ ne peut pas être rempli par "
                                                                  "l'enrichissement."),
    "primary_contact_permission": ("This is a primary contact (synced with accounting): your role needs the primary "
                                   "contact permission.",
                                   "Ceci est un contact principal (synchronisé avec la comptabilité) : votre rôle "
                                   "doit avoir la permission « contact principal »."),
}
