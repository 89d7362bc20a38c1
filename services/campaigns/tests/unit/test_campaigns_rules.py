"""Pure rules of the campaigns area: what a draft's body accepts (no header injection, E-5), which lists a caller may
target, the Message-ID's domain, and the one-to-one e-mail's sender (never the body's)."""
import pytest
from marshmallow import ValidationError

from carnet_campaigns.campaigns import usecases
from carnet_common.errors import InvalidInput
from carnet_contracts import campaigns as contracts


@pytest.mark.parametrize("field,value,code", [
    ("reply_to", "a@b.example\r\nBcc: x@y.example", "invalid_email"),
    ("reply_to", "a@b.example\n", "invalid_email"),
    ("reply_to", "not-an-address", "invalid_email"),
    ("reply_to", "a@b", "invalid_email"),
    ("from_email", "news@acme.example\r\n", "invalid_email"),
    ("from_email", "news@acme.example, other@x.example", "invalid_email"),
    ("from_name", "Acme\r\nBcc: x@y.example", "header_line_break"),
    ("subject", "Hello\nBcc: x@y.example", "header_line_break"),
])
def test_header_injection_is_refused_on_its_field(field, value, code):
    with pytest.raises(ValidationError) as caught:
        contracts.CampaignCreate().load({"name": "May", field: value})
    assert caught.value.messages == {field: [code]}


def test_a_draft_body_loads_with_defaults():
    loaded = contracts.CampaignCreate().load({"name": " May ", "reply_to": "help@acme.example",
                                              "from_email": "news@acme.example"})
    assert loaded == {"name": "May", "list_ids": [], "require_express": False, "reply_to": "help@acme.example",
                      "from_email": "news@acme.example"}


def test_an_update_names_its_version():
    with pytest.raises(ValidationError) as caught:
        contracts.CampaignUpdate().load({"name": "x"})
    assert "version" in caught.value.messages


def test_the_sender_is_not_a_field_of_a_one_to_one_email():
    with pytest.raises(ValidationError) as caught:
        contracts.SingleEmailCreate().load({"subject": "Hi", "from_email": "boss@acme.example"})
    assert caught.value.messages == {"from_email": ["Unknown field."]}


def test_lists_must_be_among_the_callers():
    actor = {"list_ids": ["L1", "L2"]}
    assert usecases._lists(actor, ["L2", "L1", "L2"]) == ["L2", "L1"]
    with pytest.raises(InvalidInput) as caught:
        usecases._lists(actor, ["L1", "L9"])
    assert caught.value.errors == {"list_ids": ["unknown_list"]} and caught.value.params == {"ids": "L9"}


def test_message_id_domain_is_the_senders_in_ascii():
    assert usecases.AREAS.sender_domain("News@Acme.Example") == "acme.example"
    assert usecases.AREAS.sender_domain("info@café.example") == "xn--caf-dma.example"


@pytest.mark.parametrize("action,status,allowed", [
    ("pause", "sending", True), ("pause", "paused", False), ("pause", "draft", False),
    ("resume", "paused", True), ("resume", "sending", False),
    ("cancel", "sending", True), ("cancel", "paused", True), ("cancel", "sent", False),
    ("cancel", "cancelled", False),
])
def test_status_transitions(action, status, allowed):
    assert (status in usecases.TRANSITIONS[action][0]) is allowed
