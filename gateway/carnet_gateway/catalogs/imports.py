"""Messages of imports (C-19): refusals of an upload, of its options, and of its jobs."""
MESSAGES = {
    "import_xls": ("This is an old Excel file (.xls): open it in Excel and save it as an Excel Workbook (.xlsx).",
                   "C'est un ancien fichier Excel (.xls) : ouvrez-le dans Excel et enregistrez-le comme classeur "
                   "Excel (.xlsx)."),
    "import_password_protected": ("This workbook is protected by a password: remove the password in Excel, save it "
                                  "and upload it again.",
                                  "Ce classeur est protégé par un mot de passe : retirez le mot de passe dans Excel, "
                                  "enregistrez-le et téléversez-le de nouveau."),
    "import_not_xlsx": ("This is not an Excel workbook (.xlsx). A CSV or Numbers file must be exported to .xlsx "
                        "first.",
                        "Ce n'est pas un classeur Excel (.xlsx). Un fichier CSV ou Numbers doit d'abord être exporté "
                        "en .xlsx."),
    "import_corrupt": ("The workbook is damaged or incomplete (was the upload cut?): save it again and retry.",
                       "Le classeur est endommagé ou incomplet (le téléversement a-t-il été coupé?) : enregistrez-le "
                       "de nouveau et réessayez."),
    "import_archive_entries": ("The workbook holds more than {limit} parts: it is not read.",
                               "Le classeur contient plus de {limit} parties : il n'est pas lu."),
    "import_archive_too_large": ("Once uncompressed, the workbook would take more than {limit} bytes: it is not read.",
                                 "Décompressé, le classeur dépasserait {limit} octets : il n'est pas lu."),
    "import_archive_ratio": ("A part of the workbook is compressed more than {limit} times (a zip bomb?): it is not "
                             "read.",
                             "Une partie du classeur est compressée plus de {limit} fois (une bombe zip?) : il n'est "
                             "pas lu."),
    "import_too_many_rows": ("The sheet has {rows} rows; an import takes at most {limit}. Split the file.",
                             "La feuille a {rows} lignes; une importation en accepte au plus {limit}. Divisez le "
                             "fichier."),
    "import_no_header": ("The first row of the sheet must hold the column names.",
                         "La première ligne de la feuille doit contenir les noms des colonnes."),
    "import_too_large": ("The file is larger than {limit} bytes, the most an import takes.",
                         "Le fichier dépasse {limit} octets, le maximum d'une importation."),
    "import_not_multipart": ("Send the .xlsx file as multipart/form-data (part `file`, with `record_type`).",
                             "Envoyez le fichier .xlsx en multipart/form-data (partie `file`, avec `record_type`)."),
    "import_file_missing": ("Send the .xlsx file in the `file` part of a multipart/form-data body.",
                            "Envoyez le fichier .xlsx dans la partie `file` d'un corps multipart/form-data."),
    "import_not_uploading": ("This import's file was already received.", "Le fichier de cette importation a déjà été "
                             "reçu."),
    "import_already_run": ("This import was already run: upload the file again to import it again.",
                           "Cette importation a déjà été faite : téléversez de nouveau le fichier pour la refaire."),
    "import_not_revertable": ("Only an import that has finished, and was not reverted, can be reverted.",
                              "Seule une importation terminée et pas encore annulée peut être annulée."),
    "import_unknown_column": ("The sheet has no such column.", "La feuille n'a pas cette colonne."),
    "import_unknown_field": ("No such field (or you may not use it).", "Champ inconnu (ou non permis)."),
    "import_field_twice": ("Two columns fill this field.", "Deux colonnes remplissent ce champ."),
    "import_nothing_mapped": ("Map at least one column to a field.", "Associez au moins une colonne à un champ."),
    "import_key_not_mapped": ("The update key must be one of the mapped fields.",
                              "La clé de mise à jour doit être un des champs associés."),
    "import_key_required": ("In update mode, choose the key: email, id or a custom field.",
                            "En mode mise à jour, choisissez la clé : courriel, id ou un champ personnalisé."),
    "import_chunk_order": ("Chunks must be sent in order.", "Les morceaux doivent être envoyés dans l'ordre."),
    "import_failed": ("The import job failed. Its records written so far can be reverted.",
                      "La tâche d'importation a échoué. Les fiches déjà écrites peuvent être annulées."),
    "import_timed_out": ("The import took longer than its time limit and was stopped. What it wrote can be "
                         "reverted.",
                         "L'importation a dépassé sa durée maximale et a été arrêtée. Ce qu'elle a écrit peut être "
                         "annulé."),
    "import_interrupted": ("The import was interrupted (the service restarted). What it wrote can be reverted; run "
                           "it again for the rest.",
                           "L'importation a été interrompue (redémarrage du service). Ce qu'elle a écrit peut être "
                           "annulé; relancez-la pour le reste."),
    "import_jobs_per_user": ("You already have {limit} jobs (imports, runs or exports) waiting or running, your "
                             "quota; try again in {retry_after} seconds, once one has finished.",
                             "Vous avez déjà {limit} tâches (importations, exécutions ou exportations) en attente ou "
                             "en cours, votre quota; réessayez dans {retry_after} secondes, quand l'une sera "
                             "terminée."),
    "import_jobs_per_org": ("Your organization already has {limit} jobs (imports, runs or exports) waiting or "
                            "running, its quota; try again in {retry_after} seconds, once one has finished.",
                            "Votre organisation a déjà {limit} tâches (importations, exécutions ou exportations) en "
                            "attente ou en cours, son quota; réessayez dans {retry_after} secondes, quand l'une sera "
                            "terminée."),
    "import_owner_inactive": ("The import was not run: its requester is no longer an active user.",
                              "L'importation n'a pas été faite : son demandeur n'est plus un utilisateur actif."),
    "import_authority_narrowed": ("The import was not run: your permissions or visibility changed since you asked "
                                  "for it. Start it again.",
                                  "L'importation n'a pas été faite : vos permissions ou votre visibilité ont changé "
                                  "depuis la demande. Relancez-la."),
    "import_header_empty": ("Column {column} has no name: it is not read unless you map it.",
                            "La colonne {column} n'a pas de nom : elle n'est lue que si vous l'associez."),
    "import_header_duplicate": ("Column {column} has the same name as column {first} ({header}): only {first} is "
                                "proposed.",
                                "La colonne {column} a le même nom que la colonne {first} ({header}) : seule {first} "
                                "est proposée."),
}
