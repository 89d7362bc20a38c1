"""Messages of automations (AU-1): input refusals and why a run did not copy."""
MESSAGES = {
    "automation_same_list": ("The target list must differ from the source list.",
                             "La liste cible doit être différente de la liste source."),
    "automation_owner_inactive": ("Not run: the automation's creator is no longer an active user.",
                                  "Non exécutée : le créateur de l'automatisation n'est plus un utilisateur actif."),
    "automation_authority_narrowed": ("Not run: its creator's permissions or visibility changed since it was "
                                      "saved. Save it again to run it with the access they have now.",
                                      "Non exécutée : les permissions ou la visibilité de son créateur ont changé "
                                      "depuis son enregistrement. Enregistrez-la de nouveau pour l'exécuter avec "
                                      "leur accès actuel."),
    "automation_list_unavailable": ("Not run: its creator no longer has access to its source or target list.",
                                    "Non exécutée : son créateur n'a plus accès à sa liste source ou cible."),
    "automation_criteria_refused": ("Not run: its criteria name a field that was deleted or may no longer be read. "
                                    "Edit its criteria.",
                                    "Non exécutée : ses critères nomment un champ supprimé ou qui ne peut plus être "
                                    "lu. Modifiez ses critères."),
    "automation_run_failed": ("The run failed. Try again.", "L'exécution a échoué. Réessayez."),
}
