"""Messages of exports (C-18) and jobs (N-4)."""
MESSAGES = {
    "job_not_ready": ("This job has not finished yet: try again when its status is done.",
                      "Cette tâche n'est pas encore terminée : réessayez quand son statut est « done »."),
    "export_failed": ("The export failed. Try again, or narrow the search.",
                      "L'exportation a échoué. Réessayez ou affinez la recherche."),
    "export_interrupted": ("The export was interrupted (the service restarted). Start it again.",
                           "L'exportation a été interrompue (redémarrage du service). Relancez-la."),
}
