"""The caller's list scope and reps reach PostgreSQL as one array parameter each, however many lists or reps they
have: a statement with one parameter per list (fifty for a caller with fifty lists) was too long for psycopg to
cache its conversion or prepare it (issue 9 §3, cut 2). Which rows the predicates select is tested against
PostgreSQL in tests/integration/test_visibility_rules.py and test_action_criteria_visibility.py."""
import pytest
from sqlalchemy.dialects import postgresql

from carnet_contacts.models import opportunity_summaries, task_summaries
from carnet_contacts.records import repository
from carnet_contacts.records.repository import summary_visibility

LISTS = {f"l{i}" for i in range(50)}


def _params(clause):
    """The parameters as sent at execution (``IN`` lists expanded, as SQLAlchemy does for each execution)."""
    return clause.compile(dialect=postgresql.psycopg.dialect(), compile_kwargs={"render_postcompile": True}).params


def _actor(reps):
    return {"org_id": "o1", "user_id": "u0", "is_admin": False, "flags": {"hierarchy_contacts": True},
            "subordinate_ids": [f"u{i}" for i in range(1, reps)]}


BUILDERS = {
    "contacts": lambda actor, lists: repository.visible("contact", actor=actor, list_ids=lists),
    "accounts": lambda actor, lists: repository.visible("account", actor=actor, list_ids=lists),
    "opportunity summaries": lambda actor, lists: summary_visibility.opportunity_seen(
        opportunity_summaries, actor, lists),
    "task summaries": lambda actor, lists: summary_visibility.task_seen(task_summaries, actor, lists),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_a_predicate_has_as_many_parameters_for_one_list_and_rep_as_for_fifty_and_thirty(name):
    few = _params(BUILDERS[name](_actor(1), {"l1"}))
    many = _params(BUILDERS[name](_actor(30), LISTS))
    assert len(few) == len(many)
    arrays = [sorted(value) for value in many.values() if isinstance(value, list)]
    assert sorted(LISTS) in arrays
    assert sorted(f"u{i}" for i in range(30)) in arrays
