"""Messages of the forms operations (F-1…F-5): the builder, publishing, the quarantine: ``key: (english, french)``.
Field reasons of a draft (``draft.<path>``) are the builder's codes (``carnet_forms/definition.py``)."""
MESSAGES = {
    "form_has_submissions": ("This form received submissions: unpublish it instead (its submissions are kept).",
                             "Ce formulaire a reçu des soumissions : dépubliez-le plutôt (ses soumissions sont "
                             "conservées)."),
    "form_not_publishable": ("This draft cannot be published yet: complete the fields named below, then publish "
                             "it again.",
                             "Ce brouillon ne peut pas encore être publié : complétez les champs indiqués "
                             "ci-dessous, puis publiez-le de nouveau."),
    "submission_not_quarantined": ("Only a submission in quarantine can be released or discarded.",
                                   "Seule une soumission en quarantaine peut être libérée ou rejetée."),
}
