"""The e-mail templates pages (E-2, E-8), driven as a browser without JavaScript would, checked against what
``/api/v1`` answers the same user: the list (built-in first, then own), the editor with the API's 422 on its fields
and 409 on a stale version, a built-in one read-only with "Use as a start", the previews in each language (the
sanitised HTML in a sandboxed iframe: a script never comes back as a script), the deletion; another organization's
template and a user without the emails permission get the API's 404 and 403 pages."""
import lxml.html
from conftest import add_member, ok, web_login
from support.http import ApiClient, sign_up

XSS = "<p onclick=\"alert(1)\" style=\"color: red\">Bonjour {{ first_name }}</p><script>alert('x')</script>" \
      "<img src=\"https://tracker.example/p.png\" onerror=\"alert(2)\" alt=\"logo\">"


def _web(org, user, language):
    ok(org["admin"].patch(f"/users/{user['id']}", json={"language": language}))
    return web_login(org["base_url"], user["username"])


def test_templates_pages(org, base_url):
    admin = org["admin"]
    web = _web(org, org["user"], "fr")
    listed = web.get("/app/templates")
    assert listed.status == 200 and listed.one("h1").text_content().strip() == "Modèles de courriel"
    api = ok(admin.get("/email-templates"))
    assert [row.get("data-id") for row in listed.css("table.builtin tbody tr")] == [item["id"] for item in api]

    new = web.get("/app/templates/new?from=builtin:newsletter")
    assert new.one("#f-name").get("value") == "Infolettre (copie)"
    assert "{{ sender_name }}" in new.one("#f-subject").get("value")

    refused = web.post("/app/templates", {"name": "Bienvenue", "subject": "{{ societe }}", "html": XSS, "text": ""})
    assert refused.status == 422 and refused.one("#f-subject").get("aria-invalid") == "true"
    assert "Champ de fusion inconnu" in refused.one("#f-subject-error").text_content()
    assert [item for item in ok(admin.get("/email-templates")) if not item["builtin"]] == []

    created = web.post("/app/templates", {"name": "Bienvenue", "subject": "Bonjour {{ first_name }}", "html": XSS,
                                          "text": ""})
    assert created.status == 303
    page = web.follow(created)
    template = [item for item in ok(admin.get("/email-templates")) if not item["builtin"]][0]
    assert "<script" not in template["html"] and "onclick" not in template["html"]
    assert page.one("#f-html").text_content() == template["html"]

    # previews: English then French, each a sandboxed iframe whose document holds no script, handler, style or source
    frames = page.css("iframe.preview-frame")
    assert [frame.getparent().get("lang") for frame in frames] == ["en", "fr"]
    assert "<script" not in page.text.lower().replace("<script src=", "")
    for frame, name in zip(frames, ("Jane", "Sophie"), strict=True):
        assert frame.get("sandbox") == "" and frame.get("title")
        inner = frame.get("srcdoc")
        document = lxml.html.fromstring(inner)
        assert not document.cssselect("script") and f"Bonjour {name}" in document.text_content()
        for element in document.iter():
            assert not any(attr.startswith("on") or attr in ("style", "src") for attr in element.attrib), inner

    # a stale version is a 409 on the form; a fresh one saves
    ok(admin.patch(f"/email-templates/{template['id']}", json={"version": 1, "name": "Accueil"}))
    stale = web.post(f"/app/templates/{template['id']}", {"version": "1", "name": "Tard", "subject": "",
                                                          "html": "", "text": ""})
    assert stale.status == 409 and stale.css(".error-summary")
    saved = web.post(f"/app/templates/{template['id']}", {"version": "2", "name": "Accueil 2", "subject": "x",
                                                          "html": "<p>x</p>", "text": ""})
    assert saved.status == 303 and ok(admin.get(f"/email-templates/{template['id']}"))["name"] == "Accueil 2"

    builtin = web.get("/app/templates/builtin:newsletter")
    assert builtin.status == 200 and not builtin.css("form button.primary") and builtin.css("a.button.primary")
    assert "{{ sender_name }}" in builtin.css("pre.template-source")[0].text_content()

    # another organization: the 404 page; no emails permission: the 403 page
    stranger, created_org = sign_up(base_url)
    other = web_login(base_url, created_org["user"]["username"])
    assert other.get(f"/app/templates/{template['id']}").status == 404
    nobody = add_member(org)
    assert web_login(base_url, nobody["user"]["username"]).get("/app/templates").status == 403

    deleted = web.post(f"/app/templates/{template['id']}/delete")
    assert deleted.status == 303
    assert web.get(f"/app/templates/{template['id']}").status == 404


def test_a_file_link_is_made_from_its_page(org, base_url):
    admin = org["admin"]
    document = ok(admin.post("/documents", files={"file": ("Offre.pdf", b"%PDF-1.7\n%%EOF\n",
                                                           "application/octet-stream")}), 201)
    web = _web(org, org["user"], "en")
    page = web.get("/app/templates/file-links")
    assert page.status == 200 and document["id"] in {o.get("value") for o in page.css("#f-document_id option")}
    refused = web.post("/app/templates/file-links", {"document_id": ""})
    assert refused.status == 422 and refused.one("#f-document_id").get("aria-invalid") == "true"
    stranger, _ = sign_up(base_url, client_class=ApiClient)
    theirs = ok(stranger.post("/documents", files={"file": ("x.pdf", b"%PDF-1.7\n%%EOF\n",
                                                            "application/octet-stream")}), 201)
    assert web.post("/app/templates/file-links", {"document_id": theirs["id"]}).status == 404
    made = web.post("/app/templates/file-links", {"document_id": document["id"]})
    assert made.status == 200
    url = made.one("#f-link-url").get("value")
    assert "/files/" in url and f'<a href="{url}">Offre.pdf</a>' == made.one("#f-link-snippet").text_content()
