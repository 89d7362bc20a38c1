"""A job speaks for its kind (N-4, ``carnet_common.jobs``): the codes each area names for its kinds are gathered
from every area mixed into a service (not only the first one's), and a kind that names none keeps the export
codes; a name an area left out is the neutral job code, never an export's. Pure logic: identity is a fake."""
import pytest

from carnet_common import jobs
from carnet_common.errors import Unauthorized

RUN_CODES = {"narrowed": "thing_authority_narrowed", "interrupted": "thing_interrupted",
             "per_user": "thing_jobs_per_user"}


@pytest.fixture
def registry(monkeypatch):
    """A registry of this test's own: the kinds registered here do not outlive it."""
    monkeypatch.setattr(jobs, "_kind_codes", {})


class FakeIdentity:
    def __init__(self, answer):
        self.answer = answer

    def get_principal(self, user_id):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def _service():
    """A service as ContactsService is built: an export area that is the ``JobRpc`` and two areas after it, each
    with codes and reads of its own."""
    class Exports(jobs.JobRpc):
        pass

    class Imports:
        job_codes = {"thing_import": {"failure": "thing_import_failed"}}
        job_reads = {"thing_import": lambda session, job: {"counts": {}}}

    class Automations:
        job_codes = {"thing_run": RUN_CODES}
        job_reads = {"thing_run": lambda session, job: {"extra": 1}}

    class Service(Exports, Imports, Automations):
        def job_authority_lost(self, principal, job):
            return principal.get("lost", [])
    return Service


def test_every_area_s_codes_and_reads_are_gathered_not_only_the_first_one_s(registry):
    service = _service()
    assert service.job_kind_codes == {"thing_import": {"failure": "thing_import_failed"}, "thing_run": RUN_CODES}
    assert set(service.job_kind_reads) == {"thing_import", "thing_run"}
    assert jobs.code_of("thing_run", "per_user") == "thing_jobs_per_user"
    assert jobs.code_of("thing_import", "failure") == "thing_import_failed"


def test_a_kind_without_codes_keeps_the_export_ones_and_a_missing_name_is_the_neutral_job_code(registry):
    _service()
    assert [jobs.code_of("export_contacts", name) for name in jobs.CODE_NAMES] == list(jobs.EXPORT_CODES.values())
    assert jobs.code_of("thing_run", "failure") == "job_failed"
    assert jobs.code_of("thing_import", "interrupted") == "job_interrupted"
    assert jobs.code_of("thing_import", "per_org") == "jobs_per_org"
    assert not any(jobs.code_of(kind, name).startswith("export")
                   for kind in ("thing_run", "thing_import") for name in jobs.CODE_NAMES)


def test_an_unknown_code_name_is_refused_when_the_service_is_defined(registry):
    class Broken:
        job_codes = {"thing_run": {"refused": "thing_refused"}}
    with pytest.raises(ValueError, match="refused"):
        type("Service", (jobs.JobRpc, Broken), {})


def test_the_owner_check_refuses_a_job_in_the_words_of_its_kind(registry):
    service = _service()()
    run, export = {"id": "j1", "kind": "thing_run", "user_id": "u", "org_id": "o"}, \
        {"id": "j2", "kind": "export_contacts", "user_id": "u", "org_id": "o"}
    service.job_identity = FakeIdentity({"organization": {"id": "o"}, "lost": ["contacts.title"]})
    assert (service._owner_may_still(run), service._owner_may_still(export)) == \
        ("thing_authority_narrowed", "export_authority_narrowed")
    service.job_identity = FakeIdentity(Unauthorized())
    assert (service._owner_may_still(run), service._owner_may_still(export)) == \
        ("job_owner_inactive", "export_owner_inactive")
    service.job_identity = FakeIdentity({"organization": {"id": "o"}})
    assert service._owner_may_still(run) is None
