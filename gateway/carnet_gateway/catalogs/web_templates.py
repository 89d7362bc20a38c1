"""Texts of the pages of e-mail templates (E-2, E-8): built-in and own, merge fields, previews: ``key: (english,
french)``."""
MESSAGES = {
    "templates.title": ("E-mail templates", "Modèles de courriel"),
    "templates.intro": ("Start a campaign or a one-to-one e-mail from a template. Built-in templates are the same for "
                        "everyone and cannot be changed: use one as a start for your own. Your organization's "
                        "templates are shared by its users.",
                        "Commencez une campagne ou un courriel individuel à partir d'un modèle. Les modèles intégrés "
                        "sont les mêmes pour tous et ne peuvent pas être modifiés : servez-vous-en comme point de "
                        "départ pour les vôtres. Les modèles de votre organisation sont partagés par ses "
                        "utilisateurs."),
    "templates.builtin": ("Built-in templates", "Modèles intégrés"),
    "templates.own": ("Your organization's templates", "Modèles de votre organisation"),
    "templates.none": ("Your organization has no templates of its own yet.",
                       "Votre organisation n'a encore aucun modèle à elle."),
    "templates.new": ("New template", "Nouveau modèle"),
    "templates.name": ("Name", "Nom"),
    "templates.subject": ("Subject", "Objet"),
    "templates.subject_label": ("Subject:", "Objet :"),
    "templates.updated_at": ("Changed", "Modifié"),
    "templates.actions": ("Actions", "Actions"),
    "templates.use": ("Use as a start", "Partir de ce modèle"),
    "templates.use_named": ("Start a new template from {name}", "Créer un modèle à partir de {name}"),
    "templates.copy_of": ("{name} (copy)", "{name} (copie)"),
    "templates.back": ("All templates", "Tous les modèles"),
    "templates.edit_title": ("Template {name}", "Modèle {name}"),
    "templates.builtin_title": ("Built-in template {name}", "Modèle intégré {name}"),
    "templates.builtin_note": ("A built-in template cannot be changed. Use it as a start for a template of your own.",
                               "Un modèle intégré ne peut pas être modifié. Servez-vous-en comme point de départ pour "
                               "votre propre modèle."),
    "templates.content": ("Content", "Contenu"),
    "templates.html": ("HTML body", "Corps HTML"),
    "templates.html_hint": ("HTML is cleaned when saved: scripts, event handlers and javascript: links are removed.",
                            "Le HTML est nettoyé à l'enregistrement : scripts, gestionnaires d'événements et liens "
                            "javascript: sont retirés."),
    "templates.text": ("Text body", "Corps texte"),
    "templates.text_hint": ("For mail programs that do not show HTML; made from the HTML body when left empty.",
                            "Pour les logiciels de courriel qui n'affichent pas le HTML; tiré du corps HTML s'il est "
                            "laissé vide."),
    "templates.merge_fields": ("Merge fields", "Champs de fusion"),
    "templates.merge_help": ("Write a merge field in the subject or a body: each recipient gets their own value.",
                             "Écrivez un champ de fusion dans l'objet ou un corps : chaque destinataire reçoit sa "
                             "propre valeur."),
    "templates.merge_default": ("With a default, used when the value is missing:",
                                "Avec une valeur par défaut, employée quand la valeur manque :"),
    "templates.field_first_name": ("first name", "prénom"),
    "templates.field_last_name": ("last name", "nom"),
    "templates.field_full_name": ("first and last name", "prénom et nom"),
    "templates.field_email": ("the recipient's e-mail address", "l'adresse courriel du destinataire"),
    "templates.field_sender_name": ("the sender's name", "le nom de l'expéditeur"),
    "templates.previews": ("Previews", "Aperçus"),
    "templates.preview_note": ("With sample values; images are not loaded here.",
                               "Avec des valeurs d'exemple; les images ne sont pas chargées ici."),
    "templates.preview_in": ("Preview in {language}", "Aperçu en {language}"),
    "templates.language_en": ("English", "anglais"),
    "templates.language_fr": ("French", "français"),
    "templates.delete": ("Delete this template", "Supprimer ce modèle"),
    "templates.delete_intro": ("Campaigns and e-mails made from it keep their own copy.",
                               "Les campagnes et courriels créés à partir de ce modèle gardent leur propre copie."),
    "templates.confirm_delete": ("Delete the template {name}?", "Supprimer le modèle {name}?"),
    "templates.created": ("Template {name} created.", "Modèle {name} créé."),
    "templates.saved": ("Template saved.", "Modèle enregistré."),
    "templates.deleted": ("Template {name} deleted.", "Modèle {name} supprimé."),
}
