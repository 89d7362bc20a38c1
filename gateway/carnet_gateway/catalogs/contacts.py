"""Messages of the contacts module: action criteria on tasks (C-12, "has a task of type … (status …)"), the status
of records in search and criteria (C-24)."""
MESSAGES = {
    "search_status_value": ("The status prefix s: takes active, inactive or all.",
                            "Le préfixe de statut s: prend actif, inactif ou tous (ou active, inactive, all)."),
    "criteria_status_expected": ("A status is active or inactive.", "Un statut est active ou inactive."),
    "criteria_task_expected": ('A task criterion takes an object with "type", "status" or both.',
                               'Un critère de tâche prend un objet avec "type", "status" ou les deux.'),
}
