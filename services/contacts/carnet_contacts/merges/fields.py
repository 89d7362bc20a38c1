"""The field-by-field proposal of a merge (C-20) and the caller's choices: pure functions, no I/O.

Every field of the surviving record (the *winner*) takes its value from one *source*: ``winner`` or ``loser``
(the same field of either record). The proposal (``propose``):
- a value present on one side only is kept (an empty value never overwrites one that is there);
- present on both and different: the value of the record updated last;
- ``subscribed`` (C-3, consent): unsubscribed on either side stays unsubscribed, whichever was updated last;
- custom fields (C-14) likewise, one entry per custom field (``custom.<key>``);
- phones (contacts): a contact has several phone slots (``phone``, ``mobile``, ``other_phone``), so a number of
  either record that the merged record would not hold anywhere is proposed in an empty slot instead of being
  dropped: the source ``winner:<field>`` / ``loser:<field>`` takes that record's ``<field>`` into another slot.
  So both numbers are kept.
  (The contact has one email address: of two different ones the proposal keeps one, the other stays in the
  loser's snapshot and history.)

``locked`` fields (those the caller may not read or write, S-3, and custom fields hidden for everyone, C-14) keep
the winner's value: a merge never writes or reveals what the caller could not edit by hand.
"""
from carnet_contacts.models import ACCOUNT_FIELDS, CONTACT_FIELDS

PHONE_SLOTS = ("phone", "mobile", "other_phone")
CONSENT_FIELDS = ("subscribed",)
SIDES = ("winner", "loser")


def standard_fields(record_type):
    """The standard fields a merge chooses between (the record's own fields; ``is_primary`` is the winner's, C-13)."""
    return CONTACT_FIELDS if record_type == "contact" else ACCOUNT_FIELDS


def empty(value):
    return value is None or value == "" or value == [] or value == {}


def values_of(row, record_type, custom_keys):
    """``{field: value}`` of a record row for every mergeable field (``custom.<key>`` for custom values)."""
    values = {name: row[name] for name in standard_fields(record_type)}
    custom = row["custom"] or {}
    values.update({f"custom.{key}": custom.get(key) for key in custom_keys})
    return values


def _digits(value):
    return "".join(ch for ch in value or "" if ch.isdigit())


def sources_for(record_type, field):
    """The sources a field may take its value from."""
    if record_type == "contact" and field in PHONE_SLOTS:
        return SIDES + tuple(f"{side}:{slot}" for side in SIDES for slot in PHONE_SLOTS if slot != field)
    return SIDES


def value_from(source, field, winner, loser):
    if source == "winner":
        return winner[field]
    if source == "loser":
        return loser[field]
    side, slot = source.split(":", 1)
    return (winner if side == "winner" else loser)[slot]


def propose(record_type, winner, loser, *, winner_newer, locked=()):
    """``{field: source}``: the proposed source of each field (see the module docstring). ``winner``/``loser``:
    ``values_of`` both records; ``winner_newer``: the winner was updated last (or at the same time)."""
    proposal = {}
    for field in winner:
        mine, theirs = winner[field], loser[field]
        if field in locked or empty(theirs) or mine == theirs:
            proposal[field] = "winner"
        elif empty(mine):
            proposal[field] = "loser"
        elif field in CONSENT_FIELDS:
            proposal[field] = "winner" if mine is False else "loser" if theirs is False else "winner"
        else:
            proposal[field] = "winner" if winner_newer else "loser"
    if record_type == "contact":
        _keep_both_phones(proposal, winner, loser, locked)
    return proposal


def _keep_both_phones(proposal, winner, loser, locked):
    """A number of either record the merged record would not hold goes into an empty slot (``<side>:<slot>``)."""
    def merged(slot):
        return value_from(proposal[slot], slot, winner, loser)

    for slot in PHONE_SLOTS:  # a loser's number another slot holds already does not take a slot twice
        if proposal[slot] == "loser" and slot not in locked and _digits(loser[slot]) in {
                _digits(merged(s)) for s in PHONE_SLOTS if s != slot}:
            proposal[slot] = "winner"
    for side, values in (("winner", winner), ("loser", loser)):
        for slot in PHONE_SLOTS:
            number = values[slot]
            if empty(number) or _digits(number) in {_digits(merged(s)) for s in PHONE_SLOTS}:
                continue
            free = next((s for s in PHONE_SLOTS if s not in locked and empty(merged(s))), None)
            if free is not None:
                proposal[free] = f"{side}:{slot}"


def apply_choices(record_type, proposal, choices, *, locked=()):
    """The proposal with the caller's ``choices`` (``{field: source}``); returns ``(sources, errors)``: errors
    ``{field: [reason]}`` for an unknown field, a source the field cannot take or a locked field."""
    sources, errors = dict(proposal), {}
    for field, source in (choices or {}).items():
        if field not in proposal:
            errors[f"choices.{field}"] = ["unknown_field"]
        elif field in locked:
            errors[f"choices.{field}"] = ["field_locked"]
        elif source not in sources_for(record_type, field):
            errors[f"choices.{field}"] = ["invalid_source"]
        else:
            sources[field] = source
    return sources, errors


def merged_values(sources, winner, loser):
    """``{field: value}`` the winner will hold."""
    return {field: value_from(source, field, winner, loser) for field, source in sources.items()}
