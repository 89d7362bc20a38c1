"""Each actor shape the gateway builds (``carnet_gateway/actors.py``) loads into the ``Actor`` contract of the
service that receives it (``carnet_contracts.actors``, as each service's entrypoints name it): the contracts
refuse unknown keys, so a key added on one side only would fail every call of that shape.

The principals are built as the gateway's unit tests build them: the fields identity's ``get_principal``
returns, with and without the optional ones."""
import pytest
from flask import Flask, g
from marshmallow import ValidationError

from carnet_common.contracts import load_or_raise
from carnet_contacts import contracts as contacts
from carnet_contracts.actors import FLAGS, CampaignsActor
from carnet_gateway import actors
from carnet_gateway.routes.customization import OPPORTUNITY_FIELDS_ACTOR
from carnet_identity import contracts as identity
from carnet_opportunities.opportunities import contracts as opportunities
from carnet_opportunities.tasks import contracts as tasks


class Redis:
    """The two commands the active-list cache uses."""

    def __init__(self):
        self.data = {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value, ex=None):
        self.data[key] = value


class Contacts:
    """Answers ``get_selected_lists`` as the contacts service would: after loading the actor it was sent."""

    def __init__(self):
        self.actors = []

    def call(self, service, method, actor):
        assert (service, method) == ("contacts", "get_selected_lists")
        self.actors.append(load_or_raise(contacts.Actor(), actor))
        return {"list_ids": ["l1", "l2"]}


def principal(*, flags=True, timezone="America/Vancouver", language="fr"):
    return {
        "user": {"id": "u7", "org_id": "o7", "username": "user-u7", "language": language},
        "organization": {"id": "o7", "name": "Org", **({"timezone": timezone} if timezone else {})},
        "role": None,
        "is_admin": False,
        "permissions": {"modules": {}, "fields": {}, "special": {}},
        "flags": {"all_contacts": False, "hierarchy_contacts": True, "own_records_only": False} if flags else None,
        "subordinate_ids": ["u8"] if flags else None,
    }


RECEIVERS = [
    ("IDENTITY", actors.IDENTITY, identity.Actor),
    ("CONTACTS", actors.CONTACTS, contacts.Actor),
    ("OPPORTUNITIES", actors.OPPORTUNITIES, opportunities.Actor),
    ("TASKS", actors.TASKS, tasks.TaskActor),
    ("CAMPAIGNS", actors.CAMPAIGNS, CampaignsActor),
    ("opportunity custom fields", OPPORTUNITY_FIELDS_ACTOR, opportunities.Actor),
]
PRINCIPALS = {"complete": principal(), "without optional fields": principal(flags=False, timezone=None, language=None)}


@pytest.fixture
def app():
    app = Flask(__name__)
    app.extensions.update({"carnet.redis": Redis(), "carnet.rpc": Contacts()})
    return app


def build(app, shape, user, language="fr-CA"):
    with app.test_request_context("/api/v1/x", headers={"Accept-Language": language}):
        g.request_id = "req-7"
        return shape.of(user)


@pytest.mark.parametrize("user", PRINCIPALS.values(), ids=PRINCIPALS.keys())
@pytest.mark.parametrize("name, shape, contract", RECEIVERS, ids=[name for name, _, _ in RECEIVERS])
def test_the_shape_loads_into_the_contract_of_its_receiver(app, user, name, shape, contract):
    sent = build(app, shape, user)
    loaded = load_or_raise(contract(), sent)
    assert {key: loaded[key] for key in sent if key != "flags"} == {k: v for k, v in sent.items() if k != "flags"}
    if "flags" in sent:  # a flag the principal lacks is off
        assert loaded["flags"] == {**dict.fromkeys(FLAGS, False), **sent["flags"]}
    assert (loaded["org_id"], loaded["user_id"], loaded["request_id"]) == ("o7", "u7", "req-7")


def test_the_receivers_read_what_the_gateway_sends(app):
    """Values, not only keys: visibility, lists, time zone and language arrive as the principal has them."""
    task_actor = load_or_raise(tasks.TaskActor(), build(app, actors.TASKS, principal(), language="en"))
    assert task_actor["flags"]["hierarchy_contacts"] is True and task_actor["subordinate_ids"] == ["u8"]
    assert task_actor["list_ids"] == ["l1", "l2"]
    assert (task_actor["timezone"], task_actor["language"]) == ("America/Vancouver", "en")
    asked = app.extensions["carnet.rpc"].actors
    assert [actor["user_id"] for actor in asked] == ["u7"], "the lists are asked of contacts with its own actor"


@pytest.mark.parametrize("name, shape, contract", [
    ("CONTACTS into identity", actors.CONTACTS, identity.Actor),
    ("TASKS into opportunities", actors.TASKS, opportunities.Actor),
    ("OPPORTUNITIES into contacts", actors.OPPORTUNITIES, contacts.Actor),
])
def test_a_shape_with_keys_its_receiver_does_not_declare_is_refused(app, name, shape, contract):
    """Guard against a check that cannot fail: a shape sent to the wrong receiver is refused."""
    with pytest.raises(ValidationError) as refused:
        load_or_raise(contract(), build(app, shape, principal()))
    assert "Unknown field." in str(refused.value.messages)
