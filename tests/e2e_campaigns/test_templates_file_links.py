"""File links of e-mails (E-8) through the gateway: a document the caller may read becomes a public, signed, expiring
link (``POST /api/v1/email-templates/file-links``); another organization's document is a 404, the permissions and
plan are checked; the link downloads the file without login as an attachment (nosniff, no-store); a changed token is
a 400 page and an expired one a 404 page, in both languages; a deleted file's link a 404."""
import requests
from conftest import assert_problem, ok, sign_up
from support.orgs import add_member

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, name):
    return ok(client.post("/documents", files={"file": (name, PDF, "application/octet-stream")}), 201)


def test_file_links_are_minted_for_readable_documents_only(org, base_url):
    admin = org["admin"]
    document = _upload(admin, "Offre signée.pdf")
    link = ok(admin.post("/email-templates/file-links", json={"document_id": document["id"]}), 201)
    assert link["document_id"] == document["id"] and link["name"] == "Offre signée.pdf"
    assert "/files/" in link["url"] and link["expires_at"].endswith("Z")

    stranger, _ = sign_up(base_url)
    assert_problem(stranger.post("/email-templates/file-links", json={"document_id": document["id"]}), 404)
    assert_problem(admin.post("/email-templates/file-links", json={}), 422, fields=("document_id",))
    # a document attached only to a contact the member does not see: as GET /documents/{id}, a 404
    hidden = ok(admin.post("/contacts", json={"last_name": "Caché", "list_ids": [org["closed"]]}), 201)
    secret = ok(admin.post("/documents", files={"file": ("secret.pdf", PDF, "application/octet-stream")},
                           data={"contact_id": hidden["id"]}), 201)
    everything = {"read": True, "write": True, "delete": False, "export": False}
    member = add_member(org, modules={"contacts": everything, "documents": everything, "emails": everything})
    assert_problem(member["client"].get(f"/documents/{secret['id']}"), 404)
    assert_problem(member["client"].post("/email-templates/file-links", json={"document_id": secret["id"]}), 404)
    ok(member["client"].post("/email-templates/file-links", json={"document_id": document["id"]}), 201)
    no_documents = add_member(org, modules={"emails": {"read": True, "write": True}})["client"]
    assert_problem(no_documents.post("/email-templates/file-links", json={"document_id": document["id"]}), 403)


def test_a_file_link_downloads_until_it_is_changed_or_the_file_deleted(org, base_url):
    admin = org["admin"]
    document = _upload(admin, "Offre signée.pdf")
    url = ok(admin.post("/email-templates/file-links", json={"document_id": document["id"]}), 201)["url"]
    path = url[url.index("/files/"):]
    got = requests.get(base_url + path, timeout=30)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in got.headers["Cache-Control"]

    payload, signature = path[len("/files/"):].split(".")
    tampered = requests.get(f"{base_url}/files/{payload[:-2]}xx.{signature}", timeout=30)
    assert tampered.status_code == 400 and "Lien invalide" in tampered.text and "Invalid link" in tampered.text

    ok(admin.delete(f"/documents/{document['id']}"), 204)
    gone = requests.get(base_url + path, timeout=30)
    assert gone.status_code == 404 and "supprimé" in gone.text
