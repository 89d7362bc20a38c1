"""Messages of sign-up, credentials, the second factor and the abuse limits (S-7, S-10)."""
MESSAGES = {
    "current_password_required": ("Confirm with your current password.", "Confirmez avec votre mot de passe actuel."),
    "current_password_wrong": ("Your current password is not this one.",
                               "Ce n'est pas votre mot de passe actuel."),
    "plan_not_offered": ("The plan {plan} cannot be chosen at sign-up; start with the default plan.",
                         "L'abonnement {plan} ne peut pas être choisi à l'inscription; commencez par "
                         "l'abonnement par défaut."),
    "plan_change_not_allowed": ("The plan is changed by Carnet's operator, not through the API.",
                                "L'abonnement est changé par l'exploitant de Carnet, pas par l'API."),
    "unknown_plan": ("No such plan.", "Cet abonnement n'existe pas."),
    "signup_throttled": ("Too many sign-ups; try again in {retry_after} seconds.",
                         "Trop d'inscriptions; réessayez dans {retry_after} secondes."),
    "signup_busy": ("Sign-up is busy; try again in {retry_after} seconds.",
                    "L'inscription est occupée; réessayez dans {retry_after} secondes."),
    "api_rate_limited": ("You sent more than {limit} requests this minute; try again in {retry_after} seconds.",
                         "Vous avez envoyé plus de {limit} requêtes cette minute; réessayez dans {retry_after} "
                         "secondes."),
    "login_challenge_invalid": ("This login step has expired or was already used; log in again.",
                                "Cette étape de connexion a expiré ou a déjà servi; reconnectez-vous."),
    "totp_code_wrong": ("This code is not valid; enter the current code of your authenticator app, or an unused "
                        "recovery code.",
                        "Ce code n'est pas valide; entrez le code actuel de votre application d'authentification, "
                        "ou un code de récupération inutilisé."),
    "totp_throttled": ("Too many wrong codes; try again in {retry_after} seconds.",
                       "Trop de codes erronés; réessayez dans {retry_after} secondes."),
    "totp_already_enabled": ("Two-step verification is already on.", "La vérification en deux étapes est déjà "
                                                                     "activée."),
    "totp_enrolment_not_started": ("Start the enrolment first: it shows the secret to enter in your app.",
                                   "Commencez d'abord l'inscription : elle affiche le secret à entrer dans votre "
                                   "application."),
    "totp_not_enabled": ("Two-step verification is off.", "La vérification en deux étapes est désactivée."),
    "totp_required_by_organization": ("Your organization requires two-step verification.",
                                      "Votre organisation exige la vérification en deux étapes."),
}
