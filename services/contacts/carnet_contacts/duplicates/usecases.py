"""Use cases of duplicates (C-20): the probable duplicates of candidate records (checks before a create, and the
imports area's dry run), the review queue (list, dismiss) and its background scan (full on demand, incremental
after changes). Matching rules are ``matching.py``'s; SQL is ``repository.py``'s.

The queue is maintained, not computed per request: a full scan (asked through ``request_scan``, run by the
service's timer) pairs every record of an organization; afterwards, the same timer checks the records changed
since the last check (``updated_at`` past the state's ``scanned_until``) against the organization through
``probable_duplicates``, so a new or edited record joins the queue within seconds and a pair whose records no
longer match leaves it. Pairs of a deleted, trashed or merged record (a merged loser leaves the active records)
stay in the table but are never shown: the queue shows a pair only when the caller can GET both records
(C-2, L-2, L-3, S-4), read in the same statement as the page.
"""
import time
import uuid
from datetime import datetime, timezone

from carnet_common.errors import InvalidInput, NotFound
from carnet_contacts.duplicates import matching, repository
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.records import usecases as records

RECORD_TYPES = ("contact", "account")
BATCH = 500  # candidates looked up together by ``probable_duplicates`` (an import's dry run sends thousands)


class Settings:
    """``DUPLICATES_*`` settings (services/contacts/config.yml): the score from which two records are probable
    duplicates, how many records may share a blocking key before it is ignored, how many changed records one
    incremental pass checks."""

    def __init__(self, config=None):
        config = config or {}
        self.min_score = int(config.get("DUPLICATES_MIN_SCORE", 70))
        self.max_key_records = int(config.get("DUPLICATES_MAX_KEY_RECORDS", 50))
        self.incremental_batch = int(config.get("DUPLICATES_INCREMENTAL_BATCH", 500))


DEFAULTS = Settings()


def now():
    return datetime.now(timezone.utc)


def _kinds(settings):
    """Key kinds worth blocking on at the settings' threshold (``matching.useful_kinds``)."""
    return matching.useful_kinds(settings.min_score)


def _keys(prof, kinds):
    return {key for key in matching.blocking_keys(prof) if key[0] in kinds}


def _matches(record_type, prof, rows, *, min_score, exclude=()):
    found = []
    for row in rows:
        if row["id"] in exclude:
            continue
        value, reasons = matching.score(prof, matching.profile(record_type, row))
        if value >= min_score:
            found.append({"id": row["id"], "score": value, "reasons": reasons})
    found.sort(key=lambda m: (-m["score"], m["id"]))
    return found


def probable_duplicates(session, *, org_id, record_type, candidates, visible=None, settings=DEFAULTS, exclude=()):
    """The probable duplicates (C-20) of each of ``candidates`` among the active records of ``org_id``.

    Contract (kept stable: the imports area's dry run calls it):
    - ``record_type``: ``"contact"`` or ``"account"``; ``candidates``: dicts of field values as a create takes them
      (contacts: first_name, last_name, email, phone, mobile, fax, other_phone, city; accounts: name, email, phone,
      fax, website, city; other keys ignored, missing ones empty).
    - ``visible``: the caller (the RPC ``actor``) whose visibility (C-2, L-2, L-3, S-4) limits the matches: a
      record they cannot GET is never returned. None: every record of the organization (background work only).
    - ``exclude``: record ids never returned (a record is not its own duplicate).
    - Returns one list per candidate, in order: ``[{id, score (0..100), reasons: [code, ...]}]``, highest score
      first, only scores ≥ ``settings.min_score``. Reason codes: ``matching.REASON_FIELDS``.
    Cost: per ``BATCH`` candidates, one statement per key kind and one for the matching rows, through indexes.
    """
    if record_type not in RECORD_TYPES:
        raise InvalidInput(errors={"record_type": ["invalid"]})
    clause = None
    if visible is not None:
        clause = repository.visible(record_type, actor=visible, list_ids=Scope(session, visible).selected)
    kinds, results = _kinds(settings), []
    for start in range(0, len(candidates), BATCH):
        profiles = [matching.profile(record_type, c) for c in candidates[start:start + BATCH]]
        keys = [_keys(prof, kinds) for prof in profiles]
        holders = repository.key_holders(session, record_type, org_id=org_id, keys=set().union(*keys),
                                         cap=settings.max_key_records)
        rows = {row["id"]: row for row in repository.visible_profile_rows(
            session, record_type, {i for ids in holders.values() for i in ids} - set(exclude), visible_clause=clause)}
        for prof, prof_keys in zip(profiles, keys, strict=True):
            ids = {i for key in prof_keys for i in holders.get(key, ())}
            results.append(_matches(record_type, prof, [rows[i] for i in sorted(ids) if i in rows],
                                    min_score=settings.min_score))
    return results


def check_candidate(session, *, actor, record_type, candidate, settings=DEFAULTS):
    """The check before a create (``POST /{module}/duplicates/check``): the probable duplicates of ``candidate``
    that the caller can GET, each with its read (the gateway narrows it by field permissions, S-3)."""
    matches = probable_duplicates(session, org_id=actor["org_id"], record_type=record_type, candidates=[candidate],
                                  visible=actor, settings=settings)[0]
    reads = _reads(session, actor, record_type, [m["id"] for m in matches])
    return {"items": [{**m, "record": reads[m["id"]]} for m in matches if m["id"] in reads]}


def _reads(session, actor, record_type, ids):
    scope = Scope(session, actor)
    return {read["id"]: read for read in records._reads_of(session, record_type, list(dict.fromkeys(ids)), scope)}


# The review queue ---------------------------------------------------------------------------------------------

def list_queue(session, *, actor, record_type, page=1, per_page=25, record_id=None):
    """Open pairs whose two records the caller sees (C-2), highest score first: ``{items, total, page, per_page}``;
    each item ``{a, b (reads), score, reasons, found_at}``."""
    scope = Scope(session, actor)
    rows, total = repository.queue_page(session, record_type, actor=actor, list_ids=scope.selected, page=page,
                                        per_page=per_page, record_id=record_id)
    reads = {read["id"]: read for read in records._reads_of(
        session, record_type, list(dict.fromkeys(i for r in rows for i in (r["a_id"], r["b_id"]))), scope)}
    items = [{"a": reads[r["a_id"]], "b": reads[r["b_id"]], "score": r["score"], "reasons": r["reasons"],
              "found_at": r["found_at"].isoformat()} for r in rows if r["a_id"] in reads and r["b_id"] in reads]
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def dismiss_pair(session, *, actor, record_type, a_id, b_id):
    """Dismiss a pair (in either order) both of whose records the caller sees; 404 otherwise, as for a pair that
    does not exist or is already dismissed."""
    a_id, b_id = sorted((a_id, b_id))
    scope = Scope(session, actor)
    if a_id == b_id or not repository.dismiss(session, record_type, actor=actor, list_ids=scope.selected,
                                              a_id=a_id, b_id=b_id, at=now()):
        raise NotFound()


def request_scan(session, *, actor, record_type):
    """Ask for a full scan of the caller's organization (the timer runs it); its state as ``scan_state``."""
    repository.request_scan(session, org_id=actor["org_id"], record_type=record_type, user_id=actor["user_id"],
                            at=now())
    return scan_state(session, actor=actor, record_type=record_type)


def scan_state(session, *, actor, record_type):
    """``{status: never|requested|done, requested_at, started_at, finished_at, result}`` of the organization."""
    row = repository.scan_state(session, org_id=actor["org_id"], record_type=record_type)
    if row is None:
        return {"status": "never", "requested_at": None, "started_at": None, "finished_at": None, "result": None}
    status = "requested" if row["requested_at"] else ("done" if row["finished_at"] else "never")

    def iso(value):
        return value.isoformat() if value else None
    return {"status": status, "requested_at": iso(row["requested_at"]), "started_at": iso(row["started_at"]),
            "finished_at": iso(row["finished_at"]), "result": row["result"]}


# The background scan ------------------------------------------------------------------------------------------

def _score_pairs(session, record_type, id_pairs, min_score):
    rows = {row["id"]: row for row in repository.profile_rows(
        session, record_type, {i for pair in id_pairs for i in pair})}
    profiles = {i: matching.profile(record_type, row) for i, row in rows.items()}
    found = []
    for a_id, b_id in id_pairs:
        if a_id in profiles and b_id in profiles:
            value, reasons = matching.score(profiles[a_id], profiles[b_id])
            if value >= min_score:
                found.append({"a_id": a_id, "b_id": b_id, "score": value, "reasons": reasons})
    return found


def full_scan(session, *, org_id, record_type, settings=DEFAULTS, pause=lambda: None):
    """Pair every active record of the organization (C-20): keys in Python, blocking in SQL, scores in Python;
    open pairs no longer found are dropped, dismissed ones kept. ``pause`` is called between batches (the service
    yields to its other green threads there). Returns the counts and seconds of each phase."""
    started, scan_id, kinds = time.monotonic(), str(uuid.uuid4()), _kinds(settings)
    watermark = repository.latest_change(session, record_type, org_id=org_id)
    counts = {"records": 0, "candidate_pairs": 0, "pairs": 0}

    repository.create_keys_table(session)
    for rows in repository.profile_batches(session, record_type, org_id=org_id):
        counts["records"] += len(rows)
        repository.copy_keys(session, [(key, row["id"]) for row in rows
                                       for key in _keys(matching.profile(record_type, row), kinds)])
        pause()
    repository.analyze_keys(session)
    keyed = time.monotonic()
    at = now()
    for batch in repository.candidate_pairs(session, cap=settings.max_key_records, kinds=kinds):
        counts["candidate_pairs"] += len(batch)
        found = _score_pairs(session, record_type, batch, settings.min_score)
        repository.upsert_pairs(session, org_id=org_id, record_type=record_type, pairs=found, found_at=at,
                                scan_id=scan_id)
        counts["pairs"] += len(found)
        pause()
    counts["dropped"] = repository.drop_open_pairs(session, org_id=org_id, record_type=record_type,
                                                   not_scan_id=scan_id)
    done = time.monotonic()
    return {**counts, "keys_seconds": round(keyed - started, 1), "pairs_seconds": round(done - keyed, 1),
            "seconds": round(done - started, 1), "watermark": watermark}


def incremental_scan(session, *, org_id, record_type, since, since_id=None, settings=DEFAULTS):
    """Check the records changed after ``(since, since_id)`` against the organization: their pairs found are
    refreshed, their open pairs no longer found dropped. Returns ``(checked, new watermark (updated_at, id))``."""
    rows = repository.changed_since(session, record_type, org_id=org_id, since=since, since_id=since_id,
                                    limit=settings.incremental_batch)
    if not rows:
        return 0, (since, since_id)
    live = [row for row in rows if row["deleted_at"] is None]
    matches = probable_duplicates(session, org_id=org_id, record_type=record_type, candidates=live,
                                  settings=settings)
    at, found = now(), {}
    for row, row_matches in zip(live, matches, strict=True):
        for match in row_matches:
            if match["id"] != row["id"]:
                a_id, b_id = sorted((row["id"], match["id"]))
                found[(a_id, b_id)] = {"a_id": a_id, "b_id": b_id, "score": match["score"],
                                       "reasons": match["reasons"]}
    repository.upsert_pairs(session, org_id=org_id, record_type=record_type, pairs=list(found.values()),
                            found_at=at, scan_id=None)
    repository.drop_open_pairs(session, org_id=org_id, record_type=record_type, record_ids=[r["id"] for r in live],
                               keep=found)
    return len(rows), (rows[-1]["updated_at"], rows[-1]["id"])


def scan_waiting(session):
    """Whether a full scan is requested (a cheap read before a thread and a connection are spent on one)."""
    return repository.scan_requested(session)


def run_requested_scan(session, *, settings=DEFAULTS, pause=lambda: None):
    """One requested full scan, if any is waiting and not held by another worker; its state is updated in the same
    transaction. Returns the result or None."""
    state = repository.next_scan(session)
    if state is None:
        return None
    org_id, record_type = state["org_id"], state["record_type"]
    repository.update_scan(session, org_id=org_id, record_type=record_type, started_at=now())
    result = full_scan(session, org_id=org_id, record_type=record_type, settings=settings, pause=pause)
    until, until_id = result.pop("watermark")
    repository.update_scan(session, org_id=org_id, record_type=record_type, requested_at=None, finished_at=now(),
                           scanned_until=until, scanned_until_id=until_id, result=result)
    return result


def run_incremental_scans(session_begin, session, *, settings=DEFAULTS):
    """The incremental check of every organization scanned once, each in its own transaction (``session_begin``)."""
    with session_begin():
        targets = repository.incremental_candidates(session)
    checked = 0
    for org_id, record_type in targets:
        with session_begin():
            state = repository.lock_scan(session, org_id=org_id, record_type=record_type)
            if state is None or state["requested_at"] is not None:
                continue
            count, (until, until_id) = incremental_scan(
                session, org_id=org_id, record_type=record_type, since=state["scanned_until"],
                since_id=state["scanned_until_id"], settings=settings)
            if count:
                repository.update_scan(session, org_id=org_id, record_type=record_type, scanned_until=until,
                                       scanned_until_id=until_id)
            checked += count
    return checked
