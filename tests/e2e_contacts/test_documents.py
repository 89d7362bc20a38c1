"""Documents (C-21, DOC-1..DOC-4) through the gateway on the suite's stack (local disk storage): upload and download,
refusals by extension and by content (a renamed .exe, an ELF, a shell script, a batch file), the size limit,
another organization (404), the documents module's permissions and the visibility of the records a document is
attached to (S-3), folders. Quotas and S3 are in test_documents_s3.py (a gateway of their own)."""
import os

import pytest
from conftest import assert_problem, ok
from support import system
from support.orgs import add_member

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EVERYTHING = {"read": True, "write": True, "delete": True, "export": False}
READ_ONLY = {"read": True, "write": False, "delete": False, "export": False}


def upload(client, name, content, **form):
    return client.post("/documents", files={"file": (name, content, "application/octet-stream")}, data=form)


def _stored(stack):
    return {row[0]: row[1] for row in system.rows(stack, "SELECT storage_key, size FROM contacts.documents")}


def test_upload_then_download_streams_the_same_bytes_as_an_attachment(org):
    admin = org["admin"]
    created = upload(admin, "Offre signée é.pdf", PDF)
    document = ok(created, 201)
    assert created.headers["Location"] == f"/api/v1/documents/{document['id']}"
    assert document["name"] == "Offre signée é.pdf"
    assert document["size"] == len(PDF) and document["content_type"] == "application/pdf"
    assert ok(admin.get(f"/documents/{document['id']}"))["name"] == "Offre signée é.pdf"
    download = admin.get(f"/documents/{document['id']}/content")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["Content-Type"].startswith("application/pdf")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Offre signee e.pdf"')
    assert "filename*=UTF-8''Offre%20sign%C3%A9e%20%C3%A9.pdf" in disposition
    assert document["id"] in {d["id"] for d in ok(admin.get("/documents"))}


@pytest.mark.parametrize(("name", "content", "code"), [
    ("facture.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + os.urandom(200), "executable_content"),   # renamed .exe
    ("photo.jpg", b"\x7fELF\x02\x01\x01" + bytes(100), "executable_content"),
    ("notes.txt", b"#!/bin/sh\nrm -rf ~\n", "executable_content"),
    ("liste.csv", b"@echo off\r\ndel /q C:\\*\r\n", "executable_content"),
    ("setup.exe", PDF, "executable_extension"),
    ("offre.exe.pdf", PDF, "executable_extension"),
    ("script.PS1", b"Write-Host hi", "executable_extension"),
    ("archive.zip", b"PK\x03\x04", "unsupported_extension"),
], ids=["renamed-exe", "elf", "shell", "batch", "exe", "double-extension", "powershell", "zip"])
def test_executables_and_scripts_are_refused_by_extension_and_content_leaving_nothing(stack, org, name, content, code):
    before = _stored(stack)
    body = assert_problem(upload(org["admin"], name, content), 415, code=code, fields=["file"])
    assert body["detail"]
    assert _stored(stack) == before


def test_refusal_is_in_french_too(org):
    org["admin"].language = "fr"
    body = assert_problem(upload(org["admin"], "a.pdf", b"MZ" + bytes(64)), 415, code="executable_content")
    assert "exécutable" in body["detail"]


def test_upload_needs_a_multipart_file(org):
    assert_problem(org["admin"].post("/documents", json={"name": "x.pdf"}), 415, code="multipart_expected")
    assert_problem(org["admin"].post("/documents", files={"other": ("a.pdf", PDF)}), 422, fields=["file"])


def test_a_file_over_100_mb_is_refused_with_413_and_nothing_is_kept(stack, org):
    before = _stored(stack)

    def body():  # 100 MB and 1 byte, streamed (chunked): neither side holds it whole
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n"
        block = b"%PDF" + bytes(1024 * 1024 - 4)
        for _ in range(100):
            yield block
        yield b"x\r\n--b--\r\n"

    response = org["admin"].post("/documents", data=body(),
                                 headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert_problem(response, 413, code="document_too_large")
    assert _stored(stack) == before


def test_another_organization_gets_404_everywhere(org, base_url):
    from conftest import sign_up
    other, _ = sign_up(base_url)
    document = ok(upload(org["admin"], "a.pdf", PDF), 201)
    for path in (f"/documents/{document['id']}", f"/documents/{document['id']}/content"):
        assert_problem(other.get(path), 404)
    assert_problem(other.patch(f"/documents/{document['id']}", json={"name": "b.pdf"}), 404)
    assert_problem(other.delete(f"/documents/{document['id']}"), 404)
    assert document["id"] not in {d["id"] for d in ok(other.get("/documents"))}
    folder = ok(org["admin"].post("/document-folders", json={"name": "Contrats"}), 201)
    assert_problem(upload(other, "b.pdf", PDF, folder_id=folder["id"]), 422, fields=["folder_id"])
    assert folder["id"] not in {f["id"] for f in ok(other.get("/document-folders"))}
    assert_problem(other.delete(f"/document-folders/{folder['id']}"), 404)


def test_the_documents_module_permissions_apply(org):
    admin = org["admin"]
    document = ok(upload(admin, "a.pdf", PDF), 201)
    none = add_member(org, modules={"contacts": EVERYTHING})["client"]
    assert_problem(none.get("/documents"), 403, code="missing_permission")
    assert_problem(none.get(f"/documents/{document['id']}/content"), 403)
    assert_problem(upload(none, "b.pdf", PDF), 403)
    reader = add_member(org, modules={"contacts": EVERYTHING, "documents": READ_ONLY})["client"]
    assert reader.get(f"/documents/{document['id']}/content").content == PDF
    assert_problem(upload(reader, "b.pdf", PDF), 403)
    assert_problem(reader.patch(f"/documents/{document['id']}", json={"name": "b.pdf"}), 403)
    assert_problem(reader.delete(f"/documents/{document['id']}"), 403)
    writer = add_member(org, modules={"contacts": EVERYTHING, "documents": {**EVERYTHING, "delete": False}})["client"]
    assert ok(writer.patch(f"/documents/{document['id']}", json={"name": "b.pdf"}))["name"] == "b.pdf"
    assert_problem(writer.delete(f"/documents/{document['id']}"), 403)


def test_a_document_attached_to_a_hidden_record_is_hidden(org):
    admin = org["admin"]
    hidden = ok(admin.post("/contacts", json={"last_name": "Caché", "list_ids": [org["closed"]]}), 201)
    shown = ok(admin.post("/contacts", json={"last_name": "Visible", "list_ids": [org["shared"]]}), 201)
    secret = ok(upload(admin, "secret.pdf", PDF, contact_id=hidden["id"]), 201)
    public = ok(upload(admin, "public.pdf", PDF, contact_id=shown["id"]), 201)
    both = ok(upload(admin, "both.pdf", PDF, contact_id=hidden["id"]), 201)
    ok(admin.post(f"/documents/{both['id']}/attachments", json={"record_type": "contact", "record_id": shown["id"]}),
       201)
    member = add_member(org, modules={"contacts": EVERYTHING, "documents": EVERYTHING},
                        flags={"all_contacts": True})["client"]
    assert_problem(member.get(f"/documents/{secret['id']}"), 404)
    assert_problem(member.get(f"/documents/{secret['id']}/content"), 404)
    assert_problem(member.get("/documents", params={"contact_id": hidden["id"]}), 404)
    listed = ok(member.get("/documents", params={"contact_id": shown["id"]}))
    assert {d["id"] for d in listed} == {public["id"], both["id"]}
    # the attachment to the hidden contact is not named
    assert [a["record_id"] for a in ok(member.get(f"/documents/{both['id']}"))["attachments"]] == [shown["id"]]
    assert secret["id"] not in {d["id"] for d in ok(member.get("/documents"))}
    # attaching to a record one does not see is refused like one that does not exist
    assert_problem(member.post(f"/documents/{public['id']}/attachments",
                               json={"record_type": "contact", "record_id": hidden["id"]}), 422, fields=["record_id"])
    # without the contacts module, a document attached to contacts only is hidden too
    no_contacts = add_member(org, modules={"accounts": EVERYTHING, "documents": EVERYTHING},
                             flags={"all_contacts": True})["client"]
    assert_problem(no_contacts.get(f"/documents/{public['id']}"), 404)
    assert_problem(upload(no_contacts, "x.pdf", PDF, contact_id=shown["id"]), 403)


def test_attach_detach_rename_move_and_delete_release_the_uploaders_usage(org):
    admin = org["admin"]
    account = ok(admin.post("/accounts", json={"name": "Acme", "list_ids": [org["shared"]]}), 201)
    before = ok(admin.get("/documents/usage"))["usage"]
    document = ok(upload(admin, "plan.png", b"\x89PNG\r\n\x1a\n" + bytes(100), account_id=account["id"]), 201)
    assert ok(admin.get("/documents/usage"))["usage"] == before + 108
    assert [d["id"] for d in ok(admin.get("/documents", params={"account_id": account["id"]}))] == [document["id"]]
    assert_problem(admin.patch(f"/documents/{document['id']}", json={"name": "plan.exe"}), 422, fields=["name"])
    folder = ok(admin.post("/document-folders", json={"name": "Plans"}), 201)
    moved = ok(admin.patch(f"/documents/{document['id']}", json={"folder_id": folder["id"], "name": "plan 2.png"}))
    assert moved["folder_id"] == folder["id"] and moved["name"] == "plan 2.png"
    assert [d["id"] for d in ok(admin.get("/documents", params={"folder_id": folder["id"]}))] == [document["id"]]
    assert_problem(admin.delete(f"/document-folders/{folder['id']}"), 409, code="folder_not_empty")
    ok(admin.delete(f"/documents/{document['id']}/attachments/account/{account['id']}"), 204)
    assert ok(admin.get("/documents", params={"account_id": account["id"]})) == []
    ok(admin.delete(f"/documents/{document['id']}"), 204)
    assert_problem(admin.get(f"/documents/{document['id']}/content"), 404)
    assert ok(admin.get("/documents/usage"))["usage"] == before
    ok(admin.delete(f"/document-folders/{folder['id']}"), 204)


def test_folders_form_a_tree_with_unique_names_and_no_cycles(org):
    admin = org["admin"]
    top = ok(admin.post("/document-folders", json={"name": "Clients"}), 201)
    child = ok(admin.post("/document-folders", json={"name": "2026", "parent_id": top["id"]}), 201)
    assert_problem(admin.post("/document-folders", json={"name": "clients"}), 409, code="folder_name_taken")
    assert_problem(admin.patch(f"/document-folders/{top['id']}", json={"parent_id": child["id"]}), 422,
                   fields=["parent_id"])
    renamed = ok(admin.patch(f"/document-folders/{child['id']}", json={"name": "2027", "parent_id": None}))
    assert renamed["parent_id"] is None and renamed["name"] == "2027"
    names = {f["name"] for f in ok(admin.get("/document-folders"))}
    assert {"Clients", "2027"} <= names
    assert_problem(admin.post("/document-folders", json={"name": ""}), 422, fields=["name"])


def test_the_openapi_document_states_the_multipart_upload_and_its_statuses(base_url):
    import requests
    document = requests.get(base_url + "/api/openapi.json", timeout=30).json()
    upload_operation = document["paths"]["/api/v1/documents"]["post"]
    schema = upload_operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file"] and schema["properties"]["file"]["format"] == "binary"
    assert {"401", "403", "413", "415", "422"} <= set(upload_operation["responses"])
    download = document["paths"]["/api/v1/documents/{document_id}/content"]["get"]
    # the type its extension gave it on upload (DOC-4's accepted types), never a generic one
    assert {"application/pdf", "image/png", "text/plain"} <= set(download["responses"]["200"]["content"])
    assert "application/octet-stream" not in download["responses"]["200"]["content"]


def test_an_anonymous_upload_is_refused_before_its_body_is_read(base_url):
    import requests
    response = requests.post(base_url + "/api/v1/documents", files={"file": ("a.pdf", PDF)}, timeout=30)
    assert_problem(response, 401)
