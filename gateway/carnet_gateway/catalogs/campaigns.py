"""Messages of campaigns and one-to-one e-mails (E-2…E-5, E-10): drafts, lists, content, sending, progress; sent
e-mails: ``key: (english, french)``."""
MESSAGES = {
    "header_line_break": ("Line breaks are not allowed here (they would change the e-mail's headers).",
                          "Les sauts de ligne sont interdits ici (ils modifieraient les en-têtes du courriel)."),
    "unknown_template": ("No such template.", "Ce modèle n'existe pas."),
    "campaign_not_draft": ("Only a draft can be changed or deleted; this campaign is no longer one.",
                           "Seul un brouillon peut être modifié ou supprimé; cette campagne n'en est plus un."),
    "campaign_not_ready": ("This draft cannot be sent yet: correct the fields named below, then send it again.",
                           "Ce brouillon ne peut pas encore être envoyé : corrigez les champs indiqués ci-dessous, "
                           "puis envoyez-le de nouveau."),
    "campaign_already_sent": ("This campaign was already sent; copy it into a new draft to send it again.",
                              "Cette campagne a déjà été envoyée; copiez-la dans un nouveau brouillon pour "
                              "l'envoyer de nouveau."),
    "campaign_no_list": ("Choose at least one list to send this campaign to.",
                         "Choisissez au moins une liste à laquelle envoyer cette campagne."),
    "campaign_no_subject": ("Give the e-mail a subject.", "Donnez un objet au courriel."),
    "campaign_no_body": ("Write the e-mail's content (HTML or text).",
                         "Rédigez le contenu du courriel (HTML ou texte)."),
    "campaign_no_sender": ("Choose the sender's address, in one of your verified sending domains.",
                           "Choisissez l'adresse de l'expéditeur, dans l'un de vos domaines d'envoi vérifiés."),
    "campaign_empty": ("No contact of these lists would receive this campaign (see the counters).",
                       "Aucun contact de ces listes ne recevrait cette campagne (voyez les compteurs)."),
    "campaign_cannot_pause": ("Only a campaign that is sending can be paused.",
                              "Seule une campagne en cours d'envoi peut être mise en pause."),
    "campaign_cannot_resume": ("Only a paused campaign can be resumed.",
                               "Seule une campagne en pause peut reprendre."),
    "campaign_cannot_cancel": ("Only a campaign that is sending or paused can be cancelled.",
                               "Seule une campagne en cours d'envoi ou en pause peut être annulée."),
    "contact_no_email": ("This contact has no e-mail address.", "Ce contact n'a pas d'adresse courriel."),
    "sender_no_email": ("Your user profile has no e-mail address to send from; add one to your profile.",
                        "Votre profil d'utilisateur n'a pas d'adresse courriel d'où envoyer; ajoutez-en une."),
}
