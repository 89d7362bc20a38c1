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
    # what a run's job (N-4) fails or is refused with (carnet_contacts/automations/usecases.py JOB_CODES)
    "automation_timed_out": ("The run took longer than its time limit and was stopped. The contacts it copied stay; "
                             "run it again to copy the rest.",
                             "L'exécution a dépassé sa durée maximale et a été arrêtée. Les contacts copiés restent; "
                             "exécutez-la de nouveau pour copier les autres."),
    "automation_interrupted": ("The run was interrupted (the service restarted). The contacts it copied stay; run it "
                               "again to copy the rest.",
                               "L'exécution a été interrompue (redémarrage du service). Les contacts copiés restent; "
                               "exécutez-la de nouveau pour copier les autres."),
    "automation_jobs_per_user": ("You already have {limit} jobs (runs, imports or exports) waiting or running, your "
                                 "quota; run the automation again in {retry_after} seconds, once one has finished.",
                                 "Vous avez déjà {limit} tâches (exécutions, importations ou exportations) en "
                                 "attente ou en cours, votre quota; exécutez l'automatisation de nouveau dans "
                                 "{retry_after} secondes, quand l'une sera terminée."),
    "automation_jobs_per_org": ("Your organization already has {limit} jobs (runs, imports or exports) waiting or "
                                "running, its quota; run the automation again in {retry_after} seconds, once one has "
                                "finished.",
                                "Votre organisation a déjà {limit} tâches (exécutions, importations ou exportations) "
                                "en attente ou en cours, son quota; exécutez l'automatisation de nouveau dans "
                                "{retry_after} secondes, quand l'une sera terminée."),
}
