"""Enrichment of a contact (C-6, docs/rules/contacts.md), served by the contacts service's enrichment area.

The gateway tells the service what the caller's role allows (S-3): the contact fields it may read (nothing else is
proposed, and a caller who may not read the email cannot have it looked up) and whether it holds the "primary
contact" permission (C-13: read to propose, write to apply). Applying checks the chosen fields' write permission
here, as ``PATCH /contacts/{id}`` does, and the service writes them through the contact's update path (version,
history, event), adding a history entry ``enrichment`` naming the source page (C-17).
"""
from carnet_contracts import permissions
from carnet_contracts.enrichment import CUSTOM_KEYS, ENRICHABLE
from carnet_gateway import actors, messages, problems, services
from carnet_gateway.api import READ_ERRORS, WRITE_ERRORS, api
from carnet_gateway.records import check_writable, readable
from carnet_gateway.schemas import contacts as contact_schemas
from carnet_gateway.schemas import enrichment as s

TAGS = ("contacts",)
PATH = "/contacts/{contact_id}/enrichment"


def _authority(principal, action):
    """What the service needs of the caller's role: the readable contact fields enrichment deals with, and the
    primary contact permission for ``action`` (read or write)."""
    names = ["email", *ENRICHABLE, *(f"custom.{key}" for key in CUSTOM_KEYS)]
    special = ((principal.get("permissions") or {}).get("special") or {}).get("primary_contact") or {}
    return {"readable": [name for name in names if permissions.may_field(principal, "contacts", name, "read")],
            "primary_allowed": bool(special.get(action))}


@api.route(PATH, "POST", response=s.EnrichmentProposals, tags=TAGS, permission=("contacts", "read"),
           errors=READ_ERRORS + (409,),
           summary="Look up public data about a contact from its email's domain and propose the fields that differ "
                   "(C-6); nothing is written. 409 (the stored email refuses it) `enrichment_refused` when the "
                   "domain points to a private or internal address, `enrichment_needs_email` without an email; 403 "
                   "for a primary contact (C-13) "
                   "without the primary contact read permission, or when the role may not read the email")
def propose_contact_enrichment(call):
    found = services.contacts.call("propose_contact_enrichment", call.actor(actors.CONTACTS),
                                   call.path["contact_id"], _authority(call.principal, "read"))
    proposals = [{**p, "writable": permissions.may_field(call.principal, "contacts", p["field"], "write")}
                 for p in found["proposals"]
                 if permissions.may_field(call.principal, "contacts", p["field"], "read")]
    return {**found, "proposals": proposals,
            "message": messages.render(f"enrichment_{found['outcome']}", problems.language())}


@api.route(f"{PATH}/apply", "POST", body=s.EnrichmentApply, response=contact_schemas.ContactRead, tags=TAGS,
           permission=("contacts", "write"), errors=WRITE_ERRORS,
           summary="Apply the chosen enrichment fields to a contact through its update (C-6): the write permission "
                   "of each field (S-3, 403 naming it), the version read (409), the primary contact write "
                   "permission (C-13); the history records each change and the source (C-17)")
def apply_contact_enrichment(call):
    check_writable(call.principal, "contacts", call.body["fields"])
    updated = services.contacts.call("apply_contact_enrichment", call.actor(actors.CONTACTS), call.path["contact_id"],
                                     call.body, _authority(call.principal, "write"))
    return readable(call.principal, "contacts", updated)
