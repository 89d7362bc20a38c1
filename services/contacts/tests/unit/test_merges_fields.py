"""The merge proposal and the caller's choices (C-20, carnet_contacts/merges/fields.py): pure functions."""
from carnet_contacts.merges import fields


def _contact(**values):
    base = dict.fromkeys(fields.standard_fields("contact"))
    base.update(subscribed=True, status="active")
    return {**base, **values}


def test_a_value_present_on_one_side_only_is_kept_whichever_is_newer():
    winner, loser = _contact(title="PDG"), _contact(email="a@example.com")
    for newer in (True, False):
        proposal = fields.propose("contact", winner, loser, winner_newer=newer)
        assert proposal["title"] == "winner" and proposal["email"] == "loser"


def test_two_different_values_take_the_record_updated_last():
    winner, loser = _contact(first_name="Émile"), _contact(first_name="Emile")
    assert fields.propose("contact", winner, loser, winner_newer=True)["first_name"] == "winner"
    assert fields.propose("contact", winner, loser, winner_newer=False)["first_name"] == "loser"


def test_unsubscribed_on_either_side_stays_unsubscribed():
    winner, loser = _contact(subscribed=True), _contact(subscribed=False)
    assert fields.propose("contact", winner, loser, winner_newer=True)["subscribed"] == "loser"
    assert fields.propose("contact", loser, winner, winner_newer=False)["subscribed"] == "winner"


def test_both_phone_numbers_are_kept_in_free_slots():
    winner, loser = _contact(phone="514-555-0101"), _contact(phone="(514) 555-0199", mobile="514 555 0101")
    proposal = fields.propose("contact", winner, loser, winner_newer=True)
    merged = fields.merged_values(proposal, winner, loser)
    assert merged["phone"] == "514-555-0101" and merged["mobile"] == "(514) 555-0199"
    assert proposal["mobile"] == "loser:phone" and merged["other_phone"] is None  # 0101 is held already


def test_locked_fields_keep_the_winners_value_and_cannot_be_chosen():
    winner, loser = _contact(), _contact(title="PDG", phone="514-555-0199")
    proposal = fields.propose("contact", winner, loser, winner_newer=False, locked={"title", "phone", "mobile"})
    assert proposal["title"] == "winner" and proposal["other_phone"] == "loser:phone"
    sources, errors = fields.apply_choices("contact", proposal, {"title": "loser", "email": "loser:phone",
                                                                 "nope": "winner", "city": "loser"},
                                           locked={"title"})
    assert errors == {"choices.title": ["field_locked"], "choices.email": ["invalid_source"],
                      "choices.nope": ["unknown_field"]}
    assert sources["city"] == "loser"


def test_custom_fields_are_proposed_like_standard_ones():
    keys = ["size"]
    winner = fields.values_of({**_contact(), "custom": {}}, "contact", keys)
    loser = fields.values_of({**_contact(), "custom": {"size": 12}}, "contact", keys)
    assert fields.propose("contact", winner, loser, winner_newer=True)["custom.size"] == "loser"
