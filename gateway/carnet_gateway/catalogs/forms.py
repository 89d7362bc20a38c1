"""Messages of the forms operations (F-1…F-5): the builder, publishing, the quarantine: ``key: (english, french)``.
A draft's field reasons (under ``draft.<path>``) are the codes of the builder's checks
(``carnet_forms/definition.py``: ``DRAFT_ERRORS``, ``check_publishable``)."""
MESSAGES = {
    "form_has_submissions": ("This form received submissions: unpublish it instead (its submissions are kept).",
                             "Ce formulaire a reçu des soumissions : dépubliez-le plutôt (ses soumissions sont "
                             "conservées)."),
    "form_not_publishable": ("This draft cannot be published yet: complete the fields named below, then publish "
                             "it again.",
                             "Ce brouillon ne peut pas encore être publié : complétez les champs indiqués "
                             "ci-dessous, puis publiez-le de nouveau."),
    "form_not_published": ("This form was never published: there is nothing to unpublish.",
                           "Ce formulaire n'a jamais été publié : il n'y a rien à dépublier."),
    "submission_not_quarantined": ("Only a submission in quarantine can be released or discarded.",
                                   "Seule une soumission en quarantaine peut être libérée ou rejetée."),
    # the submissions' pages and the statistics' days
    "invalid_cursor": ("Send back the next_cursor of the previous page, as it was.",
                       "Renvoyez le next_cursor de la page précédente, tel quel."),
    "after_to": ("The first day must not be after the last one (to).",
                 "Le premier jour ne doit pas suivre le dernier (to)."),
    "range_too_long": ("Ask for at most 366 days at once.", "Demandez au plus 366 jours à la fois."),
    # a draft's fields (check_draft, check_publishable)
    "required": ("Required.", "Obligatoire."),
    "invalid_type": ("Not the expected type of value.", "Ce n'est pas le type de valeur attendu."),
    "too_long": ("Too long.", "Trop long."),
    "too_many": ("Too many items.", "Trop d'éléments."),
    "unknown_key": ("Unknown field.", "Champ inconnu."),
    "reserved_field": ("This name is reserved for the form's own use.",
                       "Ce nom est réservé à l'usage du formulaire."),
    "duplicate_field": ("This field is already in the form.", "Ce champ figure déjà dans le formulaire."),
    "field_type_mismatch": ("This type does not match the field's (see the field catalogue).",
                            "Ce type ne correspond pas à celui du champ (voyez le catalogue des champs)."),
    "invalid_option": ("Not one of the allowed values.", "Ce n'est pas l'une des valeurs permises."),
    "options_not_allowed": ("Only a choice field (select, multi) has options.",
                            "Seul un champ à choix (select, multi) a des options."),
    "invalid_url": ("Enter an https:// address.", "Entrez une adresse https://."),
    "invalid_origin": ("Enter a site as scheme://host[:port], e.g. https://www.example.com.",
                       "Entrez un site sous la forme schéma://hôte[:port], p. ex. https://www.example.com."),
    "out_of_range": ("Out of the allowed range.", "Hors de l'intervalle permis."),
    "email_field_required": ("A form needs the e-mail field, required.",
                             "Un formulaire doit avoir le champ courriel, obligatoire."),
}
