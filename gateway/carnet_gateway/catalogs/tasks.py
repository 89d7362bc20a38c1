"""Messages of tasks (T-1..T-3) and the dashboard (D-1)."""
MESSAGES = {
    "task_type_unknown": ("Unknown task type: use call, email, meeting, note or todo.",
                          "Type de tâche inconnu : utilisez call, email, meeting, note ou todo."),
    "task_status_unknown": ("Unknown status: use todo, in_progress or done.",
                            "Statut inconnu : utilisez todo, in_progress ou done."),
    "task_datetime_with_offset": ("Expected a date and time in ISO 8601 with its offset, e.g. "
                                  "2025-03-10T10:00:00-04:00.",
                                  "Date et heure attendues en ISO 8601 avec leur décalage, p. ex. "
                                  "2025-03-10T10:00:00-04:00."),
    "task_contact_not_of_account": ("This contact does not belong to the chosen account.",
                                    "Ce contact n'appartient pas au compte choisi."),
    "task_invitation_to_unknown": ("Send the invitation to the assignee or to the contact.",
                                   "Envoyez l'invitation au responsable ou au contact."),
    "task_invitation_no_contact": ("This task is not linked to a contact.", "Cette tâche n'est liée à aucun contact."),
    "task_invitation_no_email": ("The recipient has no email address.", "Le destinataire n'a pas d'adresse courriel."),
    "task_invitation_no_due_at": ("Give the task a due date and time before sending an invitation.",
                                  "Donnez une date et une heure d'échéance à la tâche avant d'envoyer l'invitation."),
    "task_invitation_plan": ("Invitations are e-mails: the {plan} plan does not include the e-mails module (team "
                             "plan or above).",
                             "Les invitations sont des courriels : l'abonnement {plan} n'inclut pas le module "
                             "Courriels (abonnement team ou supérieur)."),
    "task_invitations_per_task": ("This task was already sent to {limit} addresses in the last 24 hours; try again "
                                  "in {retry_after} seconds.",
                                  "Cette tâche a déjà été envoyée à {limit} adresses ces dernières 24 heures; "
                                  "réessayez dans {retry_after} secondes."),
    "task_invitations_per_user": ("You already sent {limit} invitations in the last 24 hours; try again in "
                                  "{retry_after} seconds.",
                                  "Vous avez déjà envoyé {limit} invitations ces dernières 24 heures; réessayez "
                                  "dans {retry_after} secondes."),
    "task_invitations_per_org": ("Your organization already sent {limit} invitations in the last 24 hours; try "
                                 "again in {retry_after} seconds.",
                                 "Votre organisation a déjà envoyé {limit} invitations ces dernières 24 heures; "
                                 "réessayez dans {retry_after} secondes."),
    "task_timezone_unknown": ("Unknown time zone.", "Fuseau horaire inconnu."),
    "task_dashboard_user_forbidden": ("You may not see another user's dashboard.",
                                      "Vous ne pouvez pas voir le tableau de bord d'un autre utilisateur."),
    "task_dashboard_period": ("The end of the period comes before its start.",
                              "La fin de la période précède son début."),
}
