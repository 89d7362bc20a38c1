"""Messages of the public side of forms (what a visitor sees, F-4, F-5), in English and French: the problems of
``POST /f/<key>`` and the webhook, the per-field error codes of ``definition.validate_values`` (``public_forms.error.
<code>``, also sent to the embed script by ``/f/<key>/definition.json`` so that its client-side checks say the same
words), and the hosted pages' texts."""
MESSAGES = {
    # problems (problem+json ``code``)
    "form_rate_limited": ("Too many submissions; try again in {retry_after} seconds.",
                          "Trop d'envois; réessayez dans {retry_after} secondes."),
    "webhook_signature": ("The signature is missing, wrong, too old or already used: sign \"timestamp.body\" with the "
                          "form's webhook secret (HMAC-SHA256), in X-Carnet-Signature: sha256=<hex>, with the Unix "
                          "time in X-Carnet-Timestamp.",
                          "La signature manque, est fausse, trop ancienne ou déjà utilisée : signez « horodatage.corps "
                          "» avec le secret de webhook du formulaire (HMAC-SHA256), dans X-Carnet-Signature: "
                          "sha256=<hex>, avec l'heure Unix dans X-Carnet-Timestamp."),
    "public_form_not_found": ("This form does not exist or is not published.",
                              "Ce formulaire n'existe pas ou n'est pas publié."),
    "public_form_invalid": ("Some answers need correcting.", "Certaines réponses sont à corriger."),
    "public_form_media_type": ("Send the form as application/json, application/x-www-form-urlencoded or "
                               "multipart/form-data.",
                               "Envoyez le formulaire en application/json, application/x-www-form-urlencoded ou "
                               "multipart/form-data."),
    "public_form_encoding": ("The body is not valid UTF-8 text.", "Le corps n'est pas du texte UTF-8 valide."),
    # per-field errors (codes of definition.validate_values)
    "public_forms.error.required": ("This field is required.", "Ce champ est obligatoire."),
    "public_forms.error.invalid_email": ("Enter a valid e-mail address.", "Entrez une adresse courriel valide."),
    "public_forms.error.too_long": ("This answer is too long.", "Cette réponse est trop longue."),
    "public_forms.error.invalid_text": ("Enter text.", "Entrez du texte."),
    "public_forms.error.invalid_textarea": ("Enter text.", "Entrez du texte."),
    "public_forms.error.invalid_phone": ("Enter a valid phone number.", "Entrez un numéro de téléphone valide."),
    "public_forms.error.invalid_number": ("Enter a whole number.", "Entrez un nombre entier."),
    "public_forms.error.invalid_decimal": ("Enter a number.", "Entrez un nombre."),
    "public_forms.error.invalid_date": ("Enter a date (YYYY-MM-DD).", "Entrez une date (AAAA-MM-JJ)."),
    "public_forms.error.invalid_boolean": ("Answer yes or no.", "Répondez oui ou non."),
    "public_forms.error.invalid_select": ("Choose one of the options.", "Choisissez l'une des options."),
    "public_forms.error.invalid_multi": ("Choose among the options.", "Choisissez parmi les options."),
    "public_forms.error.invalid_option": ("Choose among the options.", "Choisissez parmi les options."),
    "public_forms.error.invalid_url": ("Enter a web address (https://…).", "Entrez une adresse web (https://…)."),
    "public_forms.error.invalid_json": ("The body is not JSON.", "Le corps n'est pas du JSON."),
    "public_forms.error.invalid_type": ("Send a JSON object of the form's fields.",
                                        "Envoyez un objet JSON des champs du formulaire."),
    "public_forms.error.too_many": ("Too many fields.", "Trop de champs."),
    "public_forms.error.invalid": ("This answer is not valid.", "Cette réponse n'est pas valide."),
    # the hosted pages and the embed script
    "public_forms.required_note": ("Fields marked * are required.", "Les champs marqués * sont obligatoires."),
    "public_forms.honeypot": ("Leave this field empty", "Laissez ce champ vide"),
    "public_forms.errors_title": ("Please correct the answers below.", "Veuillez corriger les réponses ci-dessous."),
    "public_forms.choose": ("Choose…", "Choisissez…"),
    "public_forms.sending": ("Sending…", "Envoi…"),
    "public_forms.network_error": ("The form could not be sent; check your connection and try again.",
                                   "Le formulaire n'a pas pu être envoyé; vérifiez votre connexion et réessayez."),
    "public_forms.rate_limited": ("Too many submissions; wait a minute and try again.",
                                  "Trop d'envois; attendez une minute et réessayez."),
    "public_forms.captcha_note": ("This form checks that you are a person.",
                                  "Ce formulaire vérifie que vous êtes une personne."),
    "public_forms.not_found_title": ("Form not available", "Formulaire non disponible"),
    "public_forms.not_found_body": ("This form does not exist or is no longer published.",
                                    "Ce formulaire n'existe pas ou n'est plus publié."),
    "public_forms.thanks_title": ("Thank you", "Merci"),
    "public_forms.thanks_default": ("Your answer was received.", "Votre réponse a bien été reçue."),
    "public_forms.too_large_title": ("Too much text", "Trop de texte"),
    "public_forms.too_large_body": ("The form sent more than {limit} bytes; shorten your answers and try again.",
                                    "Le formulaire dépasse {limit} octets; raccourcissez vos réponses et réessayez."),
    "public_forms.rate_limited_title": ("Too many submissions", "Trop d'envois"),
    "public_forms.rate_limited_body": ("Too many submissions came from your address; try again in {retry_after} "
                                       "seconds.",
                                       "Trop d'envois sont venus de votre adresse; réessayez dans {retry_after} "
                                       "secondes."),
    "public_forms.unreadable_title": ("Form not accepted", "Formulaire refusé"),
    "public_forms.unreadable_body": ("This post does not match the form; send it again from the form's own page.",
                                     "Cet envoi ne correspond pas au formulaire; envoyez-le de nouveau depuis la page "
                                     "du formulaire."),
    "public_forms.confirm_title": ("Confirm your subscription", "Confirmez votre abonnement"),
    "public_forms.confirm_body": ("Press the button to confirm that you want to receive our e-mails.",
                                  "Appuyez sur le bouton pour confirmer que vous voulez recevoir nos courriels."),
    "public_forms.confirm_button": ("Confirm", "Confirmer"),
    "public_forms.confirmed_title": ("Subscription confirmed", "Abonnement confirmé"),
    "public_forms.confirmed_body": ("Thank you: your subscription is confirmed.",
                                    "Merci : votre abonnement est confirmé."),
    "public_forms.confirmed_by": ("Thank you: your subscription to {org} is confirmed.",
                                  "Merci : votre abonnement à {org} est confirmé."),
    "public_forms.already_confirmed_body": ("Your subscription was already confirmed; nothing more to do.",
                                            "Votre abonnement était déjà confirmé; rien d'autre à faire."),
    "public_forms.bad_link_title": ("Invalid link", "Lien invalide"),
    "public_forms.bad_link_body": ("This confirmation link is not valid or has expired.",
                                   "Ce lien de confirmation n'est pas valide ou a expiré."),
}
