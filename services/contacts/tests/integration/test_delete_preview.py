"""The delete preview (C-10) as the lifecycle use case builds it from PostgreSQL, with the opportunities service
replaced by hand-written fakes of the proxy the service passes in (``ServiceRpc``): what it answers is shown beside
what contacts knows, and when it does not answer in time the preview says so and still shows the rest."""
import pytest
from contacts_helpers import make_actor
from sqlalchemy.orm import Session

from carnet_common.rpc import RpcTimeout
from carnet_contacts.lifecycle import usecases


class Answering:
    def __init__(self, answer):
        self.answer, self.calls = answer, []

    def dependents_of(self, caller, record_type, record_id):
        self.calls.append((caller["user_id"], record_type, record_id))
        return self.answer


class TimingOut:
    def dependents_of(self, caller, record_type, record_id):
        raise RpcTimeout("opportunities.dependents_of: no reply in 3 s")


ANSWER = {"opportunities": [{"id": "o1", "name": "Renouvellement"}], "opportunities_total": 1,
          "tasks": [{"id": "t1", "title": "Rappeler"}, {"id": "t2", "title": "Écrire"}], "tasks_total": 2}


@pytest.fixture
def world(rpc):
    admin = make_actor(is_admin=True)
    shared = rpc.create_list(admin, {"name": "Partagée", "access_all_users": True})["id"]
    account = rpc.create_account(admin, {"name": "Gagnon inc.", "list_ids": [shared]})
    only = rpc.create_account_contact(admin, account["id"], {"first_name": "Émile", "last_name": "Roy"})
    return {"admin": admin, "account": account["id"], "contact": only["id"]}


def _preview(engine, world, record_type, record_id, opportunities):
    with Session(engine) as session:
        return usecases.delete_preview(session, actor=world["admin"], record_type=record_type, record_id=record_id,
                                       opportunities=opportunities)


def test_what_opportunities_answers_is_shown_with_what_contacts_knows(engine, world):
    opportunities = Answering(ANSWER)
    preview = _preview(engine, world, "contact", world["contact"], opportunities)
    assert opportunities.calls == [(world["admin"]["user_id"], "contact", world["contact"])]
    assert {k: preview[k] for k in ANSWER} == ANSWER and "dependents_unavailable" not in preview
    assert (preview["name"], preview["account_name"], preview["reattach_to"], preview["offers_account_delete"]) == (
        "Émile Roy", "Gagnon inc.", world["account"], True)
    account = _preview(engine, world, "account", world["account"], Answering(ANSWER))
    assert account["tasks_total"] == 2 and account["reattach_to"] is None
    assert account["contacts"] == [{"id": world["contact"], "name": "Émile Roy"}] and account["contacts_total"] == 1


def test_without_an_answer_in_time_the_preview_says_so_and_shows_the_rest(engine, world):
    preview = _preview(engine, world, "contact", world["contact"], TimingOut())
    assert preview["dependents_unavailable"] is True
    assert preview["tasks"] == [] and preview["opportunities"] == []
    assert preview["reattach_to"] == world["account"] and preview["offers_account_delete"] is True
    account = _preview(engine, world, "account", world["account"], TimingOut())
    assert account["dependents_unavailable"] is True and account["contacts_total"] == 1
