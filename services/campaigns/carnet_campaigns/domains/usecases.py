"""Use cases of sending domains (E-5, E-6). Each function runs inside the caller's transaction; SQL is built by
``repository.py`` only.

An organization's administrator adds a domain (``add_domain``): it is normalized (IDNA ASCII, lower case), refused
when it is a free-mail provider, looks like one or like another organization's domain (``lookalike.py``: 422 on
``domain``, naming what it resembles), or is another organization's already (409 ``domain_taken``; the same
organization's twice: 409 ``domain_exists``). A DKIM key pair is made for it (``keys.py``: the private key
encrypted at rest). The answer carries the three records to publish (``dns_check.records``).

The check (``check_domain``) resolves the three records through the configured resolver and keeps each result;
``verified_at`` is set when all three are ok and cleared when a later check finds one no longer is. An administrator
of the installation (not of the organization) approves or refuses the domain through the operator CLI
(``carnet_campaigns.operator``: RPCs without actor, never exposed by the gateway). A domain is usable for sending
when it is verified AND approved: ``check_sender``, ``signing_key`` and ``usable_domains`` are what the other areas
ask. Anyone else's domain (another organization's) is a 404. No event is published (``events.py`` has the payload
for when a consumer needs one: an event nobody subscribes to is counted unroutable by the outbox).

Who: reading the organization's domains needs the ``emails`` read permission (the builder's select of senders);
adding, checking and deleting are the organization's administrators' (the gateway's ``auth=ADMIN``; checked here
too)."""
import re
import uuid

from carnet_campaigns.domains import dns_check, keys, lookalike, repository
from carnet_common.config import env_int
from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound

SELECTOR = "carnet1"
MAX_DOMAINS_DEFAULT = 20  # per organization (CAMPAIGNS_MAX_DOMAINS): each add makes an RSA key
LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


def _iso(value):
    return value.isoformat() if value is not None else None


def dump(row, *, with_records=True):
    """A domain as the API shows it (never its private key)."""
    verified = row["verified_at"] is not None
    shown = {
        "id": row["id"], "domain": row["domain"],
        "display_domain": ".".join(lookalike.unicode_label(label) for label in row["domain"].split(".")),
        "selector": row["selector"], "checks": row["checks"], "checked_at": _iso(row["checked_at"]),
        "verified": verified, "verified_at": _iso(row["verified_at"]), "approval": row["approval"],
        "approved_at": _iso(row["approved_at"]), "refusal_reason": row["refusal_reason"],
        "usable": verified and row["approval"] == "approved", "created_at": _iso(row["created_at"]),
    }
    if with_records:
        shown["records"] = dns_check.records(domain=row["domain"], selector=row["selector"],
                                             public_key=row["public_key"])
    return shown


def _require_admin(actor):
    if not actor.get("is_admin"):
        raise Forbidden("admin_only")


def _normalized(text, field="domain"):
    try:
        return lookalike.normalize(text)
    except lookalike.BadDomain as exc:
        raise InvalidInput(errors={field: [exc.args[0]]}) from None


def _owned(session, actor, domain_id, *, for_update=False):
    row = repository.owned(session, org_id=actor["org_id"], domain_id=domain_id, for_update=for_update)
    if row is None:
        raise NotFound("sending_domain_not_found")
    return row


def list_domains(session, *, actor):
    return [dump(row, with_records=actor.get("is_admin", False)) for row in repository.of_org(session,
                                                                                             actor["org_id"])]


def get_domain(session, *, actor, domain_id):
    _require_admin(actor)
    return dump(_owned(session, actor, domain_id))


def add_domain(session, *, actor, data):
    _require_admin(actor)
    domain = _normalized(data.get("domain"))
    existing = repository.by_domain(session, domain)
    if existing is not None:
        raise Conflict("domain_exists" if existing["org_id"] == actor["org_id"] else "domain_taken",
                       errors={"domain": ["domain_exists" if existing["org_id"] == actor["org_id"]
                                          else "domain_taken"]})
    limit = env_int("CAMPAIGNS_MAX_DOMAINS", MAX_DOMAINS_DEFAULT)
    if repository.count_of_org(session, actor["org_id"]) >= limit:
        raise Conflict("domain_limit", params={"limit": limit})
    refusal = lookalike.verdict(domain, repository.other_orgs_domains(session, actor["org_id"]))
    if refusal is not None:
        code, resembled = refusal
        raise InvalidInput(code, errors={"domain": [code]}, params={"resembles": resembled, "domain": domain})
    private_key, public_key = keys.new_pair()
    values = {"id": str(uuid.uuid4()), "org_id": actor["org_id"], "domain": domain, "selector": SELECTOR,
              "private_key": private_key, "public_key": public_key, "created_by": actor["user_id"],
              "created_at": repository.now()}
    repository.insert(session, values)
    row = repository.by_domain(session, domain)
    return dump(row)


def check_domain(session, *, actor, domain_id, res=None):
    """Resolve the three records now and keep the results (``res``: a dnspython resolver, the configured one when
    None). The DNS queries run inside the transaction holding the row: two checks of one domain run one after the
    other."""
    _require_admin(actor)
    row = _owned(session, actor, domain_id, for_update=True)
    results = dns_check.check(domain=row["domain"], selector=row["selector"], public_key=row["public_key"], res=res)
    checked_at = repository.now()
    verified_at = (row["verified_at"] or checked_at) if dns_check.verified(results) else None
    repository.update(session, row["id"], {"checks": results, "checked_at": checked_at, "verified_at": verified_at})
    row = repository.owned(session, org_id=actor["org_id"], domain_id=domain_id)
    return dump(row)


def delete_domain(session, *, actor, domain_id):
    _require_admin(actor)
    row = _owned(session, actor, domain_id, for_update=True)
    repository.delete(session, row["id"])


# The installation's administrator (operator CLI; no actor, never exposed by the gateway).
def list_pending_domains(session):
    return [{**dump(row, with_records=False), "org_id": row["org_id"]} for row in repository.pending(session)]


def _decide(session, domain, values):
    name = _normalized(domain)
    row = repository.by_domain(session, name, for_update=True)
    if row is None:
        raise NotFound("sending_domain_not_found")
    repository.update(session, row["id"], values)
    row = repository.by_domain(session, name)
    return {**dump(row, with_records=False), "org_id": row["org_id"]}


def approve_domain(session, *, domain, by="operator"):
    return _decide(session, domain, {"approval": "approved", "approved_at": repository.now(), "approved_by": by,
                                     "refusal_reason": None})


def refuse_domain(session, *, domain, reason, by="operator"):
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise InvalidInput(errors={"reason": ["refusal_reason_required"]})
    return _decide(session, domain, {"approval": "refused", "approved_at": repository.now(), "approved_by": by,
                                     "refusal_reason": reason})


# What the other areas ask (exact names: campaigns, sending, content use them).
def sender_domain(email, field="from_email"):
    """The normalized domain of a sender address, or ``InvalidInput(invalid_email)``: CR/LF or any control
    character (header injection), no ``@``, a malformed local part or domain."""
    if not isinstance(email, str) or not email or len(email) > 254 or any(ord(c) < 32 or ord(c) == 127
                                                                          for c in email):
        raise InvalidInput(errors={field: ["invalid_email"]})
    local, at, domain = email.rpartition("@")
    if not at or not local or len(local) > 64 or not LOCAL_PART.fullmatch(local):
        raise InvalidInput(errors={field: ["invalid_email"]})
    try:
        return lookalike.normalize(domain)
    except lookalike.BadDomain:
        raise InvalidInput(errors={field: ["invalid_email"]}) from None


def check_sender(session, *, org_id, email, field="from_email"):
    """Raises ``InvalidInput({field: ["sender_domain_unverified"]})`` unless the address's domain is a usable
    sending domain of the organization (verified and approved); ``invalid_email`` for a malformed address."""
    domain = sender_domain(email, field)
    if not repository.usable(session, org_id=org_id, domain=domain):
        raise InvalidInput(errors={field: ["sender_domain_unverified"]}, params={"domain": domain})
    return domain


def signing_key(session, *, org_id, domain):
    """``(selector, private key PEM bytes)`` of a usable domain of the organization, else None (also when the key
    does not decrypt with the secret of now)."""
    try:
        name = lookalike.normalize(domain)
    except lookalike.BadDomain:
        return None
    rows = repository.usable(session, org_id=org_id, domain=name)
    if not rows:
        return None
    try:
        return rows[0]["selector"], keys.decrypt(rows[0]["private_key"])
    except keys.KeyUnreadable:
        return None


def usable_domains(session, *, org_id):
    """The organization's usable sending domains (ASCII), sorted: the builder's select of senders."""
    return [row["domain"] for row in repository.usable(session, org_id=org_id)]
