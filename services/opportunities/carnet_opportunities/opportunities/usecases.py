"""Use cases of stages (O-3) and opportunities (O-1, O-2, O-4, O-5, O-7) with their custom fields (C-14), and their
export to .xlsx (O-6): keyword-only functions over a session.

An export holds what the caller's list shows for the same filters (visibility of O-1/S-4/S-5, every page, O-4
order), with the standard columns of the fields the caller's role may read and a column per custom field that is
neither hidden nor one the role may not read (S-3: the gateway passes those names and keys). Up to
``EXPORT_SYNC_MAX_ROWS`` (5,000) opportunities the file is the answer of the call; above, a job is queued with the
actor, the query, the denied keys and the readable fields as the request verified them, and a timer of the service
runs it with ``carnet_common.jobs`` (caps on queued jobs, claim in turn per organization with SKIP LOCKED, time
limit, progress, the file stored in chunks, expiry), as contacts does; only its owner sees it. Before it runs, its
owner's principal of now is compared with what it was queued with (``export_authority_lost``, issue 10 §1): the
actor's visibility (administrator, flags, users below, active lists), the export permission and the columns; a
job whose authority narrowed is failed rather than run. Its id is ``opportunities:<uuid>``, so the gateway asks
this service for it. Rows are read by a server-side cursor, 1,000 at a time, and ``carnet_common.xlsx`` writes the
sheet as they are read: a job runs in an OS thread of its own with its own connection (``JobRpc``); a small export
reads its rows in the call and writes them in ``offload`` (``eventlet.tpool``), so AMQP heartbeats and other
workers are served meanwhile.
"""
import base64
import functools

from carnet_common import jobs as kit
from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from carnet_contracts import authority
from carnet_custom_fields import values as custom_values
from carnet_opportunities import events
from carnet_opportunities.opportunities import custom_fields, export_xlsx, lines, repository
from carnet_opportunities.opportunities import stages as stage_rules
from carnet_opportunities.readmodel import links
from carnet_opportunities.readmodel import repository as refs

JOB_OWNER = "opportunities"
EXPORT_KIND = "export_opportunities"

LINE_FIELDS = ("product_group", "product_code", "description", "quantity", "unit_price", "shipping", "discount")
# What O-4 sorts on: a caller who may not read one of them gets the oldest created first (S-3).
ORDER_FIELDS = ("stage_id", "close_date")


def _by_creation(fields):
    """Whether the list of a caller reading ``fields`` (None: every field) is ordered by creation, not O-4."""
    return fields is not None and not set(ORDER_FIELDS) <= set(fields)


def _iso(value):
    return value.isoformat() if value is not None else None


# Stages (O-3) ---------------------------------------------------------------------------------------------

def substage_read(row, language):
    return {"id": row["id"], "stage_id": row["stage_id"], "label": stage_rules.label(row, language),
            "label_fr": row["label_fr"], "label_en": row["label_en"], "locked": row["locked"]}


def stage_read(row, substages, language):
    return {"id": row["id"], "label": stage_rules.label(row, language), "label_fr": row["label_fr"],
            "label_en": row["label_en"], "probability": row["probability"], "color": row["color"],
            "substages": [substage_read(s, language) for s in substages]}


def list_stages(session, *, actor):
    repository.ensure_default_stages(session, actor["org_id"])
    rows = repository.stage_rows(session, actor["org_id"])
    subs = repository.substage_rows(session, actor["org_id"])
    return [stage_read(row, [s for s in subs if s["stage_id"] == row["id"]], actor["language"]) for row in rows]


def _admin(actor):
    if not actor["is_admin"]:
        raise Forbidden("admin_only")


def _stage(session, actor, stage_id, *, for_update=False):
    repository.ensure_default_stages(session, actor["org_id"])
    row = repository.get_stage(session, actor["org_id"], stage_id, for_update=for_update)
    if row is None:
        raise NotFound()
    return row


def _one_stage(session, actor, stage_id):
    row = _stage(session, actor, stage_id)
    return stage_read(row, repository.substage_rows(session, actor["org_id"], [stage_id]), actor["language"])


def rename_stage(session, *, actor, stage_id, data):
    """O-3: labels only (the contract refuses probability and colour)."""
    _admin(actor)
    _stage(session, actor, stage_id, for_update=True)
    repository.update_stage(session, stage_id, data)
    return _one_stage(session, actor, stage_id)


def add_substage(session, *, actor, stage_id, data):
    _admin(actor)
    _stage(session, actor, stage_id)
    substage_id = repository.new_id()
    repository.insert_substage(session, {"id": substage_id, "org_id": actor["org_id"], "stage_id": stage_id, **data})
    return substage_read(repository.get_substage(session, actor["org_id"], substage_id), actor["language"])


def rename_substage(session, *, actor, substage_id, data):
    """A sub-stage an accounting sync uses is locked: renaming it would break the sync (409)."""
    _admin(actor)
    row = repository.get_substage(session, actor["org_id"], substage_id, for_update=True)
    if row is None:
        raise NotFound()
    if row["locked"]:
        raise Conflict("substage_locked", errors={"label_en": ["substage_locked"]})
    if data:
        repository.update_substage(session, substage_id, data)
    return substage_read(repository.get_substage(session, actor["org_id"], substage_id), actor["language"])


# Opportunities --------------------------------------------------------------------------------------------

def line_read(row):
    return {"id": row["id"], "product_group": row["product_group"], "product_code": row["product_code"],
            "description": row["description"], "quantity": lines.quantity(row["quantity"]),
            "unit_price": lines.money(row["unit_price"]), "shipping": lines.money(row["shipping"]),
            "discount": lines.money(row["discount"]), "total": lines.money(row["total"])}


def _reads(session, actor, rows, fields):
    """Opportunities as read; ``custom`` holds only what ``custom_fields.shown`` lets through (C-14). A contact
    ``actor`` does not see in the read model (C-2, S-4, S-5) shows no name (``contact_name`` null); the account's
    name shows, the opportunity being seen only on a visible account (O-1)."""
    ids = [r["id"] for r in rows]
    line_rows = repository.lines_of(session, ids)
    accounts = refs.account_names(session, [r["account_id"] for r in rows])
    contacts = refs.contact_names(session, repository.visible_contact_ids(session, actor,
                                                                          [r["contact_id"] for r in rows]))
    return [{
        "id": r["id"], "title": r["title"], "account_id": r["account_id"],
        "account_name": accounts.get(r["account_id"]), "contact_id": r["contact_id"],
        "contact_name": contacts.get(r["contact_id"]) if r["contact_id"] else None,
        "stage_id": r["stage_id"], "probability": r["probability"], "substage_id": r["substage_id"],
        "rep1_id": r["rep1_id"], "rep2_id": r["rep2_id"], "close_date": _iso(r["close_date"]),
        "lines": [line_read(line) for line in line_rows[r["id"]]], "total": lines.money(r["total"]),
        "source": r["source"], "read_only": r["source"] != "crm",
        "custom": custom_fields.shown(fields, r["custom"], groups=custom_fields.product_groups(line_rows[r["id"]])),
        "version": r["version"], "created_at": _iso(r["created_at"]), "updated_at": _iso(r["updated_at"]),
    } for r in rows]


def _selection(query):
    """The filters of a list or export query, as ``repository.filters`` takes them."""
    return {"account_id": query.get("account_id"), "contact_id": query.get("contact_id"),
            "stage_id": query.get("stage"), "q": (query.get("q") or "").strip() or None}


def search_opportunities(session, *, actor, query, fields=None):
    """A page of the visible opportunities the filters select, in O-4 order (by creation when the caller may not
    read ``ORDER_FIELDS``: ``fields`` are those they may read). ``total`` is exact unless ``total_capped``: past
    10,000 (``repository.COUNT_CAP``) it is the planner's estimate."""
    rows, total, capped = repository.search(session, actor, page=query["page"], per_page=query["per_page"],
                                            by_creation=_by_creation(fields), **_selection(query))
    definitions = custom_fields.definitions(session, actor["org_id"])
    return {"items": _reads(session, actor, rows, definitions), "total": total, "total_capped": capped,
            "page": query["page"], "per_page": query["per_page"]}


def get_opportunity(session, *, actor, opportunity_id):
    row = repository.get_visible(session, actor, opportunity_id)
    if row is None:
        raise NotFound()
    return _reads(session, actor, [row], custom_fields.definitions(session, actor["org_id"]))[0]


def _links(session, actor, merged, *, contacts, records=True):
    """The account must be visible (404); the contact one of that account (422): both as the source has them
    (``readmodel/links.py``: a record just created is known, one just deleted is not), checked when ``records``
    (a creation, or an update that changes either); the stage the organization's (422) and the sub-stage one of
    that stage (422)."""
    errors = {}
    if records:
        found = links.linked_records(session, contacts=contacts, actor=actor, account_id=merged["account_id"],
                                     contact_id=merged.get("contact_id"))
        if found["account"] is None:
            raise NotFound()
        if merged.get("contact_id"):
            contact = found["contact"]
            if contact is None or contact["account_id"] != merged["account_id"]:
                errors["contact_id"] = ["contact_not_of_account"]
    repository.ensure_default_stages(session, actor["org_id"])
    stage = repository.get_stage(session, actor["org_id"], merged["stage_id"])
    if stage is None:
        errors["stage_id"] = ["unknown_stage"]
    elif merged.get("substage_id"):
        substage = repository.get_substage(session, actor["org_id"], merged["substage_id"])
        if substage is None or substage["stage_id"] != stage["id"]:
            errors["substage_id"] = ["unknown_substage"]
    if errors:
        raise InvalidInput(errors=errors)
    return stage


def _line_values(data_lines):
    return [{**{key: line.get(key) for key in LINE_FIELDS},
             "shipping": line.get("shipping") or lines.Decimal(0), "discount": line.get("discount") or lines.Decimal(0),
             "total": lines.line_total(line)} for line in data_lines]


def _custom(session, actor, stored, data, line_values):
    """``(custom, fields)``: the opportunity's custom values after ``data["custom"]``, checked by type and
    product type against the lines it will have (C-14), and the organization's fields."""
    fields = custom_fields.definitions(session, actor["org_id"])
    if not data.get("custom"):
        return stored or {}, fields
    cleaned = custom_fields.clean(fields, data["custom"], groups=custom_fields.product_groups(line_values))
    return custom_values.merge(stored, cleaned), fields


def _published(session, *, outbox, event_type, actor, opportunity_id, fields):
    """The opportunity as its author wrote it, its event (with the values shown) in the outbox. Read by id: its
    links were confirmed at the source, which the read model may still be catching up with."""
    row = repository.get_by_id(session, actor["org_id"], opportunity_id)
    read = _reads(session, actor, [row], fields)[0]
    outbox.add(session, event_type, events.opportunity_payload(row, actor["user_id"], custom=read["custom"]))
    return read


def create_opportunity(session, *, outbox, contacts, actor, data, source="crm"):
    """``contacts``: the proxy to the contacts service that confirms the account and contact (``_links``)."""
    stage = _links(session, actor, data, contacts=contacts)
    line_values = _line_values(data.get("lines") or [])
    custom, fields = _custom(session, actor, {}, data, line_values)
    opportunity_id = repository.new_id()
    stamp = repository.now()
    repository.insert_opportunity(session, {
        "id": opportunity_id, "org_id": actor["org_id"], "title": data["title"], "account_id": data["account_id"],
        "contact_id": data.get("contact_id"), "stage_id": stage["id"], "substage_id": data.get("substage_id"),
        "probability": stage["probability"], "rep1_id": data.get("rep1_id", actor["user_id"]),
        "rep2_id": data.get("rep2_id"), "close_date": data.get("close_date"),
        "total": lines.grand_total(line_values), "source": source, "external_ref": data.get("external_ref"),
        "custom": custom, "version": 1, "created_by": actor["user_id"], "created_at": stamp, "updated_at": stamp})
    repository.replace_lines(session, opportunity_id, line_values)
    return _published(session, outbox=outbox, event_type=events.OPPORTUNITY_CREATED, actor=actor,
                      opportunity_id=opportunity_id, fields=fields)


def _editable(session, actor, opportunity_id):
    row = repository.get_visible(session, actor, opportunity_id, for_update=True)
    if row is None:
        raise NotFound()
    if row["source"] != "crm":
        # O-7, A-8: what an accounting system sent is changed there, never here.
        raise Conflict("opportunity_read_only", params={"source": row["source"]})
    return row


def update_opportunity(session, *, outbox, contacts, actor, opportunity_id, data):
    """The account and contact are checked again only when the update changes one of them: those it keeps are
    the opportunity's (a contact that moved to another account since leaves them in place, C-7)."""
    row = _editable(session, actor, opportunity_id)
    if data.get("version") is not None and data["version"] != row["version"]:
        raise Conflict("version_conflict", errors={"version": ["version_conflict"]},
                       params={"version": row["version"]})
    changes = {key: value for key, value in data.items() if key not in ("version", "lines", "custom")}
    if "stage_id" in changes and "substage_id" not in changes and changes["stage_id"] != row["stage_id"]:
        changes["substage_id"] = None  # a sub-stage belongs to its stage
    merged = {**row, **changes}
    relinked = any(key in changes and changes[key] != row[key] for key in ("account_id", "contact_id"))
    stage = _links(session, actor, merged, contacts=contacts, records=relinked)
    values = {**changes, "probability": stage["probability"], "version": row["version"] + 1,
              "updated_at": repository.now()}
    line_values = (_line_values(data["lines"]) if "lines" in data
                   else repository.lines_of(session, [opportunity_id])[opportunity_id])
    values["custom"], fields = _custom(session, actor, row["custom"], data, line_values)
    if "lines" in data:
        repository.replace_lines(session, opportunity_id, line_values)
        values["total"] = lines.grand_total(line_values)
    repository.update_opportunity(session, opportunity_id, values)
    return _published(session, outbox=outbox, event_type=events.OPPORTUNITY_UPDATED, actor=actor,
                      opportunity_id=opportunity_id, fields=fields)


def delete_opportunity(session, *, outbox, actor, opportunity_id):
    row = _editable(session, actor, opportunity_id)
    repository.delete_opportunity(session, opportunity_id)
    outbox.add(session, events.OPPORTUNITY_DELETED, events.deleted_payload(row, actor["user_id"]))


# Export (O-6) -------------------------------------------------------------------------------------------------

def count_export(session, *, actor, query, cap=None):
    """How many opportunities an export of ``query`` holds (no further than ``cap + 1`` when given)."""
    return repository.count(session, repository.filters(actor, **_selection(query)), cap=cap)


def export_batches(session, *, actor, query, batch=1_000, fields=None):
    """O-6: what the list of ``query`` shows, every page, in its order (``search_opportunities``): batches of
    opportunities as read (custom values as shown), each with ``stage``, its stage's label in the caller's
    language."""
    labels = {row["id"]: stage_rules.label(row, actor["language"])
              for row in repository.stage_rows(session, actor["org_id"])}
    definitions = custom_fields.definitions(session, actor["org_id"])
    for rows in repository.stream(session, repository.filters(actor, **_selection(query)), batch=batch,
                                  by_creation=_by_creation(fields)):
        yield [{**read, "stage": labels.get(read["stage_id"])} for read in _reads(session, actor, rows, definitions)]


def _filename():
    return f"opportunities-{kit.now():%Y%m%d-%H%M%S}.xlsx"


def _custom_columns(session, *, actor, denied):
    """The custom fields an export has a column for: neither hidden nor in ``denied`` (S-3), in their order."""
    return [field for key, field in custom_fields.definitions(session, actor["org_id"]).items()
            if not field["hidden"] and key not in denied]


def start_export(session, *, actor, query, denied, settings, offload, fields=None):
    """``{content, filename, rows}`` (base64 .xlsx) for a small selection, else a queued job (``{job_id}``);
    ``fields``: the standard fields the caller may read (None: all), the columns the sheet has (S-3)."""
    rows = count_export(session, actor=actor, query=query, cap=settings.sync_max_rows)
    if rows > settings.sync_max_rows:
        job_id = kit.queue_job(session, repository.JOB_STORE, settings=settings, job_id=kit.new_job_id(JOB_OWNER),
                               actor=actor, kind=EXPORT_KIND,
                               params={"actor": actor, "query": query, "denied_custom": denied, "fields": fields})
        return {"job_id": job_id}
    columns = _custom_columns(session, actor=actor, denied=denied)
    read = list(export_batches(session, actor=actor, query=query, fields=fields))
    content = kit.small_file(settings, lambda path: offload(functools.partial(
        export_xlsx.write, path, language=actor["language"], custom_fields=columns, fields=fields, batches=read)))
    return {"content": base64.b64encode(content).decode("ascii"), "filename": _filename(), "rows": rows}


def write_export(session, *, actor, query, denied, path, progress=None, fields=None):
    """Stream the opportunities ``query`` selects for ``actor`` into an .xlsx at ``path``, written as they are read
    (a job's work, in its thread); ``progress(rows written)`` after each batch. The number of rows written."""
    return export_xlsx.write(path, language=actor["language"],
                             custom_fields=_custom_columns(session, actor=actor, denied=denied), fields=fields,
                             batches=export_batches(session, actor=actor, query=query, fields=fields),
                             progress=progress)


def export_authority_lost(*, principal, params, contacts):
    """What of the authority an export job was queued with (``params``: its actor, with the active lists, the
    denied custom keys and the standard fields its columns show) ``principal``, its owner's of now, no longer grants
    ([] when it may run as asked). The lists the owner may see now are asked of ``contacts`` (the proxy to the
    contacts service, as the gateway asks them)."""
    actor = params["actor"]
    lost = (authority.visibility_lost(principal, actor)
            + authority.actions_lost(principal, [("opportunities", "export")])
            + authority.custom_lost(principal, "opportunities", params["denied_custom"])
            + authority.fields_lost(principal, "opportunities", params.get("fields") or ()))
    if lost:
        return lost
    caller = {"org_id": actor["org_id"], "user_id": actor["user_id"], "is_admin": bool(principal.get("is_admin")),
              "request_id": None, "flags": principal.get("flags") or {},
              "subordinate_ids": principal.get("subordinate_ids") or []}
    active = set(contacts.get_selected_lists(caller)["list_ids"])
    return [f"lists.{list_id}" for list_id in actor["list_ids"] if list_id not in active]


def export_job(session, params, path, report):
    """The work of an export job (``carnet_common.jobs.run_next_job``, in its thread): the file at ``path``, its
    name; ``report(rows written, total)`` after each batch."""
    actor, query = params["actor"], params["query"]
    total = count_export(session, actor=actor, query=query)
    write_export(session, actor=actor, query=query, denied=params["denied_custom"], path=path,
                 progress=lambda done: report(done, total), fields=params.get("fields"))
    return _filename()
