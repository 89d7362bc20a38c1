"""The built-in e-mail templates (E-2): in code, the same for every organization, read-only, each in English and in
French. Their ids are ``builtin:<key>``; they are listed before the organization's own, in this order. Their HTML is
sanitised like a user's (``render.sanitize``) and their merge fields pass ``render.check`` (tests/unit)."""
PREFIX = "builtin:"

BUILTINS = {
    "blank": {
        "en": {"name": "Blank", "subject": "", "html": "", "text": ""},
        "fr": {"name": "Vierge", "subject": "", "html": "", "text": ""},
    },
    "newsletter": {
        "en": {
            "name": "Newsletter",
            "subject": "News from {{ sender_name }}",
            "html": "<h1>News from {{ sender_name }}</h1>"
                    "<p>Hello {{ first_name | \"there\" }},</p>"
                    "<p>Here is what is new this month.</p>"
                    "<h2>Headline</h2><p>A few words about it.</p>"
                    "<p><a href=\"https://example.com\">Read more</a></p>"
                    "<p>See you soon,<br>{{ sender_name }}</p>",
            "text": "Hello {{ first_name | \"there\" }},\n\nHere is what is new this month.\n\nHeadline\n"
                    "A few words about it.\n\nRead more: https://example.com\n\nSee you soon,\n{{ sender_name }}",
        },
        "fr": {
            "name": "Infolettre",
            "subject": "Des nouvelles de {{ sender_name }}",
            "html": "<h1>Des nouvelles de {{ sender_name }}</h1>"
                    "<p>Bonjour {{ first_name }},</p>"
                    "<p>Voici les nouveautés du mois.</p>"
                    "<h2>À la une</h2><p>Quelques mots à ce sujet.</p>"
                    "<p><a href=\"https://example.com\">En savoir plus</a></p>"
                    "<p>À bientôt,<br>{{ sender_name }}</p>",
            "text": "Bonjour {{ first_name }},\n\nVoici les nouveautés du mois.\n\nÀ la une\n"
                    "Quelques mots à ce sujet.\n\nEn savoir plus : https://example.com\n\nÀ bientôt,\n"
                    "{{ sender_name }}",
        },
    },
    "follow_up": {
        "en": {
            "name": "Follow-up",
            "subject": "Following up, {{ first_name | \"hello\" }}",
            "html": "<p>Hello {{ first_name | \"there\" }},</p>"
                    "<p>Thank you for your time. As promised, here is a short follow-up.</p>"
                    "<p>Do not hesitate to reply to this e-mail with any question.</p>"
                    "<p>Best regards,<br>{{ sender_name }}</p>",
            "text": "Hello {{ first_name | \"there\" }},\n\nThank you for your time. As promised, here is a short "
                    "follow-up.\n\nDo not hesitate to reply to this e-mail with any question.\n\nBest regards,\n"
                    "{{ sender_name }}",
        },
        "fr": {
            "name": "Suivi",
            "subject": "Suite à notre échange, {{ first_name | \"bonjour\" }}",
            "html": "<p>Bonjour {{ first_name }},</p>"
                    "<p>Merci pour votre temps. Comme convenu, voici un court suivi.</p>"
                    "<p>N'hésitez pas à répondre à ce courriel pour toute question.</p>"
                    "<p>Cordialement,<br>{{ sender_name }}</p>",
            "text": "Bonjour {{ first_name }},\n\nMerci pour votre temps. Comme convenu, voici un court suivi.\n\n"
                    "N'hésitez pas à répondre à ce courriel pour toute question.\n\nCordialement,\n{{ sender_name }}",
        },
    },
    "event": {
        "en": {
            "name": "Invitation",
            "subject": "You are invited, {{ first_name | \"friend\" }}",
            "html": "<h1>You are invited</h1>"
                    "<p>Hello {{ first_name | \"there\" }},</p>"
                    "<p>{{ sender_name }} is pleased to invite you to our next event.</p>"
                    "<table role=\"presentation\"><tbody><tr><th>Date</th><td>…</td></tr>"
                    "<tr><th>Place</th><td>…</td></tr></tbody></table>"
                    "<p>We hope to see you there.</p>",
            "text": "Hello {{ first_name | \"there\" }},\n\n{{ sender_name }} is pleased to invite you to our next "
                    "event.\n\nDate: …\nPlace: …\n\nWe hope to see you there.",
        },
        "fr": {
            "name": "Invitation",
            "subject": "Vous êtes invité·e, {{ first_name }}",
            "html": "<h1>Vous êtes invité·e</h1>"
                    "<p>Bonjour {{ first_name }},</p>"
                    "<p>{{ sender_name }} a le plaisir de vous inviter à son prochain événement.</p>"
                    "<table role=\"presentation\"><tbody><tr><th>Date</th><td>…</td></tr>"
                    "<tr><th>Lieu</th><td>…</td></tr></tbody></table>"
                    "<p>Au plaisir de vous y voir.</p>",
            "text": "Bonjour {{ first_name }},\n\n{{ sender_name }} a le plaisir de vous inviter à son prochain "
                    "événement.\n\nDate : …\nLieu : …\n\nAu plaisir de vous y voir.",
        },
    },
}


def is_builtin(template_id):
    return isinstance(template_id, str) and template_id.startswith(PREFIX)


def builtin(template_id, language):
    """The built-in template ``template_id`` in ``language`` ("fr" for French, English otherwise), or None."""
    if not is_builtin(template_id):
        return None
    found = BUILTINS.get(template_id[len(PREFIX):])
    if found is None:
        return None
    return {"id": template_id, **found[content_language(language)]}


def content_language(language):
    return "fr" if str(language or "").lower().startswith("fr") else "en"


def all_builtins(language):
    return [builtin(PREFIX + key, language) for key in BUILTINS]
