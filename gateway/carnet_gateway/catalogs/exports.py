"""Messages of exports (C-18) and jobs (N-4)."""
MESSAGES = {
    "job_not_ready": ("This job has not finished yet: try again when its status is done.",
                      "Cette tâche n'est pas encore terminée : réessayez quand son statut est « done »."),
    "export_failed": ("The export failed. Try again, or narrow the search.",
                      "L'exportation a échoué. Réessayez ou affinez la recherche."),
    "export_interrupted": ("The export was interrupted (the service restarted). Start it again.",
                           "L'exportation a été interrompue (redémarrage du service). Relancez-la."),
    "export_jobs_per_user": ("You already have {limit} exports waiting or running, your quota; try again in "
                             "{retry_after} seconds, once one has finished.",
                             "Vous avez déjà {limit} exportations en attente ou en cours, votre quota; réessayez "
                             "dans {retry_after} secondes, quand l'une sera terminée."),
    "export_jobs_per_org": ("Your organization already has {limit} exports waiting or running, its quota; try again "
                            "in {retry_after} seconds, once one has finished.",
                            "Votre organisation a déjà {limit} exportations en attente ou en cours, son quota; "
                            "réessayez dans {retry_after} secondes, quand l'une sera terminée."),
    "export_timed_out": ("The export took longer than its time limit and was stopped. Narrow the search and start "
                         "it again.",
                         "L'exportation a dépassé sa durée maximale et a été arrêtée. Affinez la recherche et "
                         "relancez-la."),
    "export_owner_inactive": ("The export was not run: its requester is no longer an active user.",
                              "L'exportation n'a pas été faite : son demandeur n'est plus un utilisateur actif."),
    "export_authority_narrowed": ("The export was not run: your permissions, visibility or lists changed since you "
                                  "asked for it. Start it again to export what you may see now.",
                                  "L'exportation n'a pas été faite : vos permissions, votre visibilité ou vos listes "
                                  "ont changé depuis la demande. Relancez-la pour exporter ce que vous pouvez voir "
                                  "maintenant."),
}
