"""Messages of documents (C-21, DOC-1..DOC-5)."""
MESSAGES = {
    "storage_quota_exceeded": (
        "This file ({size} bytes) would take you past your plan's storage: {usage} of {quota} bytes used. Delete "
        "documents or ask for a larger plan.",
        "Ce fichier ({size} octets) dépasserait le stockage de votre forfait : {usage} octets utilisés sur {quota}. "
        "Supprimez des documents ou demandez un forfait plus grand."),
    "document_too_large": ("A file is at most {limit} bytes (100 MB).",
                           "Un fichier fait au plus {limit} octets (100 Mo)."),
    "executable_extension": ("Executables and scripts are refused (.exe, .js, .bat, .sh, .ps1, .vbs, .jar, …).",
                             "Les exécutables et scripts sont refusés (.exe, .js, .bat, .sh, .ps1, .vbs, .jar, …)."),
    "unsupported_extension": ("This type of file is not accepted: office documents, PDF, images, audio, video and "
                              "text are.",
                              "Ce type de fichier n'est pas accepté : les documents bureautiques, PDF, images, sons, "
                              "vidéos et textes le sont."),
    "executable_content": ("This file's content is an executable or a script, whatever its name says: it is refused.",
                           "Le contenu de ce fichier est un exécutable ou un script, quel que soit son nom : il est "
                           "refusé."),
    "multipart_expected": ("Send the file as multipart/form-data, in a part named \"file\".",
                           "Envoyez le fichier en multipart/form-data, dans une partie nommée « file »."),
    "file_missing": ("Choose a file.", "Choisissez un fichier."),
    "unknown_folder": ("No such folder.", "Ce dossier n'existe pas."),
    "unknown_record": ("No such contact or account.", "Ce contact ou ce compte n'existe pas."),
    "folder_name_taken": ("A folder of this name is already there.", "Un dossier de ce nom existe déjà à cet endroit."),
    "folder_cycle": ("A folder cannot go inside itself or one of its subfolders.",
                     "Un dossier ne peut pas aller dans lui-même ni dans un de ses sous-dossiers."),
    "folder_not_empty": ("This folder is not empty ({folders} folders, {documents} documents, some of which you may "
                         "not see): move or delete them first.",
                         "Ce dossier n'est pas vide ({folders} dossiers, {documents} documents, dont certains que "
                         "vous ne voyez peut-être pas) : déplacez-les ou supprimez-les d'abord."),
    "document_content_missing": ("This document's content is missing from the storage.",
                                 "Le contenu de ce document est absent du stockage."),
}
