"""Messages of deletes, the trash, relations, moves and bulk actions (C-5, C-7, C-9, C-10)."""
MESSAGES = {
    "relation_to_self": ("A contact cannot be related to itself.", "Un contact ne peut pas être lié à lui-même."),
    "relation_exists": ("These two contacts are already related.", "Ces deux contacts sont déjà liés."),
    "same_account": ("The contact already belongs to this account.", "Le contact fait déjà partie de ce compte."),
    "restore_account_first": ("Restore its account ({account_id}) from the trash first.",
                              "Restaurez d'abord son compte ({account_id}) depuis la corbeille."),
    "restore_unseen_account_first": (
        "Its account is in the trash and must be restored first, by someone who sees that account.",
        "Son compte est dans la corbeille et doit d'abord être restauré, par quelqu'un qui voit ce compte."),
    "bulk_selection_required": ("Give either ids or q.", "Indiquez soit ids, soit q."),
    "bulk_too_many": ("A bulk action handles at most {max} records; narrow the selection.",
                      "Une action groupée traite au plus {max} fiches; restreignez la sélection."),
    "bulk_same_list": ("The target list is the source list.", "La liste cible est la liste source."),
}
