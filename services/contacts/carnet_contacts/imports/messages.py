"""The reasons of an import's row errors, in English and French (N-5): the error file and the run's report are
written by the service in its owner's language. Codes are the import's own, the custom fields' (C-14) and the
records' contracts'; marshmallow's English messages are matched by their start."""

TEXTS = {
    "import_formula_without_value": ("A formula without a computed value: open the file in Excel, save it, and "
                                     "import it again (or paste the values)",
                                     "Une formule sans valeur calculée : ouvrez le fichier dans Excel, enregistrez-le "
                                     "et importez-le de nouveau (ou collez les valeurs)"),
    "import_date_ambiguous": ("Ambiguous date (day and month could be swapped): write it as YYYYMMDD or YYYY-MM-DD",
                              "Date ambiguë (le jour et le mois peuvent être inversés) : écrivez-la AAAAMMJJ ou "
                              "AAAA-MM-JJ"),
    "import_date_invalid": ("Not a date: write it as YYYYMMDD or YYYY-MM-DD",
                            "Pas une date : écrivez-la AAAAMMJJ ou AAAA-MM-JJ"),
    "import_boolean_invalid": ("Not yes or no", "Ni oui ni non"),
    "import_status_invalid": ("Status must be active or inactive", "Le statut doit être actif ou inactif"),
    "import_key_ambiguous": ("The key matches {count} records: none was updated",
                             "La clé correspond à {count} fiches : aucune n'a été mise à jour"),
    "import_key_unmatched": ("No record has this key: row skipped", "Aucune fiche n'a cette clé : ligne ignorée"),
    "import_too_many_rows": ("The sheet has more than {limit} rows: the rest was not read",
                             "La feuille a plus de {limit} lignes : la suite n'a pas été lue"),
    "import_revert_gone": ("The record is no longer there (deleted or out of your lists)",
                           "La fiche n'est plus là (supprimée ou hors de vos listes)"),
    "import_revert_edited": ("Changed since the import: not reverted (record {id})",
                             "Modifiée depuis l'importation : non rétablie (fiche {id})"),
    "import_row_refused": ("Refused", "Refusée"),
    "contact_name_required": ("A contact needs a first name, a last name or an email",
                              "Un contact doit avoir un prénom, un nom ou un courriel"),
    "unknown_list": ("Unknown list", "Liste inconnue"),
    "unknown_account": ("Unknown account", "Compte inconnu"),
    "unknown_custom_field": ("Unknown custom field", "Champ personnalisé inconnu"),
    "language_code": ("Not a language code (fr, en, fr-CA)", "Pas un code de langue (fr, en, fr-CA)"),
    "custom_text_expected": ("Text expected", "Texte attendu"),
    "custom_too_long": ("Too long", "Trop long"),
    "custom_email": ("Not a valid email address", "Adresse courriel invalide"),
    "custom_url": ("Not a valid URL (http:// or https://)", "URL invalide (http:// ou https://)"),
    "custom_choice": ("Not one of the field's choices", "Pas un des choix du champ"),
    "custom_integer_expected": ("Whole number expected", "Nombre entier attendu"),
    "custom_decimal_expected": ("Number expected", "Nombre attendu"),
    "custom_date_expected": ("Not a date: write it as YYYYMMDD or YYYY-MM-DD",
                             "Pas une date : écrivez-la AAAAMMJJ ou AAAA-MM-JJ"),
    "custom_boolean_expected": ("Not yes or no", "Ni oui ni non"),
    "version_conflict": ("Changed by someone else meanwhile", "Modifiée par quelqu'un d'autre entre-temps"),
}
# marshmallow's own messages (English) by their start.
MARSHMALLOW = {
    "Not a valid email": ("Not a valid email address", "Adresse courriel invalide"),
    "Missing data for required field": ("Required", "Obligatoire"),
    "Longer than maximum length": ("Too long", "Trop long"),
    "Shorter than minimum length": ("Required", "Obligatoire"),
    "Must be one of": ("Not one of the allowed values", "Pas une des valeurs permises"),
    "Not a valid": ("Not a valid value", "Valeur invalide"),
    "Field may not be null": ("Required", "Obligatoire"),
    "Unknown field": ("Unknown field", "Champ inconnu"),
}


def text(code, language, params=None):
    """The reason ``code`` in ``language`` (``fr`` or English), with ``params`` filled in."""
    pair = TEXTS.get(code) or next((v for k, v in MARSHMALLOW.items() if code.startswith(k)), None)
    if pair is None:
        return code
    template = pair[1] if (language or "").startswith("fr") else pair[0]
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError):
        return template
