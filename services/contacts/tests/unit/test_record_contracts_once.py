"""The records entrypoints parse the caller and the search query with contracts built once (issue 9 §3 cut 15):
no marshmallow schema is built per call, and what they accept and refuse is unchanged."""
import marshmallow
import pytest

from carnet_common.errors import InvalidInput
from carnet_contacts.records import contracts, usecases
from carnet_contacts.records.entrypoints import RecordsRpc

ACTOR = {"org_id": "org-1", "user_id": "user-1", "is_admin": False,
         "flags": {"all_contacts": True}, "subordinate_ids": ["user-2"]}


class _Db:
    def begin(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def service(monkeypatch):
    seen = []
    monkeypatch.setattr(usecases, "get_record", lambda session, **kw: seen.append(("get", kw)) or {"id": "c1"})
    monkeypatch.setattr(usecases, "search_records", lambda session, **kw: seen.append(("search", kw)) or {"items": []})
    rpc = RecordsRpc()
    rpc.db = _Db()
    rpc.seen = seen
    return rpc


@pytest.fixture
def schemas_built(monkeypatch):
    built = []
    original = marshmallow.Schema.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)
    monkeypatch.setattr(marshmallow.Schema, "__init__", counting)
    return built


def test_get_and_search_build_no_schema_per_call(service, schemas_built):
    service.get_contact(ACTOR, "c1")   # a nested schema (the flags) is built at its field's first load, once
    schemas_built.clear()
    service.seen.clear()
    for _ in range(3):
        service.get_contact(ACTOR, "c1")
        service.search_contacts(ACTOR, {"q": "tremblay", "per_page": 50})
        service.search_accounts(ACTOR, {"q": "bench"})
    assert schemas_built == []
    kinds = [kind for kind, _ in service.seen]
    assert kinds == ["get", "search", "search"] * 3


def test_the_caller_and_query_are_parsed_as_before(service):
    service.get_contact(ACTOR, "c1")
    service.search_contacts({**ACTOR, "flags": {}}, {"q": "  tremblay  "})
    (_, get), (_, search) = service.seen
    assert get["actor"] == {**ACTOR, "flags": {"all_contacts": True, "hierarchy_contacts": False,
                                               "own_records_only": False}, "timezone": "America/Toronto"}
    assert search["actor"]["flags"] == {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False}
    assert search["query"]["q"] == "  tremblay  "
    assert search["query"]["per_page"] == contracts.SearchQuery().load({})["per_page"]


@pytest.mark.parametrize(("actor", "query", "field"), [
    ({**ACTOR, "is_admin": "yes please"}, {}, "is_admin"),
    ({key: value for key, value in ACTOR.items() if key != "org_id"}, {}, "org_id"),
    ({**ACTOR, "role": "admin"}, {}, "role"),
    (ACTOR, {"per_page": 0}, "per_page"),
    (ACTOR, {"sort": ""}, "sort"),
])
def test_bad_callers_and_queries_are_still_refused_by_field(service, actor, query, field):
    with pytest.raises(InvalidInput) as refused:
        service.search_contacts(actor, query)
    assert field in refused.value.errors
    assert service.seen == []


def test_a_refusal_leaves_nothing_behind_for_the_next_call(service):
    with pytest.raises(InvalidInput):
        service.get_contact({**ACTOR, "user_id": 7}, "c1")
    service.get_contact(ACTOR, "c1")
    assert service.seen[0][1]["actor"]["user_id"] == "user-1"
