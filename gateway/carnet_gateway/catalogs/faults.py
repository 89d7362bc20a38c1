"""Messages of dependency outages and of retried requests (issue 10 §4; N-1, N-3)."""
MESSAGES = {
    "database_unavailable": ("The database is unavailable for a moment; nothing was saved, try again shortly.",
                             "La base de données est momentanément indisponible; rien n'a été enregistré, "
                             "réessayez sous peu."),
    "idempotency_key_invalid": ("Idempotency-Key must be 1 to {max} printable ASCII characters.",
                                "Idempotency-Key doit compter de 1 à {max} caractères ASCII imprimables."),
    "idempotency_key_reused": ("This Idempotency-Key was already used for another request (another route or body); "
                               "use a new key for a new request.",
                               "Cette clé Idempotency-Key a déjà servi pour une autre requête (autre route ou autre "
                               "corps); utilisez une nouvelle clé pour une nouvelle requête."),
    "idempotency_in_flight": ("A request with this Idempotency-Key is still being processed; try again in a moment "
                              "to get its answer.",
                              "Une requête avec cette clé Idempotency-Key est encore en cours; réessayez dans un "
                              "instant pour obtenir sa réponse."),
}
