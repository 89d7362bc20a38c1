"""The sheet of an export of contacts or accounts (C-18), without I/O: its columns, headers and cell values. The
file is written by ``carnet_common.xlsx`` (the formula guard, typed cells, streaming), shared with opportunities.

Timestamps (``created_at``, ``updated_at``) are the organization's wall-clock time (N-6; Excel has no time zones):
the rows are read so (``exports.repository.stream_rows``) and the headers name the zone, "Created (America/Toronto)".
"""
from dataclasses import dataclass

from carnet_common import xlsx
from carnet_custom_fields import values as custom_values

DEFAULT_TIMEZONE = "America/Toronto"   # N-6: an organization's zone unless it set one


@dataclass(frozen=True)
class Column:
    key: str            # the column of the row read: a field, ``custom.<key>``, ``rep1_name``, ``account_<field>``
    permission: str     # the field whose read permission (S-3) the column needs; "" for always shown
    en: str
    fr: str
    custom_type: str = ""
    kind: str = xlsx.TEXT

    def label(self, language, zone=None):
        """The header in ``language``; a timestamp's names the time zone its values are in (N-6)."""
        text = self.fr if language == "fr" else self.en
        return f"{text} ({zone or DEFAULT_TIMEZONE})" if self.kind == xlsx.DATETIME else text


def _c(key, en, fr, permission=None, kind=xlsx.TEXT):
    return Column(key, key if permission is None else permission, en, fr, kind=kind)


CONTACT_COLUMNS = (
    _c("id", "ID", "ID", ""),
    _c("first_name", "First name", "Prénom"),
    _c("last_name", "Last name", "Nom"),
    _c("title", "Title", "Titre"),
    _c("email", "Email", "Courriel"),
    _c("language", "Language", "Langue"),
    _c("phone", "Phone", "Téléphone"),
    _c("mobile", "Mobile", "Cellulaire"),
    _c("fax", "Fax", "Télécopieur"),
    _c("other_phone", "Other phone", "Autre téléphone"),
    _c("street", "Street", "Adresse"),
    _c("city", "City", "Ville"),
    _c("province", "Province", "Province"),
    _c("postal_code", "Postal code", "Code postal"),
    _c("country", "Country", "Pays"),
    _c("website", "Website", "Site web"),
    _c("rep1_name", "Rep 1", "Représentant 1", "rep1_id"),
    _c("rep2_name", "Rep 2", "Représentant 2", "rep2_id"),
    _c("subscribed", "Subscribed", "Abonné", kind=xlsx.BOOLEAN),
    _c("status", "Status", "Statut"),
    _c("is_primary", "Primary contact", "Contact primaire", kind=xlsx.BOOLEAN),
    _c("created_at", "Created", "Créé", "", kind=xlsx.DATETIME),
    _c("updated_at", "Updated", "Modifié", "", kind=xlsx.DATETIME),
)

ACCOUNT_COLUMNS = (
    _c("id", "ID", "ID", ""),
    _c("name", "Name", "Nom"),
    _c("email", "Email", "Courriel"),
    _c("phone", "Phone", "Téléphone"),
    _c("fax", "Fax", "Télécopieur"),
    _c("website", "Website", "Site web"),
    _c("street", "Street", "Adresse"),
    _c("city", "City", "Ville"),
    _c("province", "Province", "Province"),
    _c("postal_code", "Postal code", "Code postal"),
    _c("country", "Country", "Pays"),
    _c("rep1_name", "Rep 1", "Représentant 1", "rep1_id"),
    _c("rep2_name", "Rep 2", "Représentant 2", "rep2_id"),
    _c("status", "Status", "Statut"),
    _c("created_at", "Created", "Créé", "", kind=xlsx.DATETIME),
    _c("updated_at", "Updated", "Modifié", "", kind=xlsx.DATETIME),
)

# The account's columns beside each contact (C-18); the account ID always, the rest by account field rights.
ACCOUNT_OF_CONTACT = ("id", "name", "email", "phone", "fax", "website", "street", "city", "province",
                      "postal_code", "country")
ACCOUNT_PART = tuple(
    Column("account_" + col.key, col.permission, "Account " + col.en[0].lower() + col.en[1:] if col.key != "id"
           else "Account ID", "Compte : " + col.fr if col.key != "id" else "ID du compte")
    for col in ACCOUNT_COLUMNS if col.key in ACCOUNT_OF_CONTACT)


def columns_for(record_type, *, fields, account_fields=(), custom_definitions=()):
    """The export's columns: ID, the readable standard fields, the custom fields given (already without
    hidden and unreadable ones), then for contacts the readable columns of their account."""
    fields, account_fields = set(fields), set(account_fields)
    base = CONTACT_COLUMNS if record_type == "contact" else ACCOUNT_COLUMNS
    columns = [col for col in base if not col.permission or col.permission in fields]
    columns += [Column("custom." + d["key"], "custom." + d["key"], d["label_en"], d["label_fr"], d["type"],
                       xlsx.custom_field_kind(d["type"])) for d in custom_definitions]
    if record_type == "contact":
        columns += [col for col in ACCOUNT_PART if not col.permission or col.permission in account_fields]
    return columns


def sheet_columns(columns, language, zone=None):
    """The columns of the sheet: each export column's header in ``language`` (a timestamp's naming ``zone``, the
    organization's time zone) and its kind."""
    return [xlsx.Column(col.label(language, zone), col.kind) for col in columns]


def cells(columns, batches):
    """The cells of ``batches`` of rows (sequences as read, one value per column, a custom field's value as
    stored): custom values typed by their field's type (C-14), the others as they are."""
    custom = [(i, col.custom_type) for i, col in enumerate(columns) if col.custom_type]
    if not custom:
        return batches
    return ([_typed(row, custom) for row in batch] for batch in batches)


def _typed(row, custom):
    row = list(row)
    for i, custom_type in custom:
        row[i] = custom_values.spreadsheet_value(custom_type, row[i])
    return row
