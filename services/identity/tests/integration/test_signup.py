"""Public sign-up (S-9, S-10, issue 10 §2): a taken username is refused after the same work as a sign-up, and a
flood of sign-ups cannot take the hashing threads logins need."""
import time

import pytest
import sqlalchemy as sa
from identity_harness import PASSWORD, unique

from carnet_common.errors import CarnetError, Conflict, TooManyRequests, Unauthorized


def sign_up_body(username, name="Inscription"):
    return {"name": name, "admin": {"username": username, "password": PASSWORD, "full_name": "X",
                                    "email": "x@example.com"}}


def seconds(call, expected):
    started = time.perf_counter()
    with pytest.raises(expected):
        call()
    return time.perf_counter() - started


def median(values):
    return sorted(values)[len(values) // 2]


def test_a_taken_username_is_refused_after_the_same_work_as_a_sign_up(svc, make_org):
    """The refusal costs one argon2 run, like a creation and like a failed login: its timing does not tell a
    taken name from a free one cheaply."""
    taken = make_org().admin_user["username"]

    refusals = [seconds(lambda: svc.create_organization(sign_up_body(taken)), Conflict) for _ in range(5)]
    logins = [seconds(lambda: svc.login(unique("nobody"), PASSWORD), Unauthorized) for _ in range(5)]

    assert median(refusals) >= 0.5 * median(logins), (refusals, logins)


def test_a_username_is_refused_alike_whoever_holds_it(svc, make_org):
    org = make_org()
    inactive, deleted = org.add_user(active=False), org.add_user()
    svc.delete_user(org.admin, deleted["id"])

    answers = []
    for holder in (org.admin_user, inactive, deleted):
        with pytest.raises(Conflict) as caught:
            svc.create_organization(sign_up_body(holder["username"]))
        answers.append((caught.value.code, caught.value.errors, caught.value.params))

    assert answers == [("username_taken", {"admin.username": ["username_taken"]}, {})] * 3


def test_a_flood_of_sign_ups_leaves_logins_their_hashing_threads(identity, make_org):
    """Nine sign-ups then a login, sent in that order to one service process: sign-ups hash in a lane of one
    thread with two waiting, the rest are told to retry (429) at once, and the login is verified on another
    thread. Before the lane, the login's verification queued behind every sign-up's hash."""
    user = make_org().add_user()
    tag = unique("flood")
    with identity.proxy() as cluster:
        sign_ups = [cluster.identity.create_organization.call_async(sign_up_body(unique("flood"), name=tag))
                    for _ in range(9)]
        login = cluster.identity.login.call_async(user["username"], PASSWORD)

        assert login.result()["user"]["id"] == user["id"]
        with identity.engine.connect() as conn:
            created_before_login = conn.execute(sa.text(
                "SELECT count(*) FROM identity.organizations WHERE name = :tag"), {"tag": tag}).scalar_one()
        outcomes = []
        for reply in sign_ups:
            try:
                outcomes.append(bool(reply.result()))
            except CarnetError as exc:
                outcomes.append(type(exc))

    # The lane admits three at first (one hashing, two waiting), one after; before it, eight hashed first.
    assert created_before_login <= 4, f"{created_before_login} sign-ups hashed before the login was answered"
    assert set(outcomes) == {True, TooManyRequests}, outcomes
