"""Automations (AU-1), pure parts: which contact a contacts event is about, what of the saved authority a principal
of now no longer grants, and how a run's last outcome reads beside its job. The runs themselves are tested end to
end (tests/e2e_contacts/test_automations.py)."""
from carnet_contacts.automations import usecases

ACTOR = {"org_id": "o1", "user_id": "u1", "is_admin": False, "subordinate_ids": ["u2"],
         "flags": {"all_contacts": True, "hierarchy_contacts": False, "own_records_only": False}}
AUTHORITY = {"actor": ACTOR, "unreadable": ["contacts.title"]}
GRANTS = {"read": True, "write": True}


def _principal(**changes):
    principal = {"is_admin": False, "subordinate_ids": ["u2"], "flags": dict(ACTOR["flags"]),
                 "permissions": {"modules": {"contacts": GRANTS, "accounts": GRANTS, "opportunities": GRANTS,
                                             "tasks": GRANTS, "automations": GRANTS},
                                 "fields": {"contacts.title": {"read": False, "write": False}}}}
    principal.update(changes)
    return principal


def test_each_contacts_event_names_its_contact_and_an_accounts_membership_names_none():
    assert usecases._contact_of({"record": {"id": "c1"}}) == "c1"
    assert usecases._contact_of({"record_type": "contact", "record_id": "c2"}) == "c2"
    assert usecases._contact_of({"record_type": "account", "record_id": "a1"}) is None
    assert usecases._contact_of({"contact_id": "c3", "from_account_id": "a1"}) == "c3"


def test_the_same_authority_of_now_loses_nothing():
    assert usecases.authority_lost(principal=_principal(), params=AUTHORITY) == []


def test_a_lost_permission_flag_subordinate_or_readable_field_is_named():
    no_write = _principal()
    no_write["permissions"]["modules"]["automations"] = {"read": True, "write": False}
    assert usecases.authority_lost(principal=no_write, params=AUTHORITY) == ["automations.write"]
    assert usecases.authority_lost(principal=_principal(flags={}), params=AUTHORITY) == ["flags.all_contacts"]
    assert usecases.authority_lost(principal=_principal(subordinate_ids=[]), params=AUTHORITY) == [
        "subordinate_ids.u2"]
    hidden = _principal()
    hidden["permissions"]["fields"]["contacts.email"] = {"read": False, "write": False}
    assert usecases.authority_lost(principal=hidden, params=AUTHORITY) == ["contacts.email"]


def test_a_manual_run_reads_its_jobs_status_and_failure_as_its_own():
    queued = {"trigger": "manual", "status": "queued", "job_id": "contacts:j1", "at": "2026-12-06T00:00:00+00:00"}
    assert usecases._run_read(queued, {"status": "running", "error": None})["status"] == "running"
    failed = usecases._run_read(queued, {"status": "failed", "error": "export_authority_narrowed"})
    assert (failed["status"], failed["error"]) == ("failed", usecases.NARROWED)
    assert usecases._run_read(queued, {"status": "failed", "error": "export_timed_out"})["error"] == usecases.FAILED
    done = {**queued, "status": "done", "matched": 3, "added": 1}
    assert usecases._run_read(done, {"status": "done", "error": None}) == {**done, "contact_id": None, "error": None}
    assert usecases._run_read(queued, None)["status"] == "failed"   # its job expired
    assert usecases._run_read(None, None) is None


def test_a_creators_principal_answers_changes_for_a_few_seconds_then_is_asked_again():
    from carnet_common.errors import Unauthorized
    from carnet_contacts.automations.entrypoints import PrincipalCache
    now, asked = [0.0], []

    def ask(user_id):
        asked.append(user_id)
        if user_id == "gone":
            raise Unauthorized()
        return {"user": user_id, "asked": len(asked)}

    cache = PrincipalCache(ttl=5, clock=lambda: now[0])
    assert cache.get("u1", ask) == cache.get("u1", ask) == {"user": "u1", "asked": 1}
    for _ in range(2):
        try:
            cache.get("gone", ask)
            raise AssertionError("Unauthorized expected")
        except Unauthorized:
            pass
    assert asked == ["u1", "gone"]
    now[0] = 5.0
    assert cache.get("u1", ask)["asked"] == 3 and set(cache.kept) == {"u1"}
