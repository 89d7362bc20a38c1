"""Messages of merges (C-20 merge and undo)."""
MESSAGES = {
    "merge_with_itself": ("A record cannot be merged with itself.", "Une fiche ne peut pas être fusionnée avec "
                                                                     "elle-même."),
    "already_merged": ("This record was already merged into another one (merge {merge_id}).",
                       "Cette fiche a déjà été fusionnée avec une autre (fusion {merge_id})."),
    "field_locked": ("Your role may not change this field: it keeps the value of the record that stays.",
                     "Votre rôle ne peut pas modifier ce champ : il garde la valeur de la fiche conservée."),
    "invalid_source": ("This field cannot take its value from there.",
                       "Ce champ ne peut pas prendre sa valeur à cet endroit."),
    "unknown_field": ("No such field.", "Ce champ n'existe pas."),
    "too_many_choices": ("Too many choices.", "Trop de choix."),
    "merge_already_undone": ("This merge was already undone.", "Cette fusion a déjà été annulée."),
    "merge_expired": ("This merge can no longer be undone (it could until {until}).",
                      "Cette fusion ne peut plus être annulée (elle pouvait l'être jusqu'au {until})."),
    "merge_winner_deleted": ("The record that was kept is in the trash: restore it first.",
                             "La fiche conservée est dans la corbeille : restaurez-la d'abord."),
    "merge_winner_changed": (
        "The record that was kept changed since the merge ({fields}): undoing would lose those changes.",
        "La fiche conservée a changé depuis la fusion ({fields}) : annuler perdrait ces modifications."),
    "merge_primary_contact": ("A primary contact (synced with accounting) cannot be merged away: keep it as the "
                              "record that stays.",
                              "Un contact primaire (synchronisé avec la comptabilité) ne peut pas disparaître dans "
                              "une fusion : conservez-le comme fiche gardée."),
    "merge_two_primary_contacts": ("Both accounts have a primary contact: the merged account would have two.",
                                   "Les deux comptes ont un contact primaire : le compte fusionné en aurait deux."),
    "changed_since_merge": ("Changed since the merge.", "Modifié depuis la fusion."),
}
