"""Helpers of the contacts integration tests (a module of its own: conftest is not importable)."""
import contextlib
import uuid

import pytest


def event_ids(*envelopes):
    """The event ids of ``envelopes``, for ``carnet_testing.handled``."""
    return [envelope["event_id"] for envelope in envelopes]


def make_actor(org_id=None, user_id=None, *, is_admin=False, all_contacts=False, hierarchy_contacts=False,
               subordinate_ids=()):
    return {"org_id": org_id or str(uuid.uuid4()), "user_id": user_id or str(uuid.uuid4()),
            "is_admin": is_admin, "request_id": None,
            "flags": {"all_contacts": all_contacts, "hierarchy_contacts": hierarchy_contacts,
                      "own_records_only": False},
            "subordinate_ids": list(subordinate_ids)}


@contextlib.contextmanager
def expect(error_class, **attrs):
    with pytest.raises(error_class) as info:
        yield info
    for key, value in attrs.items():
        assert getattr(info.value, key) == value, info.value
