"""What each ``dependents`` choice of a delete does (C-10), shown in the delete preview (``dependents_choices``), and
what a delete with ``dependents=delete`` left in place, and why (issue 10 §1)."""
MESSAGES = {
    "dependents_delete_contact": (
        "Its opportunities and tasks that you see and may delete go to the trash with it and come back if it is "
        "restored; the others (read-only ones from an accounting system, those you cannot see) stay, as with "
        "reattach.",
        "Ses opportunités et ses tâches que vous voyez et pouvez supprimer vont à la corbeille avec lui et "
        "reviennent s'il est restauré; les autres (celles d'un système comptable, en lecture seule, et celles que "
        "vous ne voyez pas) restent, comme avec le rattachement."),
    "dependents_reattach_contact": (
        "Its opportunities and tasks move to its account ({account}) and no longer name it, even if it is restored.",
        "Ses opportunités et ses tâches passent à son compte ({account}) et ne le nomment plus, même s'il est "
        "restauré."),
    "dependents_reattach_unseen_account": (
        "Its opportunities and tasks move to its account and no longer name it, even if it is restored.",
        "Ses opportunités et ses tâches passent à son compte et ne le nomment plus, même s'il est restauré."),
    "dependents_reattach_no_account": (
        "It has no account to reattach them to: its tasks stay with it, hidden, and come back if it is restored.",
        "Il n'a pas de compte auquel les rattacher : ses tâches restent avec lui, masquées, et reviennent s'il est "
        "restauré."),
    "dependents_delete_account": (
        "Its opportunities and tasks, and those of its contacts, that you see and may delete go to the trash with "
        "it and come back if it is restored; the others (read-only ones from an accounting system, those you cannot "
        "see) stay on it, hidden with it.",
        "Ses opportunités et ses tâches, et celles de ses contacts, que vous voyez et pouvez supprimer vont à la "
        "corbeille avec lui et reviennent s'il est restauré; les autres (celles d'un système comptable, en lecture "
        "seule, et celles que vous ne voyez pas) restent avec lui, masquées."),
    "dependents_reattach_account": (
        "An account has nothing to reattach them to: its opportunities and tasks, and those of its contacts, stay "
        "on it, hidden with it, and come back if it is restored; they are removed for good when it is purged from "
        "the trash.",
        "Un compte n'a rien à quoi les rattacher : ses opportunités et ses tâches, et celles de ses contacts, "
        "restent avec lui, masquées, et reviennent s'il est restauré; elles sont supprimées définitivement quand "
        "il est purgé de la corbeille."),
    # What a delete with dependents=delete did (the answer's ``dependents``)
    "dependents_left_read_only": (
        "From an accounting system: read-only here (O-7), it is changed or deleted there.",
        "Vient d'un système comptable : en lecture seule ici (O-7), elle se modifie ou se supprime là-bas."),
    "dependents_left_contact": (
        "Only the opportunities and tasks you see and may delete went to the trash; the others stay in place, as "
        "with reattach: on the account when there is one, no longer naming the contact.",
        "Seules les opportunités et les tâches que vous voyez et pouvez supprimer sont allées à la corbeille; les "
        "autres restent en place, comme avec le rattachement : sur le compte s'il y en a un, sans plus nommer le "
        "contact."),
    "dependents_left_account": (
        "Only the opportunities and tasks you see and may delete went to the trash; the others stay on the account, "
        "hidden with it, and show again if it is restored.",
        "Seules les opportunités et les tâches que vous voyez et pouvez supprimer sont allées à la corbeille; les "
        "autres restent sur le compte, masquées avec lui, et réapparaissent s'il est restauré."),
    "dependents_unavailable": (
        "The opportunities service did not answer: nothing was deleted. Try again shortly, or delete with "
        "dependents=reattach.",
        "Le service des opportunités n'a pas répondu : rien n'a été supprimé. Réessayez sous peu, ou supprimez avec "
        "dependents=reattach."),
}
