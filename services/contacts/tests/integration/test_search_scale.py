"""The capped hit set past 10,000 matches, and events leaving through the outbox."""
import uuid

import psycopg
from contacts_helpers import make_actor
from sqlalchemy.engine import make_url

from carnet_testing import eventually


def _conninfo(database_url):
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_broad_search_past_the_cap_gives_a_page_and_an_estimate(rpc, database_url):
    admin = make_actor(is_admin=True)
    list_id = rpc.create_list(admin, {"name": "Big"})["id"]
    with psycopg.connect(_conninfo(database_url)) as conn:
        conn.execute("""
            INSERT INTO contacts.contacts (id, org_id, last_name, first_name, search_norm, rep1_id)
            SELECT 'big-' || g, %(org)s, 'Nom' || lpad(g::text, 5, '0'), 'P', 'nom' || g, %(user)s
            FROM generate_series(1, 10050) AS g""", {"org": admin["org_id"], "user": admin["user_id"]})
        conn.execute("""INSERT INTO contacts.list_members (list_id, contact_id)
                        SELECT %(list)s, 'big-' || g FROM generate_series(1, 10050) AS g""", {"list": list_id})
        conn.execute("ANALYZE contacts.contacts")
    page = rpc.search_contacts(admin, {"per_page": 3})
    assert page["total_capped"] is True and page["total"] > 10_000
    assert [c["last_name"] for c in page["items"]] == ["Nom00001", "Nom00002", "Nom00003"]
    narrow = rpc.search_contacts(admin, {"q": "nom1005"})
    assert narrow["total_capped"] is False and narrow["total"] == 2  # nom1005 and nom10050
    assert narrow["total"] == len(narrow["items"])


def test_changes_leave_through_the_outbox(rpc, database_url):
    admin = make_actor(is_admin=True)
    list_id = rpc.create_list(admin, {"name": "Events"})["id"]
    contact = rpc.create_contact(admin, {"last_name": "Évent", "list_ids": [list_id]})
    rpc.update_contact(admin, contact["id"], {"title": "x"})

    def outbox_rows():
        with psycopg.connect(_conninfo(database_url), autocommit=True) as conn:
            return conn.execute("""SELECT event_type, published_at IS NOT NULL, envelope
                                   FROM contacts.outbox WHERE envelope->'data'->>'org_id' = %s
                                   ORDER BY created_at""", (admin["org_id"],)).fetchall()
    rows = eventually(outbox_rows, lambda rows: rows and all(published for _, published, _ in rows),
                      timeout=10, what="the events published by the relay")
    assert [r[0] for r in rows] == ["list_created", "contact_created", "contact_updated"]
    assert all(published for _, published, _ in rows)
    created = rows[1][2]
    uuid.UUID(created["event_id"])
    assert created["data"]["record"]["id"] == contact["id"] and created["data"]["list_ids"] == [list_id]
    assert rows[2][2]["data"]["changed"] == ["title"]
