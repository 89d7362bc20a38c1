"""Messages about the users a request names (issue 10 §2: ``user_refs.py``); ``unknown_user`` is identity's own."""
MESSAGES = {
    "user_inactive": ("This user is inactive: choose an active user of your organization.",
                      "Cet utilisateur est inactif : choisissez un utilisateur actif de votre organisation."),
}
