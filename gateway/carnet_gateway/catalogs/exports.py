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
    # A job of a kind whose area named some codes of its own but not this one (carnet_common.jobs.JOB_CODES): the
    # message speaks of a job, never of an export it is not.
    "job_failed": ("The job failed. Try again.", "La tâche a échoué. Réessayez."),
    "job_timed_out": ("The job took longer than its time limit and was stopped. Start it again.",
                      "La tâche a dépassé sa durée maximale et a été arrêtée. Relancez-la."),
    "job_owner_inactive": ("The job was not run: its requester is no longer an active user.",
                           "La tâche n'a pas été faite : son demandeur n'est plus un utilisateur actif."),
    "job_authority_narrowed": ("The job was not run: your permissions, visibility or lists changed since you asked "
                               "for it. Start it again.",
                               "La tâche n'a pas été faite : vos permissions, votre visibilité ou vos listes ont "
                               "changé depuis la demande. Relancez-la."),
    "job_interrupted": ("The job was interrupted (the service restarted). Start it again.",
                        "La tâche a été interrompue (redémarrage du service). Relancez-la."),
    "jobs_per_user": ("You already have {limit} jobs waiting or running, your quota; try again in {retry_after} "
                      "seconds, once one has finished.",
                      "Vous avez déjà {limit} tâches en attente ou en cours, votre quota; réessayez dans "
                      "{retry_after} secondes, quand l'une sera terminée."),
    "jobs_per_org": ("Your organization already has {limit} jobs waiting or running, its quota; try again in "
                     "{retry_after} seconds, once one has finished.",
                     "Votre organisation a déjà {limit} tâches en attente ou en cours, son quota; réessayez dans "
                     "{retry_after} secondes, quand l'une sera terminée."),
    "job_no_file": ("This job produces no file: its result is shown where it was started.",
                    "Cette tâche ne produit pas de fichier : son résultat s'affiche là où elle a été lancée."),
}
