"""Messages of e-mail templates (E-2, E-8): built-in and own, merge fields, previews: ``key: (english, french)``
(braces doubled: the texts are ``str.format`` templates). The merge-field codes are
``carnet_campaigns.content.render.check``'s, reported for templates and campaigns alike."""
_FIELDS = "{{{{ first_name }}}}, {{{{ last_name }}}}, {{{{ full_name }}}}, {{{{ email }}}}"
_SENDER = "{{{{ sender_name }}}}"
_DEFAULT = "{{{{ first_name | \"client\" }}}}"

MESSAGES = {
    "merge_field_unknown": (
        f"Unknown merge field. Use {_FIELDS} or {_SENDER}, optionally with a default: {_DEFAULT}.",
        f"Champ de fusion inconnu. Utilisez {_FIELDS} ou {_SENDER}, avec une valeur par défaut au besoin : "
        f"{_DEFAULT}."),
    "merge_field_broken": (
        "A merge field is badly written: each one is {{{{ name }}}} or {{{{ name | \"default\" }}}}, with both "
        "braces.",
        "Un champ de fusion est mal écrit : chacun s'écrit {{{{ nom }}}} ou {{{{ nom | \"défaut\" }}}}, avec les "
        "deux accolades."),
    "template_builtin_read_only": (
        "Built-in templates cannot be changed or deleted; create your own template from it instead.",
        "Les modèles intégrés ne peuvent être ni modifiés ni supprimés; créez plutôt votre propre modèle à partir "
        "de celui-ci."),
    "template_source_not_sent": (
        "This campaign is still a draft: only a sent e-mail can become a template.",
        "Cette campagne est encore un brouillon : seul un courriel envoyé peut devenir un modèle."),
    # the public file links' pages (public_files.py), said in both languages
    "file_link_invalid_title": ("Invalid link", "Lien invalide"),
    "file_link_invalid": ("This file link is not valid: it may have been changed or cut. Ask its sender for a new "
                          "one.",
                          "Ce lien de fichier n'est pas valide : il a pu être modifié ou tronqué. Demandez-en un "
                          "nouveau à son expéditeur."),
    "file_link_expired_title": ("Link expired", "Lien expiré"),
    "file_link_expired": ("This file link has expired. Ask its sender for a new one.",
                          "Ce lien de fichier a expiré. Demandez-en un nouveau à son expéditeur."),
    "file_link_gone_title": ("File not available", "Fichier non disponible"),
    "file_link_gone": ("This file is no longer available: it was deleted.",
                       "Ce fichier n'est plus disponible : il a été supprimé."),
    "file_link_unavailable_title": ("Try again later", "Réessayez plus tard"),
    "file_link_unavailable": ("The file cannot be read right now. Try again in a few minutes.",
                              "Le fichier ne peut pas être lu pour le moment. Réessayez dans quelques minutes."),
}
