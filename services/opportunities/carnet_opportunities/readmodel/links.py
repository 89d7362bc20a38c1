"""The contacts and accounts a write names (an opportunity's account and contact, a task's contact and
account), confirmed at the source (issue 10 §3), and the values the read model keeps of a record. Use cases of the
read model area, in a module of their own: ``usecases.py`` imports the tasks' use cases, which import these.

The read model lags contacts by an event's trip (longer when this service is busy or was down): a record a client
was just given may not be in it yet, and one it just put in the trash may still look live. So a write that names
a contact or an account asks contacts (``get_record_refs``, through a ``ServiceRpc`` with a timeout) as well as
the read model, and the source decides:
- live and visible to the caller: written into the read model as its events would write it (the newest version
  wins: ``upsert_record``), so what is read after the write agrees with it; the record as the source has it;
- hidden from the caller, or in the trash: None (the caller refuses it: 404, or 422 for a contact that is not
  the account's), whatever the read model says;
- no such record of the caller's organization: the read model's answer (a ref it holds live came from the
  source's events; only a purge, which follows the delete event by 30 days, removes a record there);
- no answer in time (or no contacts service running): the read model's answer when it has the records and they
  agree; otherwise it cannot tell a record that exists from one that does not, and says so: 503
  (``service_unavailable``, the client retries), never a 404 or a 422 for a record that may exist.
Reads (lists, the board, the dashboard, a get) keep to the read model alone: the fast path.
"""
import logging

from kombu.exceptions import OperationalError as BrokerError
from nameko.exceptions import UnknownService

from carnet_common.errors import ServiceUnavailable
from carnet_common.rpc import RpcTimeout
from carnet_contracts.actors import ContactsActor
from carnet_opportunities.readmodel import repository

log = logging.getLogger(__name__)


def account_values(data, record):
    """An account as the read model keeps it, from an event's or the source's ``record``."""
    return {"id": record["id"], "org_id": data["org_id"], "name": record.get("name") or "",
            "rep1_id": record.get("rep1_id"), "rep2_id": record.get("rep2_id")}


def contact_values(data, record):
    """A contact as the read model keeps it, from an event's or the source's ``record``."""
    return {"id": record["id"], "org_id": data["org_id"], "account_id": record.get("account_id"),
            "first_name": record.get("first_name"), "last_name": record.get("last_name"),
            "email": record.get("email"), "rep1_id": record.get("rep1_id"), "rep2_id": record.get("rep2_id")}


SOURCE_ERRORS = (RpcTimeout, UnknownService, BrokerError, OSError)


def _source_actor(actor):
    """The caller in the shape contacts receives (``carnet_contracts.actors.ContactsActor``): it judges visibility
    with the caller's lists as it holds them."""
    return {key: actor[key] for key in ContactsActor._declared_fields if key in actor}


def _source_answers(contacts, actor, named):
    """``{kind: {id: answer}}`` from contacts for the ``{kind: id}`` named; None when it does not answer."""
    try:
        answers = contacts.get_record_refs(_source_actor(actor),
                                           {kind: [record_id] for kind, record_id in named.items()})
    except SOURCE_ERRORS as exc:
        log.warning("contacts did not confirm %s: %r", named, exc)
        return None
    return {kind: {answer["id"]: answer for answer in answers.get(kind) or ()} for kind in named}


def _confirmed(session, actor, kind, record):
    """The record as contacts answered it, written into the read model."""
    data = {"org_id": actor["org_id"]}
    values = contact_values(data, record) if kind == "contact" else account_values(data, record)
    list_ids = list(record.get("list_ids") or [])
    repository.upsert_record(session, kind, values, version=record["version"], list_ids=list_ids, with_lists=True)
    return {**values, "list_ids": list_ids, "version": record["version"], "deleted_at": None}


def _of_another_account(contact, account_id):
    return contact is not None and bool(account_id) and contact["account_id"] != account_id


def linked_records(session, *, contacts, actor, contact_id=None, account_id=None):
    """``{"contact": ref or None, "account": ref or None}`` for the contact and the account a write names (only
    those named): each as the caller may link it (the rules above), None when they may not. The caller checks
    that a contact is of the account (``account_id``); when contacts does not answer and the read model's contact
    is another account's, that cannot be told either: 503."""
    named = {kind: record_id for kind, record_id in (("contact", contact_id), ("account", account_id)) if record_id}
    if not named:
        return {}
    held = {"contact": repository.visible_contact, "account": repository.visible_account}
    held = {kind: held[kind](session, actor, record_id) for kind, record_id in named.items()}
    answers = _source_answers(contacts, actor, named)
    if answers is None:
        if any(ref is None for ref in held.values()) or _of_another_account(held.get("contact"), account_id):
            raise ServiceUnavailable("service_unavailable", params={"service": "contacts"})
        return held
    found = {}
    for kind, record_id in named.items():
        answer = answers[kind].get(record_id)
        if answer is None:
            found[kind] = held[kind]
        elif answer["state"] == "live":
            found[kind] = _confirmed(session, actor, kind, answer["record"])
        else:
            found[kind] = None
    return found
