"""What identity's principal of a user (``get_principal``: role permissions, S-4 flags, S-5 subordinates) grants, and
what of an earlier grant it no longer does (issue 10 §1, "stale authority"): a background job runs after its request,
with the authority verified then; before it runs, its service asks identity for its owner's principal of now and
compares, grant by grant, with these functions. Each returns the names of what was lost ([] when nothing was).

The rules are those the gateway authorizes requests with (``carnet_contracts.permissions``, S-3): a module action is
granted by the role (an administrator's principal grants every one); a field is readable when its module is and its
entry, if it has one, allows reading (and those of the fields its value is tied to). ``all_contacts`` and
``hierarchy_contacts`` widen what is seen (S-4), the users below (S-5) too, being an administrator most of all;
``own_records_only`` narrows it.
"""
from carnet_contracts.permissions import may, may_read

WIDENING_FLAGS = ("all_contacts", "hierarchy_contacts")
NARROWING_FLAGS = ("own_records_only",)
# The modules whose fields a contacts search's criteria and sorts read (the gateway's ``records.CRITERIA_MODULES``):
# the gateway names each one the caller may not read among the request's ``unreadable`` keys.
CRITERIA_MODULES = ("contacts", "accounts", "opportunities", "tasks")


def _unreadable_entries(principal, prefix=""):
    """The permission keys with an entry that denies reading, those starting with ``prefix``."""
    fields = (principal.get("permissions") or {}).get("fields") or {}
    return [key for key, entry in fields.items() if key.startswith(prefix) and not (entry or {}).get("read")]


def visibility_lost(principal, actor):
    """What of the visibility ``actor`` (a request's: ``is_admin``, ``flags``, ``subordinate_ids``) had the principal
    no longer gives: administration, a widening flag, a user below; a narrowing flag now set."""
    then, now = actor.get("flags") or {}, principal.get("flags") or {}
    lost = ["is_admin"] if actor.get("is_admin") and not principal.get("is_admin") else []
    lost += [f"flags.{flag}" for flag in WIDENING_FLAGS if then.get(flag) and not now.get(flag)]
    lost += [f"flags.{flag}" for flag in NARROWING_FLAGS if now.get(flag) and not then.get(flag)]
    below = set(principal.get("subordinate_ids") or ())
    lost += [f"subordinate_ids.{user_id}" for user_id in actor.get("subordinate_ids") or () if user_id not in below]
    return lost


def actions_lost(principal, needs):
    """The ``(module, action)`` pairs of ``needs`` the principal no longer grants, as ``module.action``."""
    return [f"{module}.{action}" for module, action in needs if not may(principal, module, action)]


def fields_lost(principal, module, names):
    """The fields of ``module`` among ``names`` (readable when granted) the principal no longer lets its user read."""
    return [f"{module}.{name}" for name in names if not may_read(principal, module, name)]


def custom_lost(principal, module, denied):
    """The custom fields of ``module`` the principal now denies reading that were not among ``denied`` then."""
    prefix = f"{module}.custom."
    return [key for key in _unreadable_entries(principal, prefix) if key[len(prefix):] not in set(denied)]


def unreadable_lost(principal, unreadable):
    """The permission keys (``contacts.title``, ``accounts.custom.size``, a criteria module) the principal now
    denies reading that ``unreadable`` (the request's: what its criteria and sorts could not use) did not list."""
    listed = set(unreadable)
    lost = [key for key in _unreadable_entries(principal)
            if key not in listed and key.split(".", 1)[0] not in listed]
    return lost + [module for module in CRITERIA_MODULES
                   if not may(principal, module, "read") and module not in listed]
