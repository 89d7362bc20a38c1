"""Custom fields of contacts and accounts (C-14): their administration. The typed validation of the values
records carry in ``custom`` is shared with the opportunities service (``carnet_custom_fields.values``), which
owns the definitions of opportunity fields: this service serves contacts and accounts only.
"""
from carnet_contacts import repository
from carnet_custom_fields.admin import CustomFieldAdmin

MODULES = ("contacts", "accounts")
RECORD_MODULES = {"contact": "contacts", "account": "accounts"}
# C-14, A-7: with Acomba the accounts module keeps 5 fields for accounting; enforced by the accounting issue.
MAX_ACCOUNTS_WITH_ACOMBA = 65


# Administration (S-9: administrators only): the rules shared with opportunities over this service's tables.
ADMIN = CustomFieldAdmin(modules=MODULES, rows=repository.custom_field_rows, lock=repository.lock_custom_fields,
                         insert=repository.insert_custom_field, update=repository.update_custom_field,
                         delete=repository.delete_custom_field, now=repository.now)
