"""Every message a user can see from the API, in French and English (N-5).

Services raise errors carrying a message key (``carnet_common.errors``) and per-field keys; the
gateway renders them here. marshmallow's own English messages are translated by ``MARSHMALLOW_FR``.
"""
import re

from carnet_gateway import catalogs

TITLES = {
    400: ("Bad request", "Requête invalide"),
    401: ("Authentication required", "Authentification requise"),
    403: ("Forbidden", "Accès refusé"),
    404: ("Not found", "Introuvable"),
    405: ("Method not allowed", "Méthode non permise"),
    409: ("Conflict", "Conflit"),
    413: ("Request too large", "Requête trop volumineuse"),
    414: ("URI too long", "URI trop longue"),
    415: ("Unsupported media type", "Type de contenu non pris en charge"),
    431: ("Request header fields too large", "En-têtes de requête trop volumineux"),
    422: ("Invalid input", "Données invalides"),
    429: ("Too many requests", "Trop de requêtes"),
    500: ("Internal error", "Erreur interne"),
    502: ("Bad gateway", "Erreur d'un service"),
    503: ("Service unavailable", "Service indisponible"),
    504: ("Gateway timeout", "Délai dépassé"),
}

MESSAGES = {
    # generic
    "invalid_input": ("Some fields are invalid.", "Certains champs sont invalides."),
    "unauthorized": ("Authentication is required.", "Une authentification est requise."),
    "forbidden": ("You are not allowed to do this.", "Vous n'avez pas la permission de faire ceci."),
    "not_found": ("This resource does not exist.", "Cette ressource n'existe pas."),
    "conflict": ("This conflicts with existing data.", "Ceci entre en conflit avec des données existantes."),
    "too_many_requests": ("Too many requests; try again later.", "Trop de requêtes; réessayez plus tard."),
    "internal_error": ("An unexpected error occurred.", "Une erreur inattendue s'est produite."),
    "service_unavailable": ("The {service} service is unavailable; try again shortly.",
                            "Le service {service} est indisponible; réessayez sous peu."),
    "rpc_timeout": ("The {service} service did not answer in time.",
                    "Le service {service} n'a pas répondu à temps."),
    "bad_gateway": ("The {service} service failed to answer.", "Le service {service} n'a pas pu répondre."),
    "query_too_slow": ("This request took too long to answer; narrow the search or the filter and try again.",
                       "Cette requête a pris trop de temps; précisez la recherche ou le filtre et réessayez."),
    # HTTP layer
    "not_authenticated": ("Send a valid token in the Authorization header (Bearer).",
                          "Envoyez un jeton valide dans l'en-tête Authorization (Bearer)."),
    "session_invalid": ("Your session has expired or was revoked; log in again.",
                        "Votre session a expiré ou a été révoquée; reconnectez-vous."),
    "route_not_found": ("No such route.", "Cette route n'existe pas."),
    "method_not_allowed": ("This method is not allowed on this route.",
                           "Cette méthode n'est pas permise sur cette route."),
    "malformed_json": ("The body is not valid JSON.", "Le corps de la requête n'est pas du JSON valide."),
    "json_object_expected": ("The body must be a JSON object.", "Le corps doit être un objet JSON."),
    "invalid_characters": ("Remove the characters that cannot be stored (NUL, unpaired surrogates).",
                           "Retirez les caractères impossibles à enregistrer (NUL, demi-codets isolés)."),
    "unsupported_media_type": ("Send the body as application/json.", "Envoyez le corps en application/json."),
    "body_too_large": ("The body is larger than {limit} bytes.", "Le corps dépasse {limit} octets."),
    # answered by the gateway's HTTP server before the request is read (carnet_gateway/worker.py)
    "request_line_too_long": ("The request line (method, path and query) is longer than {limit} bytes.",
                              "La ligne de requête (méthode, chemin et paramètres) dépasse {limit} octets."),
    "request_headers_too_large": ("A header is longer than {limit} bytes, or there are too many headers.",
                                  "Un en-tête dépasse {limit} octets, ou les en-têtes sont trop nombreux."),
    "login_throttled": ("Too many login attempts; try again in {retry_after} seconds.",
                        "Trop de tentatives de connexion; réessayez dans {retry_after} secondes."),
    "signup_disabled": ("Sign-up is turned off on this installation.",
                        "L'inscription est désactivée sur cette installation."),
    "missing_permission": ("Your role does not allow {action} on {module}.",
                           "Votre rôle ne permet pas « {action} » sur « {module} »."),
    "admin_only": ("Only administrators can do this.", "Seuls les administrateurs peuvent faire ceci."),
    "plan_feature": ("Your plan ({plan}) does not include the {feature} module: upgrade to the team plan or above "
                     "to use it.",
                     "Votre forfait ({plan}) n'inclut pas le module {feature} : passez au forfait Équipe ou "
                     "supérieur pour l'utiliser."),
    # identity
    "invalid_credentials": ("Wrong username or password.", "Nom d'utilisateur ou mot de passe incorrect."),
    "username_taken": ("This username is already taken.", "Ce nom d'utilisateur est déjà pris."),
    "username_chars": ("Use only letters, digits and . _ @ + -.",
                       "Utilisez seulement des lettres, des chiffres et . _ @ + -."),
    "password_length": ("The password must have between 12 and 256 characters.",
                        "Le mot de passe doit compter entre 12 et 256 caractères."),
    "unknown_role": ("No such role in your organization.", "Ce rôle n'existe pas dans votre organisation."),
    "unknown_user": ("No such user in your organization.",
                     "Cet utilisateur n'existe pas dans votre organisation."),
    "manager_cycle": ("This manager would put the user under themselves.",
                      "Ce responsable placerait l'utilisateur sous lui-même."),
    "plan_seats_exhausted": ("Your plan has no seat left ({seats} active users).",
                             "Votre abonnement n'a plus de place ({seats} utilisateurs actifs)."),
    "plan_too_small": ("This plan has {seats} seats but {active} users are active.",
                       "Cet abonnement compte {seats} places mais {active} utilisateurs sont actifs."),
    "last_admin": ("The organization must keep at least one active administrator.",
                   "L'organisation doit garder au moins un administrateur actif."),
    "cannot_delete_self": ("You cannot delete your own user.",
                           "Vous ne pouvez pas supprimer votre propre utilisateur."),
    "role_name_taken": ("A role with this name already exists.", "Un rôle porte déjà ce nom."),
    "role_in_use": ("This role is still held by {users} user(s).",
                    "Ce rôle est encore attribué à {users} utilisateur(s)."),
    "unknown_timezone": ("Unknown time zone.", "Fuseau horaire inconnu."),
    "field_key": ("Use module.field or module.custom.key.", "Utilisez module.champ ou module.custom.clé."),
    "too_many_entries": ("Too many entries.", "Trop d'entrées."),
    # contacts
    "unknown_list": ("No such list: {ids}.", "Cette liste n'existe pas : {ids}."),
    "unknown_account": ("No such account.", "Ce compte n'existe pas."),
    "list_owner_only": ("Only the list's creator or an administrator can change it.",
                        "Seuls le créateur de la liste ou un administrateur peuvent la modifier."),
    "private_list_stays_private": ("A private list can never be made public again.",
                                   "Une liste privée ne peut jamais redevenir publique."),
    "private_list_not_shared": ("A private list cannot be given to all users.",
                                "Une liste privée ne peut pas être donnée à tous les utilisateurs."),
    "version_conflict": ("This record changed since you read it (now version {version}); reload it and retry.",
                         "Cette fiche a changé depuis votre lecture (version {version}); rechargez-la et "
                         "réessayez."),
    "contact_name_required": ("Give a first name, a last name or an email.",
                              "Indiquez un prénom, un nom ou un courriel."),
    "language_code": ("Use a language code such as fr, en or es.",
                      "Utilisez un code de langue comme fr, en ou es."),
    "field_not_writable": ("Your role may not change the field {field}.",
                           "Votre rôle ne permet pas de modifier le champ {field}."),
    "search_prefix_not_here": ("This search prefix does not apply here.",
                               "Ce préfixe de recherche ne s'applique pas ici."),
    "search_too_many_terms": ("Use at most {max} search terms.", "Utilisez au plus {max} termes de recherche."),
    "search_phone_digits": ("A phone search needs digits.", "Une recherche par téléphone demande des chiffres."),
}

MARSHMALLOW_FR = [
    (r"^Missing data for required field\.$", "Champ obligatoire manquant."),
    (r"^Unknown field\.$", "Champ inconnu."),
    (r"^Field may not be null\.$", "Ce champ ne peut pas être nul."),
    (r"^Not a valid string\.$", "Chaîne de caractères attendue."),
    (r"^Not a valid email address\.$", "Adresse courriel invalide."),
    (r"^Not a valid boolean\.$", "Valeur booléenne (true ou false) attendue."),
    (r"^Not a valid integer\.$", "Nombre entier attendu."),
    (r"^Not a valid number\.$", "Nombre attendu."),
    (r"^Not a valid URL\.$", "URL invalide."),
    (r"^Not a valid list\.$", "Liste attendue."),
    (r"^Not a valid mapping type\.$", "Objet JSON attendu."),
    (r"^Invalid input type\.$", "Type de donnée invalide."),
    (r"^Invalid type\.$", "Type de donnée invalide."),
    (r"^Number too large\.$", "Nombre trop grand."),
    (r"^Invalid value\.$", "Valeur invalide."),
    (r"^String does not match expected pattern\.$", "Format invalide."),
    (r"^Shorter than minimum length (\d+)\.$", "Plus court que la longueur minimale de {0} caractères."),
    (r"^Longer than maximum length (\d+)\.$", "Plus long que la longueur maximale de {0} caractères."),
    (r"^Length must be between (\d+) and (\d+)\.$", "La longueur doit être entre {0} et {1}."),
    (r"^Must be one of: (.*)\.$", "Doit être l'une des valeurs : {0}."),
    (r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$",
     "Doit être entre {0} et {1}."),
    (r"^Must be greater than or equal to (\S+)\.$", "Doit être supérieur ou égal à {0}."),
    (r"^Must be less than or equal to (\S+)\.$", "Doit être inférieur ou égal à {0}."),
]
_MARSHMALLOW_FR = [(re.compile(pattern), template) for pattern, template in MARSHMALLOW_FR]
MESSAGES.update(catalogs.collect(MESSAGES))


class _Params(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def render(code, language, params=None):
    """The message for ``code`` (a key or a marshmallow text) in ``language`` ("fr" or "en")."""
    entry = MESSAGES.get(code)
    if entry is not None:
        text = entry[1] if language == "fr" else entry[0]
        return text.format_map(_Params(params or {}))
    if language == "fr":
        for pattern, template in _MARSHMALLOW_FR:
            match = pattern.match(code)
            if match:
                return template.format(*match.groups())
    return code


def title(status, language):
    english, french = TITLES.get(status, TITLES[500])
    return french if language == "fr" else english
