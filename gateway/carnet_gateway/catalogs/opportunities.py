"""Messages of stages, opportunities and product lines (O-1..O-7) and of their dependents on delete (C-10)."""
MESSAGES = {
    "decimal_string": ("Give a decimal number as a string, such as \"43.98\".",
                       "Indiquez un nombre décimal sous forme de texte, par exemple « 43.98 »."),
    "decimal_negative": ("This amount cannot be negative.", "Ce montant ne peut pas être négatif."),
    "money_places": ("Use at most 2 decimal places for an amount.",
                     "Utilisez au plus 2 décimales pour un montant."),
    "quantity_places": ("Use at most 4 decimal places for a quantity.",
                        "Utilisez au plus 4 décimales pour une quantité."),
    "decimal_too_large": ("This number is too large.", "Ce nombre est trop grand."),
    "line_total_too_large": ("The line's total (quantity × unit price + shipping) is 10^14 or more.",
                             "Le total de la ligne (quantité × prix unitaire + livraison) atteint 10^14 ou plus."),
    "opportunity_total_too_large": ("The lines add up to 10^14 or more.",
                                    "Les lignes totalisent 10^14 ou plus."),
    "line_total_negative": ("The discount is larger than the line's amount.",
                            "La remise dépasse le montant de la ligne."),
    "date_format": ("Give a date as YYYY-MM-DD.", "Indiquez une date au format AAAA-MM-JJ."),
    "contact_not_of_account": ("This contact is not one of the opportunity's account.",
                               "Ce contact ne fait pas partie du compte de l'opportunité."),
    "unknown_stage": ("No such stage in your organization.", "Cette étape n'existe pas dans votre organisation."),
    "unknown_substage": ("No such sub-stage under this stage.", "Cette sous-étape n'existe pas sous cette étape."),
    "stage_fixed": ("A stage's probability and colour are fixed; only its labels can change.",
                    "La probabilité et la couleur d'une étape sont fixes; seuls ses libellés peuvent changer."),
    "stage_label_required": ("Give label_fr or label_en.", "Indiquez label_fr ou label_en."),
    "substage_locked": ("This sub-stage is used by the accounting sync; it cannot be renamed.",
                        "Cette sous-étape est utilisée par la synchronisation comptable; elle ne peut pas être "
                        "renommée."),
    "opportunity_read_only": ("This opportunity comes from {source} (accounting); change it there, not in the CRM.",
                              "Cette opportunité provient de {source} (comptabilité); modifiez-la là-bas, pas dans "
                              "le CRM."),
    "custom_field_product_type": ("This field applies only to opportunities with a product line of its product "
                                  "type.",
                                  "Ce champ ne s'applique qu'aux opportunités ayant une ligne de produit de son type "
                                  "de produit."),
}
