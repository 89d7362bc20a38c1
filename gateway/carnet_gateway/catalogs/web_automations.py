"""Texts of the automations pages (AU-1)."""
MESSAGES = {
    "automations.title": ("Automations", "Automatisations"),
    "automations.intro": ("An automation copies the contacts of a source list that match its criteria into a target "
                          "list: when you run it, and on every change of a contact if you ask. Contacts already in "
                          "the target list stay as they are, so running it twice adds nothing. It sees the contacts "
                          "you see.",
                          "Une automatisation copie dans une liste cible les contacts d'une liste source qui "
                          "répondent à ses critères : quand vous l'exécutez et, si vous le demandez, à chaque "
                          "modification d'un contact. Les contacts déjà dans la liste cible restent tels quels : "
                          "l'exécuter deux fois n'ajoute rien. Elle voit les contacts que vous voyez."),
    "automations.new": ("New automation", "Nouvelle automatisation"),
    "automations.none": ("You have no automations yet.", "Vous n'avez encore aucune automatisation."),
    "automations.name": ("Name", "Nom"),
    "automations.lists": ("Source → target", "Source → cible"),
    "automations.on_change": ("On every change", "À chaque modification"),
    "automations.last_run": ("Last run", "Dernière exécution"),
    "automations.actions": ("Actions", "Actions"),
    "automations.run": ("Run now", "Exécuter maintenant"),
    "automations.run_named": ("Run {name} now", "Exécuter {name} maintenant"),
    "automations.never_run": ("Never run", "Jamais exécutée"),
    "automations.status.queued": ("Queued", "En attente"),
    "automations.status.running": ("Running", "En cours"),
    "automations.status.done": ("Done", "Terminée"),
    "automations.status.failed": ("Failed", "Échec"),
    "automations.trigger.manual": ("on demand", "sur demande"),
    "automations.trigger.change": ("on a change", "sur modification"),
    "automations.counts": ("{matched} matched, {added} added", "{matched} retenus, {added} ajoutés"),
    "automations.changes_handled": ("Contact changes examined: {count}",
                                    "Modifications de contacts examinées : {count}"),
    "automations.refresh": ("Refresh", "Actualiser"),
    "automations.back": ("All automations", "Toutes les automatisations"),
    "automations.edit_title": ("Automation {name}", "Automatisation {name}"),
    "automations.definition": ("Definition", "Définition"),
    "automations.source": ("Source list", "Liste source"),
    "automations.source_hint": ("Only its contacts that match the criteria are copied.",
                                "Seuls ses contacts qui répondent aux critères sont copiés."),
    "automations.target": ("Target list", "Liste cible"),
    "automations.choose_list": ("Choose a list", "Choisissez une liste"),
    "automations.criteria": ("Criteria", "Critères"),
    "automations.criteria_hint": ("The JSON of a contacts filter. Every contact of the source list: "
                                  "first name is empty OR first name is not empty.",
                                  "Le JSON d'un filtre de contacts. Tous les contacts de la liste source : "
                                  "prénom vide OU prénom non vide."),
    "automations.criteria_required": ("Give at least one criterion.", "Indiquez au moins un critère."),
    "automations.on_change_label": ("Also run on every change of a contact",
                                    "Exécuter aussi à chaque modification d'un contact"),
    "automations.on_change_hint": ("A contact of the source list that is created, edited, added to a list, moved or "
                                   "restored is copied when it matches.",
                                   "Un contact de la liste source créé, modifié, ajouté à une liste, déplacé ou "
                                   "restauré est copié s'il répond aux critères."),
    "automations.not_saved": ("The automation was not saved: correct the fields shown.",
                              "L'automatisation n'a pas été enregistrée : corrigez les champs indiqués."),
    "automations.created": ("Automation {name} created.", "Automatisation {name} créée."),
    "automations.saved": ("Automation saved.", "Automatisation enregistrée."),
    "automations.deleted": ("Automation {name} deleted.", "Automatisation {name} supprimée."),
    "automations.delete": ("Delete the automation", "Supprimer l'automatisation"),
    "automations.delete_intro": ("The contacts it copied stay in the target list.",
                                 "Les contacts qu'elle a copiés restent dans la liste cible."),
    "automations.confirm_delete": ("Delete the automation {name}?", "Supprimer l'automatisation {name} ?"),
    "automations.run_queued": ("The run is queued; its result shows below.",
                               "L'exécution est en attente; son résultat s'affiche ci-dessous."),
    "automations.run_later": ("Too many jobs are waiting: try again in a moment.",
                              "Trop de tâches sont en attente : réessayez dans un moment."),
}
