"""A page that fails answers a page, in the user's language, with the page's headers (``web/security.py``); the
API keeps answering problem+json."""


def _failing(app, endpoint):
    def broken(**_):
        raise RuntimeError("a bug")
    app.view_functions[endpoint] = broken


def test_a_bug_in_a_page_is_a_500_page_in_the_users_language_with_the_csp(app, client):
    _failing(app, "web.login")
    answer = client.get("/app/login", headers={"Accept-Language": "en"})
    assert answer.status_code == 500 and answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    assert '<html lang="en">' in page and "An unexpected error occurred." in page and "a bug" not in page
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-store"


def test_an_unknown_page_is_a_404_page_and_an_unknown_api_route_a_problem(client):
    page = client.get("/app/no-such-page", headers={"Accept-Language": "fr"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Introuvable" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-route")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"


def test_static_files_are_linked_with_their_content_hash_and_kept_a_year_under_that_url(client):
    import re
    page = client.get("/app/login").get_data(as_text=True)
    links = re.findall(r'(?:src|href)="(/app/static/[^"]+)"', page)
    assert links and all(re.search(r"\?v=[0-9a-f]{12}$", link) for link in links), links
    script = next(link for link in links if "htmx" in link)
    kept = client.get(script)
    assert kept.status_code == 200 and kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "script-src 'self'" in kept.headers["Content-Security-Policy"]
    other = client.get(script.split("?")[0] + "?v=000000000000")  # not this content: revalidated, never kept
    assert "immutable" not in other.headers.get("Cache-Control", "")
    assert client.get("/app/static/js/no-such.js").status_code == 404
