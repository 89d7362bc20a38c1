"""The builder's rules that need no database (F-1, C-14): custom fields typed from the organization's definitions,
the target list checked, the field catalogue, the contacts service's caller shape, and the contacts service not
answering (a hand-written stand-in for its proxy: these are the pure parts of the use cases)."""
import pytest

from carnet_common.contracts import load_or_raise
from carnet_common.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from carnet_common.rpc import RpcTimeout
from carnet_contracts.actors import ContactsActor
from carnet_forms import definition
from carnet_forms.builder import usecases

ACTOR = {"org_id": "o1", "user_id": "u1", "is_admin": False, "request_id": "r1", "timezone": "America/Toronto",
         "language": "fr"}
DEFINITIONS = [
    {"key": "secteur", "type": "single_choice", "label_fr": "Secteur", "label_en": "Industry", "hidden": False,
     "choices": ["Santé", "Éducation"]},
    {"key": "site", "type": "url", "label_fr": "Site", "label_en": "Website", "hidden": False, "choices": None},
    {"key": "notes", "type": "html", "label_fr": "Notes", "label_en": "Notes", "hidden": False, "choices": None},
    {"key": "tags", "type": "multi_choice", "label_fr": "Étiquettes", "label_en": "Tags", "hidden": False,
     "choices": ["a", "b"]},
    {"key": "interne", "type": "text", "label_fr": "Interne", "label_en": "Internal", "hidden": True, "choices": None},
]


class Contacts:
    """The contacts proxy's two reads, recording the callers it was given."""

    def __init__(self, lists=("L1",), org_lists=("L1", "L2"), fail=None):
        self.lists, self.org_lists, self.fail, self.callers = lists, org_lists, fail, []

    def list_custom_fields(self, actor, module):
        assert module == "contacts"
        self.callers.append(actor)
        if self.fail:
            raise self.fail
        return DEFINITIONS

    def list_lists(self, actor):
        self.callers.append(actor)
        if self.fail:
            raise self.fail
        return [{"id": i} for i in (self.org_lists if actor["is_admin"] else self.lists)]


def draft(*fields, list_id=None):
    return definition.check_draft({"fields": [{"name": "email"}, *fields], "list_id": list_id})


def test_the_contacts_caller_is_the_shape_the_contacts_service_loads():
    shape = usecases.contacts_actor(ACTOR)
    assert load_or_raise(ContactsActor(), shape) == shape
    assert shape["flags"] == {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False}
    assert shape["subordinate_ids"] == [] and not shape["is_admin"]


def test_custom_fields_are_typed_and_labelled_from_their_definitions():
    resolved = usecases.resolve(draft({"name": "custom.secteur"}, {"name": "custom.site"}, {"name": "custom.notes"},
                                      {"name": "custom.tags", "options": ["b"], "label": {"fr": "Mes tags"}}),
                                contacts=Contacts(), actor=ACTOR)
    secteur, site, notes, tags = resolved["fields"][1:]
    assert secteur == {"name": "custom.secteur", "type": "select", "custom_type": "single_choice", "required": False,
                       "label": {"fr": "Secteur", "en": "Industry"}, "options": ["Santé", "Éducation"]}
    assert (site["type"], site["custom_type"]) == ("text", "url")
    assert (notes["type"], notes["custom_type"]) == ("textarea", "html")
    assert tags["options"] == ["b"] and tags["label"] == {"fr": "Mes tags", "en": "Tags"}
    # What a visitor then posts is checked as the custom type: a URL field takes only URLs.
    published = definition.check_publishable({**resolved, "list_id": "L1", "title": {"fr": "t", "en": "t"}})
    assert definition.validate_values(published, {"email": "a@b.co", "custom.site": "pas une url"}, "fr")[1] == {
        "custom.site": "invalid_url"}


@pytest.mark.parametrize("field, path, code", [
    ({"name": "custom.absent"}, "draft.fields.1.name", "unknown_custom_field"),
    ({"name": "custom.interne"}, "draft.fields.1.name", "unknown_custom_field"),   # hidden: takes no value (C-14)
    ({"name": "custom.secteur", "options": ["Sport"]}, "draft.fields.1.options", "invalid_option"),
    ({"name": "custom.secteur", "type": "multi"}, "draft.fields.1.type", "field_type_mismatch"),
])
def test_a_custom_field_the_organization_does_not_offer_is_refused(field, path, code):
    with pytest.raises(InvalidInput) as refused:
        usecases.resolve(draft(field), contacts=Contacts(), actor=ACTOR)
    assert refused.value.errors == {path: [code]}


def test_a_new_list_must_be_the_caller_s_the_kept_one_the_organization_s():
    contacts = Contacts(lists=("L1",), org_lists=("L1", "L2"))
    assert usecases.resolve(draft(list_id="L1"), contacts=contacts, actor=ACTOR)["list_id"] == "L1"
    with pytest.raises(InvalidInput) as refused:
        usecases.resolve(draft(list_id="L2"), contacts=contacts, actor=ACTOR)
    assert refused.value.errors == {"draft.list_id": ["unknown_list"]}
    assert not contacts.callers[-1]["is_admin"]
    assert usecases.resolve(draft(list_id="L2"), contacts=contacts, actor=ACTOR, kept_list_id="L2")["list_id"] == "L2"
    with pytest.raises(Conflict) as refused:   # at publish: 409
        usecases.resolve(draft(list_id="L3"), contacts=contacts, actor=ACTOR, kept_list_id="L3", error=Conflict,
                         code=definition.NOT_PUBLISHABLE)
    assert refused.value.code == "form_not_publishable"


def test_a_draft_without_custom_fields_or_list_asks_nothing():
    contacts = Contacts()
    usecases.resolve(draft({"name": "first_name"}), contacts=contacts, actor=ACTOR)
    assert contacts.callers == []


@pytest.mark.parametrize("error", [RpcTimeout("contacts: no reply"), ConnectionRefusedError()])
def test_the_contacts_service_not_answering_is_a_503(error):
    with pytest.raises(ServiceUnavailable) as refused:
        usecases.resolve(draft({"name": "custom.secteur"}), contacts=Contacts(fail=error), actor=ACTOR)
    assert refused.value.params == {"service": "contacts"}
    with pytest.raises(ServiceUnavailable):
        usecases.form_field_catalog(actor=ACTOR, contacts=Contacts(fail=error))


def test_the_catalogue_lists_the_contact_s_fields_then_the_visible_custom_ones():
    catalog = usecases.form_field_catalog(actor=ACTOR, contacts=Contacts())
    names = [item["name"] for item in catalog]
    assert names[:len(definition.STANDARD_FIELDS)] == list(definition.STANDARD_FIELDS)
    assert names[len(definition.STANDARD_FIELDS):] == ["custom.secteur", "custom.site", "custom.notes", "custom.tags"]
    for item in catalog:
        assert item["label"]["fr"] and item["label"]["en"], item
        assert ("options" in item) == (item["type"] in definition.CHOICE_TYPES), item
    assert catalog[-1] == {"name": "custom.tags", "type": "multi", "label": {"fr": "Étiquettes", "en": "Tags"},
                           "options": ["a", "b"], "custom": True}


def test_a_form_id_that_is_not_a_uuid_names_nothing():
    for value in ("x", "", None, 12, "00000000-0000-0000-0000-00000000000g"):
        with pytest.raises(NotFound):
            usecases._form_uuid(value)
    assert usecases._form_uuid("0E5F5C3B-6D5A-4C2B-9A41-111111111111") == "0e5f5c3b-6d5a-4c2b-9a41-111111111111"
