"""Messages of sending domains (E-5, E-6): DNS records to publish, their check, approval: ``key: (english, french)``.
The check's reasons are plain sentences for a person who edits their DNS zone, not a mail administrator."""
MESSAGES = {
    "invalid_domain": ("Enter a domain name such as newsletter.example.com.",
                       "Entrez un nom de domaine comme infolettre.exemple.ca."),
    "invalid_email": ("Enter a valid e-mail address (no line breaks).",
                      "Entrez une adresse courriel valide (sans saut de ligne)."),
    "domain_lookalike": ("{domain} looks too much like {resembles}; it cannot be used to send e-mail.",
                         "{domain} ressemble trop à {resembles}; il ne peut pas servir à envoyer des courriels."),
    "domain_free_mail": ("{domain} is a public e-mail provider's domain; add a domain your organization owns.",
                         "{domain} est le domaine d'un fournisseur de courriel public; ajoutez un domaine qui "
                         "appartient à votre organisation."),
    "domain_mixed_script": ("{domain} mixes letters of several alphabets, a trick used to imitate other domains.",
                            "{domain} mélange des lettres de plusieurs alphabets, un procédé qui sert à imiter "
                            "d'autres domaines."),
    "domain_taken": ("This domain is already used by another organization.",
                     "Ce domaine est déjà utilisé par une autre organisation."),
    "domain_exists": ("Your organization has already added this domain.",
                      "Votre organisation a déjà ajouté ce domaine."),
    "domain_limit": ("Your organization already has {limit} sending domains, the most allowed; delete one first.",
                     "Votre organisation a déjà {limit} domaines d'envoi, le maximum permis; supprimez-en un "
                     "d'abord."),
    "sending_domain_not_found": ("This sending domain does not exist.", "Ce domaine d'envoi n'existe pas."),
    "sender_domain_unverified": ("Send from an address of one of your verified and approved sending domains.",
                                 "Envoyez depuis une adresse d'un de vos domaines d'envoi vérifiés et approuvés."),
    "refusal_reason_required": ("Give the reason for the refusal.", "Donnez la raison du refus."),
    # the check of each record (dns_check.py)
    "spf_ok": ("The SPF record authorizes Carnet to send for this domain.",
               "L'enregistrement SPF autorise Carnet à envoyer pour ce domaine."),
    "spf_missing": ("No SPF record (TXT starting with v=spf1) was found on {domain}. Add the one shown.",
                    "Aucun enregistrement SPF (TXT commençant par v=spf1) n'a été trouvé sur {domain}. Ajoutez "
                    "celui qui est indiqué."),
    "spf_several": ("{domain} has several SPF records; only one is allowed. Merge them into one that contains the "
                    "include shown.",
                    "{domain} a plusieurs enregistrements SPF; un seul est permis. Fusionnez-les en un seul qui "
                    "contient l'include indiqué."),
    "spf_without_include": ("The SPF record does not contain the include shown; add it to the record, before "
                            "its ~all or -all.",
                            "L'enregistrement SPF ne contient pas l'include indiqué; ajoutez-le à "
                            "l'enregistrement, avant son ~all ou -all."),
    "dkim_ok": ("The DKIM key is published.", "La clé DKIM est publiée."),
    "dkim_missing": ("The DKIM record was not found. Create the TXT record with the name and value shown.",
                     "L'enregistrement DKIM est introuvable. Créez l'enregistrement TXT avec le nom et la valeur "
                     "indiqués."),
    "dkim_wrong_key": ("A DKIM record was found, but its key (p=) is not the one shown. Copy the whole value "
                       "again.",
                       "Un enregistrement DKIM a été trouvé, mais sa clé (p=) n'est pas celle indiquée. Copiez de "
                       "nouveau la valeur entière."),
    "tracking_ok": ("The tracking address points to Carnet.", "L'adresse de suivi pointe vers Carnet."),
    "tracking_missing": ("The tracking CNAME was not found. Create it with the name and target shown.",
                         "Le CNAME de suivi est introuvable. Créez-le avec le nom et la cible indiqués."),
    "tracking_wrong_target": ("The tracking CNAME points to {found} instead of the target shown.",
                              "Le CNAME de suivi pointe vers {found} au lieu de la cible indiquée."),
    "dns_error": ("The DNS did not answer (or answered with an error); try the check again in a few minutes.",
                  "Le DNS n'a pas répondu (ou a répondu par une erreur); refaites la vérification dans quelques "
                  "minutes."),
}
