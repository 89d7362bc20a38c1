"""Messages of the contacts module's action criteria on tasks (C-12, "has a task of type … (status …)")."""
MESSAGES = {
    "criteria_task_expected": ('A task criterion takes an object with "type", "status" or both.',
                               'Un critère de tâche prend un objet avec "type", "status" ou les deux.'),
}
