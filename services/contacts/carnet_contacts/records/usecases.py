"""Use cases of contacts and accounts (C-2, C-4, C-7, C-8, C-9, C-14, C-17) and their search (C-3, C-11, C-12,
C-15). Each function runs inside the caller's transaction; SQL, including the visibility, search and criteria
predicates, is built by ``records/repository/`` only.

Records a caller cannot see are ``NotFound`` everywhere, exactly like records that do not exist.
``record_predicates`` and ``record_sort`` are what a search page selects and in which order: the exports
(C-18) and the bulk actions (C-9) use them too, so they hold exactly the records the list shows.
"""
import uuid
from datetime import datetime

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from carnet_contacts import events, norms
from carnet_contacts.customization import repository as customization
from carnet_contacts.lists.usecases import Scope, readable_history
from carnet_contacts.models import ACCOUNT_FIELDS, CONTACT_FIELDS
from carnet_contacts.records import repository, search_terms
from carnet_contacts.records.repository import criteria
from carnet_custom_fields import values as custom_values

ACCOUNT_NORM_SOURCES = {"name", "city", "street"}
RECORD_MODULES = {"contact": "contacts", "account": "accounts"}  # the module of each record type (S-2, C-14)


def new_id():
    return str(uuid.uuid4())


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


# Reads ----------------------------------------------------------------------------------------------

def contact_read(row, *, account_name, list_ids):
    data = {"id": row["id"], **{key: row[key] for key in CONTACT_FIELDS}}
    data.update(account_name=account_name, list_ids=list_ids, is_primary=row["is_primary"],
                custom=row["custom"], version=row["version"], created_at=_iso(row["created_at"]),
                updated_at=_iso(row["updated_at"]))
    return data


def contact_event_read(session, contact_id, definitions):
    """The contact as its events carry it after a change made by nobody (a recipient's unsubscribe, a form's
    submission): every list it is in, its custom values as ``definitions`` show them."""
    member_of = repository.member_list_ids(session, "contact", [contact_id])[contact_id]
    stored = repository.reads_by_ids(session, "contact", [contact_id], accessible=member_of)[0]
    read = contact_read(stored, account_name=stored["read_account_name"], list_ids=stored["read_list_ids"])
    read["custom"] = custom_values.visible_values(definitions, read["custom"])
    return read


def account_read(row, *, list_ids):
    data = {"id": row["id"], **{key: row[key] for key in ACCOUNT_FIELDS}}
    data.update(list_ids=list_ids, custom=row["custom"], version=row["version"],
                created_at=_iso(row["created_at"]), updated_at=_iso(row["updated_at"]))
    return data


def _reads(session, record_type, rows, *, definitions=None):
    """Reads of ``rows`` (records of one organization, from ``repository.read_visible`` or ``reads_by_ids``: with
    their account's name and the list ids the caller may see). C-14: values of hidden or deleted custom fields
    never leave the service in a record; ``definitions`` (``{key: definition}``) when the caller has them."""
    if not rows:
        return []
    if definitions is None:
        definitions = _custom_definitions(session, rows[0]["org_id"], record_type)
    reads = []
    for row in rows:
        if record_type == "contact":
            read = contact_read(row, account_name=row["read_account_name"], list_ids=row["read_list_ids"])
        else:
            read = account_read(row, list_ids=row["read_list_ids"])
        read["custom"] = custom_values.visible_values(definitions, read["custom"])
        reads.append(read)
    return reads


def _reads_of(session, record_type, ids, scope, *, definitions=None):
    """Reads of the records ``ids``, in that order, as the caller (``scope``) sees them."""
    rows = repository.reads_by_ids(session, record_type, ids, accessible=scope.accessible)
    return _reads(session, record_type, rows, definitions=definitions)


def _custom_definitions(session, org_id, record_type):
    module = RECORD_MODULES[record_type]
    return customization.custom_field_rows_by_module(session, org_id=org_id, modules=[module])[module]


def _custom_changes(session, actor, record_type, stored, data):
    """``(custom, history fields)``: the record's custom values after ``data["custom"]`` (422 on
    ``custom.<key>``), and the old/new of each changed key for C-17 as ``custom.<key>`` entries."""
    if not data.get("custom"):
        return stored or {}, {}, {}
    cleaned = custom_values.clean_values(_custom_definitions(session, actor["org_id"], record_type), data["custom"])
    merged = custom_values.merge(stored, cleaned)
    before = {f"custom.{k}": (stored or {}).get(k) for k in cleaned}
    after = {f"custom.{k}": merged.get(k) for k in cleaned}
    return merged, before, after


def _visible(session, record_type, record_id, actor, scope, *, for_update=False):
    row = repository.get_visible(session, record_type, record_id, actor=actor, list_ids=scope.selected,
                                 for_update=for_update)
    if row is None:
        raise NotFound()
    return row


def get_record(session, *, actor, record_type, record_id):
    """The record as the caller sees it (C-2, C-14), read in one statement (``repository.read_visible``)."""
    row = repository.read_visible(session, record_type, record_id, actor=actor)
    if row is None:
        raise NotFound()
    definitions = {key: {"hidden": hidden} for key, hidden in row["read_custom_hidden"].items()}
    return _reads(session, record_type, [row], definitions=definitions)[0]


def criteria_context(session, *, actor, record_type, scope, unreadable=()):
    """What compiling the caller's criteria needs; the actor and their selected lists, so that action criteria
    count only the opportunities and tasks they could see (C-12, S-4); the organization's time zone, in which a date
    compared with a timestamp is a day (N-6)."""
    modules = list(RECORD_MODULES.values())
    return criteria.Context(record_type, actor["org_id"],
                            custom=customization.custom_field_rows_by_module(session, org_id=actor["org_id"],
                                                                             modules=modules),
                            list_ids=frozenset(scope.accessible), unreadable=frozenset(unreadable),
                            actor=actor, selected=frozenset(scope.selected),
                            timezone=actor.get("timezone") or criteria.DEFAULT_TIMEZONE)


def record_predicates(session, *, actor, record_type, query, scope, account_id=None, unreadable=(), ctx=None):
    """What ``query`` and the caller's visibility select, as predicates (no paging): shared by the search
    page, the export (C-18) and the bulk actions (C-9), so each holds exactly the records the list shows.
    ``unreadable`` (or ``ctx.unreadable``): the permission keys the caller may not read (S-3), which no term, criterion
    or sort may reveal: a prefix over one is a 403 naming it, a plain term skips it (``search_terms.refused``,
    ``skipped``). An account the caller cannot see selects nothing through its contacts (``account_term_clause``).

    C-24: inactive records are left out unless the query asks about the status (``status_asked``): an ``s:`` term
    (``s:all`` for both) or a ``status`` criterion. Not for a caller who may not read the status: leaving records out
    by a field they cannot read would tell it (S-3); they see every status, as before C-24."""
    unreadable = ctx.unreadable if ctx is not None else frozenset(unreadable)
    predicates = [repository.visible(record_type, actor=actor, list_ids=scope.selected)]
    if account_id is not None:
        _visible(session, "account", account_id, actor, scope)
        predicates.append(repository.of_account(account_id))
    terms = search_terms.parse(query.get("q"))
    for term in terms:
        if search_terms.reach(record_type, term) is None:
            raise InvalidInput(errors={"q": ["search_prefix_not_here"]})
    for term in terms:
        field = search_terms.refused(record_type, term, unreadable)
        if field is not None:
            raise Forbidden("field_not_readable", errors={"q": ["field_not_readable"]}, params={"field": field})
    for term in terms:
        # c:/a: on a contact read its account's city and street: only of an account the caller sees
        through_account = record_type == "contact" and term.kind in ("city", "street")
        predicates.append(repository.term_clause(record_type, term, org_id=actor["org_id"],
                                                 skip=search_terms.skipped(record_type, term, unreadable),
                                                 accounts_checked=through_account))
        if through_account:
            predicates.append(repository.account_term_clause(term, actor=actor, list_ids=scope.selected))
    trees = []
    if query.get("filter_id") or query.get("criteria"):  # C-12
        ctx = ctx or criteria_context(session, actor=actor, record_type=record_type, scope=scope,
                                      unreadable=unreadable)
        if query.get("filter_id"):
            saved = customization.get_saved_filter(session, user_id=actor["user_id"],
                                                   module=RECORD_MODULES[record_type], filter_id=query["filter_id"])
            if saved is None:
                raise NotFound()
            predicates.append(criteria.compile_criteria(saved["criteria"], ctx, path="filter_id"))
            trees.append(saved["criteria"])
        if query.get("criteria"):
            tree = criteria.parse_json(query["criteria"])
            predicates.append(criteria.compile_criteria(tree, ctx))
            trees.append(tree)
    if not status_asked(terms, trees) and search_terms.may_read(
            unreadable, search_terms.permission_key(record_type, "status")):
        predicates.append(repository.status_is(record_type, "active"))
    return predicates


def status_asked(terms, trees):
    """C-24: whether a search asks about the records' status (an ``s:`` term, or a ``status`` criterion in one of the
    compiled criteria ``trees``); if not, it shows active records only."""
    return (any(term.kind == "status" for term in terms)
            or any(criteria.mentions(tree, "status") for tree in trees))


def record_sort(session, *, actor, record_type, query, ctx, remember):
    """C-15: the requested sort (remembered per user and module), else the last one, else by name."""
    module = RECORD_MODULES[record_type]
    if query.get("sort"):
        keys = criteria.sort_keys(query["sort"], ctx)
        if remember:
            customization.put_user_sort(session, user_id=actor["user_id"], module=module, sort=query["sort"])
        return keys
    stored = customization.get_user_sort(session, user_id=actor["user_id"], module=module)
    if stored:
        try:
            return criteria.sort_keys(stored, ctx)
        except (InvalidInput, Forbidden):  # the field was deleted or hidden since
            pass
    return criteria.sort_keys(criteria.DEFAULT_SORT[record_type], ctx)


def search_records(session, *, actor, record_type, query, account_id=None, unreadable=()):
    """A page of visible records matching ``query["q"]`` (C-11) and its criteria (C-12), in the caller's sort
    (C-15, id last so the order is stable). ``unreadable``: field permission keys the caller may not read."""
    scope = Scope(session, actor)
    ctx = criteria_context(session, actor=actor, record_type=record_type, scope=scope, unreadable=unreadable)
    predicates = record_predicates(session, actor=actor, record_type=record_type, query=query, scope=scope,
                                   account_id=account_id, ctx=ctx)
    sort = record_sort(session, actor=actor, record_type=record_type, query=query, ctx=ctx,
                       remember=account_id is None)
    ids, total, capped = repository.search_page(session, record_type, predicates=predicates,
                                                page=query["page"], per_page=query["per_page"], sort=sort)
    items = _reads_of(session, record_type, ids, scope, definitions=ctx.custom[RECORD_MODULES[record_type]])
    return {"items": items, "total": total, "total_capped": capped, "page": query["page"],
            "per_page": query["per_page"]}


def get_history(session, *, actor, record_type, record_id):
    scope = Scope(session, actor)
    _visible(session, record_type, record_id, actor, scope)
    definitions = _custom_definitions(session, actor["org_id"], record_type)
    shown = {f"custom.{key}" for key in custom_values.visible_values(definitions, dict.fromkeys(definitions, 1))}
    return readable_history([{"id": str(r["id"]), "at": _iso(r["at"]), "user_id": r["user_id"], "field": r["field"],
                              "old": r["old"], "new": r["new"]}
                             for r in repository.list_history(session, record_type, record_id)
                             if not r["field"].startswith("custom.") or r["field"] in shown], scope)


# Writes ----------------------------------------------------------------------------------------------

def _history_rows(actor, record_type, record_id, before, after, fields):
    """C-17: one entry per changed field (who, when, field, old, new)."""
    return [{"org_id": actor["org_id"], "record_type": record_type, "record_id": record_id,
             "user_id": actor["user_id"], "field": field, "old": before.get(field), "new": after.get(field)}
            for field in fields if before.get(field) != after.get(field)]


def _event_row(record_type, record_id, actor, field):
    return {"org_id": actor["org_id"], "record_type": record_type, "record_id": record_id,
            "user_id": actor["user_id"], "field": field, "old": None, "new": None}


def _account_for(session, actor, scope, account_id):
    if not account_id:
        return None
    row = repository.get_visible(session, "account", account_id, actor=actor, list_ids=scope.selected)
    if row is None:
        raise InvalidInput(errors={"account_id": ["unknown_account"]})
    return row


def create_contact(session, *, outbox, actor, data, account_id=None):
    scope = Scope(session, actor)
    if account_id is not None:  # C-7: from the account's record; its lists by default
        _visible(session, "account", account_id, actor, scope)
        data = {**data, "account_id": account_id}
        if not data.get("list_ids"):
            members = repository.member_list_ids(session, "account", [account_id])[account_id]
            data["list_ids"] = [i for i in members if i in scope.accessible]
            if not data["list_ids"]:
                raise InvalidInput(errors={"list_ids": ["Missing data for required field."]})
    list_ids = scope.check(session, data["list_ids"])
    account = _account_for(session, actor, scope, data.get("account_id"))
    contact_id = new_id()
    custom, _, _ = _custom_changes(session, actor, "contact", {}, data)
    values = {key: data.get(key) for key in CONTACT_FIELDS}
    values.update(id=contact_id, org_id=actor["org_id"], subscribed=data.get("subscribed", True),
                  status=data.get("status") or "active", is_primary=False, custom=custom, version=1,
                  created_by=actor["user_id"], rep1_id=data.get("rep1_id", actor["user_id"]))
    values.update(norms.contact_norms(values, account))
    repository.insert_record(session, "contact", values)
    repository.set_members(session, "contact", contact_id, list_ids)
    repository.add_history(session, [_event_row("contact", contact_id, actor, "created")])
    read = _reads_of(session, "contact", [contact_id], scope)[0]
    outbox.add(session, events.CONTACT_CREATED, events.record_payload(read, actor, list_ids=list_ids))
    return read


def update_contact(session, *, outbox, actor, contact_id, data):
    scope = Scope(session, actor)
    row = _visible(session, "contact", contact_id, actor, scope, for_update=True)
    _check_version(row, data)
    changes = {key: value for key, value in data.items() if key in CONTACT_FIELDS}
    account_id = changes.get("account_id", row["account_id"])
    if "account_id" in changes and account_id != row["account_id"]:
        account = _account_for(session, actor, scope, account_id)  # C-7: moved; history keeps the move
    else:
        account = repository.get_account(session, account_id) if account_id else None
    merged = {**row, **changes}
    custom, before, after = _custom_changes(session, actor, "contact", row["custom"], data)
    history = (_history_rows(actor, "contact", contact_id, row, merged, changes)
               + _history_rows(actor, "contact", contact_id, before, after, list(after)))
    if history:
        repository.update_record(session, "contact", contact_id, {
            **changes, "custom": custom, **norms.contact_norms(merged, account), "version": row["version"] + 1,
            "updated_at": repository.now()})
        repository.add_history(session, history)
    read = _reads_of(session, "contact", [contact_id], scope)[0]
    if history:
        outbox.add(session, events.CONTACT_UPDATED, events.record_payload(
            read, actor, changed=[h["field"] for h in history]))
    if account_id != row["account_id"]:
        # C-7: a PATCH of account_id is a move too; consumers keep its tasks and opportunities on the old one.
        outbox.add(session, events.CONTACT_MOVED, {
            "org_id": actor["org_id"], "actor_id": actor["user_id"], "contact_id": contact_id,
            "from_account_id": row["account_id"], "to_account_id": account_id})
    return read


def _check_version(row, data):
    """Optimistic concurrency: the row is locked, so a stale ``version`` is refused, never lost."""
    if data.get("version") is not None and data["version"] != row["version"]:
        raise Conflict("version_conflict", errors={"version": ["version_conflict"]},
                       params={"version": row["version"]})


def set_record_lists(session, *, outbox, actor, record_type, record_id, data):
    """C-9: replace the memberships the caller may see; those in lists they cannot access stay."""
    scope = Scope(session, actor)
    row = _visible(session, record_type, record_id, actor, scope, for_update=True)
    list_ids = scope.check(session, data["list_ids"])
    before = repository.member_list_ids(session, record_type, [record_id])[record_id]
    kept = [i for i in before if i not in scope.accessible]
    after = sorted(set(kept) | set(list_ids))
    if after != sorted(before):
        repository.set_members(session, record_type, record_id, after)
        repository.update_record(session, record_type, record_id,
                          {"version": row["version"] + 1, "updated_at": repository.now()})
        visible_before = sorted(i for i in before if i in scope.accessible)
        repository.add_history(session, _history_rows(actor, record_type, record_id, {"list_ids": visible_before},
                                                      {"list_ids": sorted(list_ids)}, ["list_ids"]))
        outbox.add(session, events.MEMBERSHIP_CHANGED, {
            "org_id": actor["org_id"], "record_type": record_type, "record_id": record_id,
            "added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after)),
            "actor_id": actor["user_id"]})
    return get_record(session, actor=actor, record_type=record_type, record_id=record_id)


def create_account(session, *, outbox, actor, data):
    scope = Scope(session, actor)
    list_ids = scope.check(session, data["list_ids"])
    account_id = new_id()
    custom, _, _ = _custom_changes(session, actor, "account", {}, data)
    values = {key: data.get(key) for key in ACCOUNT_FIELDS}
    values.update(id=account_id, org_id=actor["org_id"], status=data.get("status") or "active", custom=custom,
                  version=1, created_by=actor["user_id"], rep1_id=data.get("rep1_id", actor["user_id"]))
    values.update(norms.account_norms(values))
    repository.insert_record(session, "account", values)
    repository.set_members(session, "account", account_id, list_ids)
    repository.add_history(session, [_event_row("account", account_id, actor, "created")])
    read = _reads_of(session, "account", [account_id], scope)[0]
    outbox.add(session, events.ACCOUNT_CREATED, events.record_payload(read, actor, list_ids=list_ids))
    return read


def update_account(session, *, outbox, actor, account_id, data):
    scope = Scope(session, actor)
    row = _visible(session, "account", account_id, actor, scope, for_update=True)
    _check_version(row, data)
    changes = {key: value for key, value in data.items() if key in ACCOUNT_FIELDS}
    merged = {**row, **changes}
    custom, before, after = _custom_changes(session, actor, "account", row["custom"], data)
    history = (_history_rows(actor, "account", account_id, row, merged, changes)
               + _history_rows(actor, "account", account_id, before, after, list(after)))
    if history:
        repository.update_record(session, "account", account_id, {
            **changes, "custom": custom, **norms.account_norms(merged), "version": row["version"] + 1,
            "updated_at": repository.now()})
        repository.add_history(session, history)
        if ACCOUNT_NORM_SOURCES & {h["field"] for h in history}:
            # C-8: the account's name, city and street are searched through each of its contacts.
            for contact in repository.contacts_of_account(session, account_id):
                repository.update_record(session, "contact", contact["id"], norms.contact_norms(contact, merged))
    read = _reads_of(session, "account", [account_id], scope)[0]
    if history:
        outbox.add(session, events.ACCOUNT_UPDATED, events.record_payload(
            read, actor, changed=[h["field"] for h in history]))
    return read
