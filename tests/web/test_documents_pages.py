"""The documents pages (C-21): the file manager and the documents section of contact and account pages. Each shows
what the same user's ``/api/v1`` call answers; uploads go through the same operation (refusals by content included),
downloads are the API's stream; another organization and a hidden record are 404 pages; without the documents
module the section is absent and the file manager refused."""
from conftest import ok, web_login
from support.http import ApiClient, sign_up
from support.orgs import add_member

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RIGHTS = {"read": True, "write": True, "delete": True, "export": False}


def _upload(client, name, content, **form):
    return client.post("/app/documents/upload", form, files={"file": (name, content, "application/pdf")})


def test_the_file_manager_uploads_moves_and_deletes_as_the_api_does(base_url, org):
    admin = org["admin"]
    client = web_login(base_url, org["user"]["username"], language="fr")
    page = client.get("/app/documents")
    assert page.status == 200 and page.one("h1").text_content().strip() == "Documents"
    assert page.one("form.upload").get("enctype") == "multipart/form-data"
    done = _upload(client, "Offre été.pdf", PDF)
    assert done.status == 303
    page = client.follow(done)
    assert "Document téléversé." in page.body_text
    api_documents = ok(admin.get("/documents"))
    assert page.texts("table.documents tbody td:first-child a") == [d["name"] for d in api_documents]
    document = api_documents[0]
    download = client.get(f"/app/documents/{document['id']}/download")
    assert download.status == 200 and download.response.content == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # a folder, then the document moved into it
    created = client.post("/app/documents/folders", {"name": "Contrats"})
    assert created.status == 303
    folder = next(f for f in ok(admin.get("/document-folders")) if f["name"] == "Contrats")
    assert created.location.endswith(f"/app/documents?folder={folder['id']}")
    moved = client.post(f"/app/documents/{document['id']}", {"name": "Offre 2.pdf", "folder_id": folder["id"]})
    assert moved.status == 303
    assert [d["name"] for d in ok(admin.get("/documents", params={"folder_id": folder["id"]}))] == ["Offre 2.pdf"]
    inside = client.get(f"/app/documents?folder={folder['id']}")
    assert inside.texts("table.documents tbody td:first-child a") == ["Offre 2.pdf"]
    assert inside.texts("nav.breadcrumb li") == ["Tous les documents", "Contrats"]
    # a non-empty folder is not deleted: the API's 409 on the page
    refused = client.post(f"/app/documents/folders/{folder['id']}/delete?folder={folder['id']}")
    assert refused.status == 409 and refused.css(".error-summary p")
    assert client.post(f"/app/documents/{document['id']}/delete?folder={folder['id']}").status == 303
    assert ok(admin.get("/documents", params={"folder_id": folder["id"]})) == []
    assert client.post(f"/app/documents/folders/{folder['id']}/delete?folder={folder['id']}").status == 303


def test_a_page_uploads_files_larger_than_the_app_s_body_limit(base_url, org):
    client = web_login(base_url, org["user"]["username"])
    content = PDF + bytes(3 * 1024 * 1024)  # 3 MB: past MAX_BODY_BYTES (1 MB), which only the upload lifts
    assert _upload(client, "grand.pdf", content).status == 303
    assert [d["size"] for d in ok(org["admin"].get("/documents"))] == [len(content)]


def test_a_renamed_executable_is_refused_on_the_page(base_url, org):
    client = web_login(base_url, org["user"]["username"], language="en")
    page = _upload(client, "invoice.pdf", b"MZ\x90\x00" + bytes(200))
    assert page.status == 415
    assert "executable or a script" in page.one("#f-file-error").text_content()
    assert page.one("#f-file").get("aria-invalid") == "true"
    assert ok(org["admin"].get("/documents")) == []


def test_the_record_section_lists_what_the_api_lists_for_that_record(base_url, org):
    admin = org["admin"]
    contact = ok(admin.post("/contacts", json={"last_name": "Tremblay", "list_ids": [org["shared"]]}), 201)
    attached = ok(admin.post("/documents", files={"file": ("fiche.pdf", PDF)}, data={"contact_id": contact["id"]}),
                  201)
    ok(admin.post("/documents", files={"file": ("ailleurs.pdf", PDF)}), 201)
    client = web_login(base_url, org["user"]["username"], language="fr")
    record = client.get(f"/app/contacts/{contact['id']}")
    section = record.one("#documents")
    fragment_url = f"/app/documents/record/contact/{contact['id']}"
    assert section.cssselect("#record-documents")[0].get("hx-get") == fragment_url
    assert section.cssselect("#record-documents a")[0].get("href") == fragment_url  # the no-JavaScript link
    fragment = client.get(fragment_url)
    assert fragment.status == 200
    assert fragment.texts("#record-documents tbody td:first-child a") == [
        d["name"] for d in ok(admin.get("/documents", params={"contact_id": contact["id"]}))] == ["fiche.pdf"]
    form = fragment.one("#record-documents form.upload")
    assert form.cssselect("input[name=contact_id]")[0].get("value") == contact["id"]
    # an upload from the record's section comes back to the record page
    back = _upload(client, "deux.pdf", PDF, contact_id=contact["id"], next=f"/app/contacts/{contact['id']}")
    assert back.status == 303 and back.location.endswith(f"/app/contacts/{contact['id']}")
    assert {d["name"] for d in ok(admin.get("/documents", params={"contact_id": contact["id"]}))} == {
        "fiche.pdf", "deux.pdf"}
    # another site is never where a form sends the browser
    elsewhere = _upload(client, "trois.pdf", PDF, next="//evil.example/")
    assert elsewhere.status == 303 and "evil" not in elsewhere.location
    del attached


def test_hidden_records_other_organizations_and_missing_permission(base_url, org):
    admin = org["admin"]
    hidden = ok(admin.post("/contacts", json={"last_name": "Secret", "list_ids": [org["closed"]]}), 201)
    document = ok(admin.post("/documents", files={"file": ("s.pdf", PDF)}, data={"contact_id": hidden["id"]}), 201)
    member = add_member(org, modules={"contacts": RIGHTS, "documents": RIGHTS}, flags={"all_contacts": True})
    client = web_login(base_url, member["user"]["username"])
    assert client.get(f"/app/documents/record/contact/{hidden['id']}").status == 404
    assert client.get(f"/app/documents/{document['id']}/download").status == 404
    assert "s.pdf" not in client.get("/app/documents").body_text
    # another organization's administrator
    other_admin, created = sign_up(base_url, client_class=ApiClient)
    other = web_login(base_url, created["user"]["username"])
    assert other.get(f"/app/documents/{document['id']}/download").status == 404
    assert other.get(f"/app/documents/record/contact/{hidden['id']}").status == 404
    # without the documents module: no section on the record page, the file manager refused
    shown = ok(admin.post("/contacts", json={"last_name": "Visible", "list_ids": [org["shared"]]}), 201)
    plain = add_member(org, modules={"contacts": RIGHTS}, flags={"all_contacts": True})
    plain_client = web_login(base_url, plain["user"]["username"])
    record = plain_client.get(f"/app/contacts/{shown['id']}")
    assert record.status == 200 and not record.css("#documents")
    assert plain_client.get("/app/documents").status == 403
    del other_admin
