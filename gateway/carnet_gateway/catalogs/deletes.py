"""What each ``dependents`` choice of a delete does (C-10), shown in the delete preview (``dependents_choices``)."""
MESSAGES = {
    "dependents_delete_contact": (
        "Its opportunities and tasks go to the trash with it and come back if it is restored.",
        "Ses opportunités et ses tâches vont à la corbeille avec lui et reviennent s'il est restauré."),
    "dependents_reattach_contact": (
        "Its opportunities and tasks move to its account ({account}) and no longer name it, even if it is restored.",
        "Ses opportunités et ses tâches passent à son compte ({account}) et ne le nomment plus, même s'il est "
        "restauré."),
    "dependents_reattach_no_account": (
        "It has no account to reattach them to: its tasks stay with it, hidden, and come back if it is restored.",
        "Il n'a pas de compte auquel les rattacher : ses tâches restent avec lui, masquées, et reviennent s'il est "
        "restauré."),
    "dependents_delete_account": (
        "Its opportunities and tasks, and those of its contacts, go to the trash with it and come back if it is "
        "restored.",
        "Ses opportunités et ses tâches, et celles de ses contacts, vont à la corbeille avec lui et reviennent s'il "
        "est restauré."),
    "dependents_reattach_account": (
        "An account has nothing to reattach them to: its opportunities and tasks, and those of its contacts, stay "
        "on it, hidden with it, and come back if it is restored; they are removed for good when it is purged from "
        "the trash.",
        "Un compte n'a rien à quoi les rattacher : ses opportunités et ses tâches, et celles de ses contacts, "
        "restent avec lui, masquées, et reviennent s'il est restauré; elles sont supprimées définitivement quand "
        "il est purgé de la corbeille."),
}
