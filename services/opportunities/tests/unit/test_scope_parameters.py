"""The caller's active lists and reps reach PostgreSQL as one array parameter each, however many they are: one
parameter per list made statements too long for psycopg to cache their conversion or prepare them (issue 9 §3,
cut 2). Which rows the predicates select is tested against PostgreSQL by the visibility tests of the
integration suite."""
from sqlalchemy.dialects import postgresql

from carnet_opportunities.models import account_refs, contact_refs
from carnet_opportunities.readmodel.repository.visibility import ref_visible


def _params(clause):
    """The parameters as sent at execution (``IN`` lists and array literals expanded, as at each execution)."""
    return clause.compile(dialect=postgresql.psycopg.dialect(), compile_kwargs={"render_postcompile": True}).params


def _actor(lists, reps):
    return {"org_id": "o1", "user_id": "u0", "is_admin": False, "flags": {"hierarchy_contacts": True},
            "subordinate_ids": [f"u{i}" for i in range(1, reps)], "list_ids": [f"l{i}" for i in range(lists)]}


def test_the_read_model_predicate_has_as_many_parameters_for_one_list_as_for_fifty():
    for table in (account_refs, contact_refs):
        few, many = _params(ref_visible(table, actor=_actor(1, 1))), _params(ref_visible(table, actor=_actor(50, 30)))
        assert len(few) == len(many)
        arrays = [sorted(value) for value in many.values() if isinstance(value, list)]
        assert sorted(f"l{i}" for i in range(50)) in arrays
        assert sorted(f"u{i}" for i in range(30)) in arrays
