"""Use cases of campaigns and one-to-one e-mails (E-2, E-3, E-4, E-5). Each runs inside the caller's transaction;
SQL is built by ``campaigns/repository.py`` and the audience area's repository only.

Who sees what. A campaign belongs to its organization: every user of it with the ``emails`` read permission lists
and reads every campaign on lists of the organization (the gateway checks the permissions and the plan's ``emails``
feature, E-1); a one-to-one e-mail only its sender and the administrators (it is their correspondence with one
contact: as the content area's "template from a sent e-mail" decides). Anything else, another organization's
campaign included, is a 404, as one that does not exist. Its recipients are counted
(progress, the sent e-mails' statistics) only as the caller sees their contacts now, as the engagement area's
report shows them (``repository.seen``): a rep-limited member reads another user's campaign with the counts of
their own contacts only. What a campaign reaches is
narrower: its lists must be lists the caller may access (``actor.list_ids``, else 422 ``unknown_list``), its
counters are counted with the caller's visibility, and sending it inserts only the recipients the sender sees (the
audience area's selection with the caller's actor, S-4/S-5): a rep-limited member's campaign reaches only their
contacts, whoever reads it later.

Drafts. Only a draft changes or is deleted (409 ``campaign_not_draft`` otherwise); a change names the version read
(409 ``version_conflict`` when stale). A ``template_id`` copies the template's subject, HTML and text into the draft
(fields given in the same body win); the template itself is never changed. HTML is sanitised when saved (E-8). The
``from_email`` must be an address of a usable (verified and approved) sending domain of the organization (E-5), when
saved and again when sent.

Sending (``send_campaign``), in one transaction: the draft's checks (status, version, lists, merge fields, sender),
the counters (E-4) kept as the campaign's snapshot, then one ``INSERT … SELECT`` of the selected recipients (one per
address, duplicates sent once), the status ``sending`` and the ``campaign_started`` event. The sender (the sending
area) picks up the recipients of campaigns in status ``sending`` only; pausing or cancelling takes effect before its
next message. A second send is a 409 ``campaign_already_sent``.

One-to-one e-mails (``send_single``, E-3): to a contact the caller sees (confirmed at the source on a read-model
miss) that has an e-mail, from the caller's own address and name (the gateway's principal, never the body): a
campaign of kind ``single``, its name the subject, one recipient, status ``sending`` at once.
"""
import uuid
from datetime import datetime, timezone

from carnet_campaigns.campaigns import events, repository
from carnet_common.errors import Conflict, InvalidInput, NotFound

EDITABLE = ("name", "list_ids", "template_id", "subject", "html", "text", "from_name", "from_email", "reply_to",
            "require_express")
TRANSITIONS = {"pause": ({"sending"}, "paused"), "resume": ({"paused"}, "sending"),
               "cancel": ({"sending", "paused"}, "cancelled")}
FINAL = repository.FINAL
STATES = ("queued", "sending", "sent", "retry", "failed", "suppressed", "cancelled")


def now():
    return datetime.now(timezone.utc)


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def new_id():
    return uuid.uuid4().hex


def read(row):
    return {"id": row["id"], "kind": row["kind"], "name": row["name"], "status": row["status"],
            "list_ids": list(row["list_ids"] or []), "contact_id": row["contact_id"],
            "template_id": row["template_id"], "subject": row["subject"], "html": row["html"], "text": row["text"],
            "from_name": row["from_name"], "from_email": row["from_email"], "reply_to": row["reply_to"],
            "require_express": row["require_express"], "counters": row["counters"], "created_by": row["created_by"],
            "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"]),
            "started_at": _iso(row["started_at"]), "finished_at": _iso(row["finished_at"]),
            "version": row["version"]}


# Collaborators of other areas (imported when used: each area's module may land after this one) --------------------

class Areas:
    """What this area asks of the other areas, in one place (a unit test passes fakes with the same methods)."""

    def sanitize(self, html):
        from carnet_campaigns.content import render
        return render.sanitize(html)

    def check_merge(self, *, subject, html, text):
        from carnet_campaigns.content import render
        return render.check(subject=subject, html=html, text=text)

    def check_sender(self, session, *, org_id, email, field="from_email"):
        from carnet_campaigns.domains import usecases as domains
        domains.check_sender(session, org_id=org_id, email=email, field=field)

    def sender_domain(self, email):
        """The normalized (IDNA) domain of a sender's address: its Message-IDs are of that domain."""
        from carnet_campaigns.domains import usecases as domains
        return domains.sender_domain(email)

    def counters(self, session, *, actor, list_ids, require_express, at):
        from carnet_campaigns.audience import repository as audience
        return audience.counters(session, actor=actor, list_ids=list_ids, require_express=require_express, now=at)

    def selection(self, *, actor, list_ids, require_express, at):
        from carnet_campaigns.audience import repository as audience
        return audience.audience_select(actor=actor, list_ids=list_ids, require_express=require_express, now=at)

    def confirm_contact(self, session, *, contacts, actor, contact_id):
        from carnet_campaigns.audience import usecases as audience
        return audience.confirm_contact(session, contacts=contacts, actor=actor, contact_id=contact_id)

    def template(self, session, *, actor, template_id):
        """``{subject, html, text}`` of a template the caller's organization may use (a built-in one in the caller's
        language), or 422 ``unknown_template`` on ``template_id``."""
        from carnet_campaigns.content import usecases as content
        try:
            return content.template_content(session, actor=actor, template_id=template_id)
        except NotFound:
            raise InvalidInput(errors={"template_id": ["unknown_template"]}) from None


AREAS = Areas()


# Reads -----------------------------------------------------------------------------------------------------------

def _found(session, actor, campaign_id, *, for_update=False):
    row = repository.get(session, actor=actor, campaign_id=campaign_id, for_update=for_update)
    if row is None:
        raise NotFound()
    return row


def get_campaign(session, *, actor, campaign_id):
    return read(_found(session, actor, campaign_id))


def list_campaigns(session, *, actor, query):
    rows, total = repository.page(session, actor=actor, kind=query.get("kind", "campaign"),
                                  status=query.get("status"), page=query["page"], per_page=query["per_page"])
    return {"items": [read(row) for row in rows], "total": total, "page": query["page"],
            "per_page": query["per_page"]}


def list_sent(session, *, actor, query):
    rows, total = repository.sent_page(session, actor=actor, kind=query.get("kind"),
                                       page=query["page"], per_page=query["per_page"])
    items = [{"id": row["id"], "kind": row["kind"], "name": row["name"], "subject": row["subject"],
              "status": row["status"], "contact_id": row["contact_id"], "from_email": row["from_email"],
              "created_by": row["created_by"], "started_at": _iso(row["started_at"]),
              "finished_at": _iso(row["finished_at"]), "recipients": row["recipients"], "sent": row["sent"],
              "opened": row["opened"], "clicked": row["clicked"]} for row in rows]
    return {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}


def progress(session, *, actor, campaign_id):
    row = _found(session, actor, campaign_id)
    counts = repository.states(session, campaign_id, actor=actor)
    states = {state: counts.get(state, 0) for state in STATES}
    return {"id": row["id"], "status": row["status"], "total": sum(states.values()),
            "done": sum(states[state] for state in FINAL), "states": states,
            "started_at": _iso(row["started_at"]), "finished_at": _iso(row["finished_at"]),
            "version": row["version"]}


def counters(session, *, actor, campaign_id, areas=AREAS):
    """The E-4 counters of a campaign's lists, as the caller sees their contacts (its lists checked again: a list
    the caller no longer accesses is a 422)."""
    row = _found(session, actor, campaign_id)
    list_ids = _lists(actor, row["list_ids"])
    return areas.counters(session, actor=actor, list_ids=list_ids, require_express=row["require_express"],
                          at=now())


# Drafts ----------------------------------------------------------------------------------------------------------

def _lists(actor, list_ids):
    """Every id is a list the caller may access (422 ``unknown_list`` naming them, as the lists areas answer)."""
    accessible = set(actor.get("list_ids") or ())
    outside = [item for item in dict.fromkeys(list_ids) if item not in accessible]
    if outside:
        raise InvalidInput(errors={"list_ids": ["unknown_list"]}, params={"ids": ", ".join(outside)})
    return list(dict.fromkeys(list_ids))


def _prepared(session, actor, data, areas):
    """The body's values as stored: lists checked, the template's content copied in, HTML sanitised, the sender's
    domain checked."""
    values = {key: data[key] for key in EDITABLE if key in data}
    if "list_ids" in values:
        values["list_ids"] = _lists(actor, values["list_ids"])
    if values.get("template_id"):
        content = areas.template(session, actor=actor, template_id=values["template_id"])
        values = {**content, **values}
    if "html" in values:
        values["html"] = areas.sanitize(values["html"] or "")
    for key in ("subject", "text", "from_name"):
        if key in values and values[key] is None:
            values[key] = ""
    if "from_email" in values:
        if values["from_email"]:
            areas.check_sender(session, org_id=actor["org_id"], email=values["from_email"])
        else:
            values["from_email"] = ""
    return values


def create_campaign(session, *, actor, data, areas=AREAS):
    values = _prepared(session, actor, data, areas)
    campaign_id = new_id()
    repository.insert(session, {**values, "id": campaign_id, "org_id": actor["org_id"], "kind": "campaign",
                                "status": "draft", "created_by": actor["user_id"], "version": 1})
    return get_campaign(session, actor=actor, campaign_id=campaign_id)


def _draft(session, actor, campaign_id, version=None):
    row = _found(session, actor, campaign_id, for_update=True)
    if row["status"] != "draft":
        raise Conflict("campaign_not_draft", params={"status": row["status"]})
    _fresh(row, version)
    return row


def _fresh(row, version):
    if version is not None and version != row["version"]:
        raise Conflict("version_conflict", errors={"version": ["version_conflict"]},
                       params={"version": row["version"]})


def update_campaign(session, *, actor, campaign_id, data, areas=AREAS):
    row = _draft(session, actor, campaign_id, data["version"])
    values = _prepared(session, actor, data, areas)
    repository.update(session, campaign_id, {**values, "version": row["version"] + 1})
    return get_campaign(session, actor=actor, campaign_id=campaign_id)


def delete_campaign(session, *, actor, campaign_id):
    _draft(session, actor, campaign_id)
    repository.delete(session, campaign_id)


def copy_campaign(session, *, actor, campaign_id, areas=AREAS):
    """A new draft with the content, sender and lists of a campaign or one-to-one e-mail (E-2); lists the caller
    no longer accesses are left out, as is the copied campaign's contact."""
    row = _found(session, actor, campaign_id)
    accessible = set(actor.get("list_ids") or ())
    copy_id = new_id()
    repository.insert(session, {
        "id": copy_id, "org_id": actor["org_id"], "kind": "campaign", "status": "draft",
        "name": row["name"][:200], "list_ids": [item for item in row["list_ids"] or [] if item in accessible],
        "template_id": row["template_id"], "subject": row["subject"], "html": areas.sanitize(row["html"]),
        "text": row["text"], "from_name": row["from_name"] if row["kind"] == "campaign" else "",
        "from_email": row["from_email"] if row["kind"] == "campaign" else "", "reply_to": row["reply_to"],
        "require_express": row["require_express"], "created_by": actor["user_id"], "version": 1})
    return get_campaign(session, actor=actor, campaign_id=copy_id)


# Sending ---------------------------------------------------------------------------------------------------------

def _not_ready(errors):
    """The draft, not the send's request, is what stops it: a 409 ``campaign_not_ready`` naming the draft's fields
    (the request was valid; the draft must change first)."""
    return Conflict("campaign_not_ready", errors=errors)


def send_campaign(session, *, outbox, actor, campaign_id, version, areas=AREAS):
    row = _found(session, actor, campaign_id, for_update=True)
    if row["kind"] != "campaign" or row["status"] != "draft":
        raise Conflict("campaign_already_sent", params={"status": row["status"]})
    _fresh(row, version)
    if not row["list_ids"]:
        raise _not_ready({"list_ids": ["campaign_no_list"]})
    list_ids = _lists(actor, row["list_ids"])
    problems = areas.check_merge(subject=row["subject"], html=row["html"], text=row["text"])
    if not row["subject"].strip():
        problems.setdefault("subject", []).append("campaign_no_subject")
    if not (row["html"].strip() or row["text"].strip()):
        problems.setdefault("html", []).append("campaign_no_body")
    if not row["from_email"]:
        problems.setdefault("from_email", []).append("campaign_no_sender")
    if problems:
        raise _not_ready(problems)
    try:
        areas.check_sender(session, org_id=actor["org_id"], email=row["from_email"])
    except InvalidInput as exc:  # the domain stopped being usable since the draft was written
        raise _not_ready(exc.errors) from None
    at = now()
    counted = areas.counters(session, actor=actor, list_ids=list_ids, require_express=row["require_express"], at=at)
    if not counted.get("selected"):
        raise _not_ready({"list_ids": ["campaign_empty"]})
    selection = areas.selection(actor=actor, list_ids=list_ids, require_express=row["require_express"], at=at)
    inserted = repository.insert_recipients(session, org_id=actor["org_id"], campaign_id=campaign_id,
                                            selection=selection, domain=areas.sender_domain(row["from_email"]))
    if not inserted:
        raise _not_ready({"list_ids": ["campaign_empty"]})
    repository.update(session, campaign_id, {"status": "sending", "started_at": at, "counters": dict(counted),
                                             "version": row["version"] + 1})
    outbox.add(session, events.CAMPAIGN_STARTED, events.campaign_started(
        org_id=actor["org_id"], campaign_id=campaign_id, kind="campaign", recipients=inserted,
        user_id=actor["user_id"]))
    return progress(session, actor=actor, campaign_id=campaign_id)


def transition(session, *, outbox, actor, campaign_id, action, version=None):
    """Pause (sending → paused), resume (paused → sending) or cancel (sending or paused → cancelled: the recipients
    not sent yet are cancelled); anything else is a 409 ``campaign_not_<status>``."""
    allowed, target = TRANSITIONS[action]
    row = _found(session, actor, campaign_id, for_update=True)
    if row["status"] not in allowed:
        raise Conflict(f"campaign_cannot_{action}", params={"status": row["status"]})
    _fresh(row, version)
    values = {"status": target, "version": row["version"] + 1}
    if action == "cancel":
        repository.cancel_pending(session, campaign_id)
        values["finished_at"] = now()
    repository.update(session, campaign_id, values)
    outbox.add(session, events.STATUS_EVENTS[action], events.campaign_status(
        org_id=actor["org_id"], campaign_id=campaign_id, status=target, user_id=actor["user_id"]))
    return progress(session, actor=actor, campaign_id=campaign_id)


def send_single(session, *, outbox, contacts, actor, contact_id, sender, data, areas=AREAS):
    """A one-to-one e-mail to a visible contact with an e-mail (E-3), from the caller's own address and name."""
    contact = areas.confirm_contact(session, contacts=contacts, actor=actor, contact_id=contact_id)
    email = (contact.get("email") or "").strip()
    if not email:
        raise Conflict("contact_no_email", errors={"contact_id": ["contact_no_email"]})
    if not (sender.get("email") or "").strip():
        raise Conflict("sender_no_email")
    values = {key: data[key] for key in ("subject", "html", "text") if data.get(key) is not None}
    template_id = data.get("template_id")
    if template_id:
        values = {**areas.template(session, actor=actor, template_id=template_id), **values}
    values = {part: values.get(part) or "" for part in ("subject", "html", "text")}
    values["html"] = areas.sanitize(values["html"])
    problems = areas.check_merge(**values)
    if not values["subject"].strip():
        problems.setdefault("subject", []).append("campaign_no_subject")
    if not (values["html"].strip() or values["text"].strip()):
        problems.setdefault("html", []).append("campaign_no_body")
    if problems:
        raise InvalidInput(errors=problems)
    at = now()
    campaign_id, recipient_id = new_id(), new_id()
    from_email = sender["email"].strip()
    repository.insert(session, {
        "id": campaign_id, "org_id": actor["org_id"], "kind": "single", "status": "sending",
        "name": values["subject"][:200], "contact_id": contact_id, "template_id": template_id, **values,
        "from_name": (sender.get("name") or "").replace("\r", " ").replace("\n", " ").strip(),
        "from_email": from_email, "created_by": actor["user_id"], "started_at": at, "version": 1})
    first, last = contact.get("first_name") or "", contact.get("last_name") or ""
    language = "fr" if (contact.get("language") or "").lower().startswith("f") else "en"
    repository.insert_recipient(session, {
        "id": recipient_id, "org_id": actor["org_id"], "campaign_id": campaign_id, "contact_id": contact_id,
        "email": email, "email_key": email.lower(), "language": language,
        "merge": {"first_name": first, "last_name": last, "full_name": f"{first} {last}".strip(), "email": email},
        "state": "queued", "message_id": f"<{recipient_id}@{areas.sender_domain(from_email)}>"})
    outbox.add(session, events.CAMPAIGN_STARTED, events.campaign_started(
        org_id=actor["org_id"], campaign_id=campaign_id, kind="single", recipients=1, user_id=actor["user_id"],
        contact_id=contact_id))
    return get_campaign(session, actor=actor, campaign_id=campaign_id)
