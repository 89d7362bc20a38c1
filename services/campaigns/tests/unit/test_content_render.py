"""content/render.py: merge fields (check, render), the sanitiser against XSS vectors, the text part from HTML, and
the built-in templates (valid merge fields, already sanitised)."""
import pytest

from carnet_campaigns.content import builtins, render

VALUES = {"first_name": "Ana", "last_name": "Roy", "email": "ana@example.com", "sender_name": "Acme"}


def test_check_accepts_known_fields_with_and_without_spaces_and_defaults():
    assert render.check(subject="Hi {{first_name}}", html="<p>{{ full_name | \"client\" }}</p>",
                        text="{{ email }} {{sender_name|\"us\"}} {{ last_name }} { single } brace") == {}


@pytest.mark.parametrize("value, codes", [
    ("{{ company }}", ["merge_field_unknown"]),
    ("{{ First_Name }}", ["merge_field_unknown"]),
    ("{{ first_name }", ["merge_field_broken"]),
    ("{ first_name }}", ["merge_field_broken"]),
    ("{{ first-name }}", ["merge_field_broken"]),
    ("{{ first_name | client }}", ["merge_field_broken"]),
    ("{{ }}", ["merge_field_broken"]),
    ("{{ nope }} and {{ oops", ["merge_field_unknown", "merge_field_broken"]),
])
def test_check_names_the_part_and_the_code(value, codes):
    assert render.check(subject="", html="", text=value) == {"text": codes}
    assert render.check(subject=value, html="ok", text="") == {"subject": codes}


def test_render_escapes_in_html_plain_in_text_and_subject():
    values = {**VALUES, "first_name": "<b>Ana & co</b>"}
    subject, html, text = render.render(subject="Hi {{ first_name }}", html="<p>Hi {{ first_name }}</p>",
                                        text="Hi {{ first_name }}", values=values, language="en")
    assert subject == "Hi <b>Ana & co</b>" and text == "Hi <b>Ana & co</b>"
    assert html == "<p>Hi &lt;b&gt;Ana &amp; co&lt;/b&gt;</p>"


def test_render_defaults_missing_values_and_full_name():
    subject, html, text = render.render(subject="{{ first_name | \"client\" }} {{ last_name }}.",
                                        html="<p>{{ full_name }}</p>", text="{{ email }}|{{ sender_name }}",
                                        values={"first_name": " ", "last_name": "Roy", "email": None}, language="fr")
    assert subject == "client Roy." and html == "<p>Roy</p>" and text == "|"


def test_subject_never_holds_a_line_break():
    subject, _, _ = render.render(subject="A {{ first_name }}\r\nB", html="", text="x",
                                  values={"first_name": "x\r\nBcc: evil@example.com\u2028y"}, language="en")
    assert "\r" not in subject and "\n" not in subject and "\u2028" not in subject
    assert subject == "A x Bcc: evil@example.com y B"


def test_a_value_cannot_make_a_javascript_link():
    _, html, _ = render.render(subject="", html="<a href=\"{{ first_name }}\">x</a>", text="x",
                               values={"first_name": "javascript:alert(1)"}, language="en")
    assert "javascript" not in html


@pytest.mark.parametrize("vector", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"https://x/y.png\" onerror=\"alert(1)\">",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"java&#x09;script:alert(1)\">x</a>",
    "<svg onload=alert(1)><circle/></svg>",
    "<p style=\"width: expression(alert(1))\">x</p>",
    "<p style=\"background-image: url(javascript:alert(1))\">x</p>",
    "<div style=\"color: red; behavior: url(x.htc)\">x</div>",
    "<iframe src=\"https://evil\"></iframe>",
    "<object data=\"x\"></object><embed src=\"x\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=\"https://evil\"><input name=x></form>",
    "<body onload=alert(1)>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=\">",
    "<!--<script>alert(1)</script>-->",
])
def test_sanitize_removes_what_runs(vector):
    clean = render.sanitize(vector).lower()
    for bad in ("<script", "onerror", "onload", "javascript:", "expression(", "url(", "<iframe", "<svg", "<object",
                "<embed", "<form", "<input", "data:", "behavior", "<style", "<math"):
        assert bad not in clean, (vector, clean)


def test_sanitize_keeps_what_emails_need():
    html = ("<h1>T</h1><p style=\"color: red; text-align: center\">a <strong>b</strong> <em>c</em><br></p>"
            "<table width=\"600\"><tr><td align=\"center\">x</td></tr></table><ul><li>i</li></ul><hr>"
            "<a href=\"https://example.com/?a=1\" title=\"t\">l</a><a href=\"mailto:a@b.c\">m</a>"
            "<img src=\"https://example.com/i.png\" alt=\"i\" width=\"10\" height=\"10\">"
            "<a href=\"{{ email }}\">merge</a>")
    clean = render.sanitize(html)
    for kept in ("<h1>", "color:red" if "color:red" in clean else "color: red", "<strong>", "<em>", "<br>",
                 "<table width=\"600\">", "<td align=\"center\">", "<li>", "<hr>", "href=\"https://example.com/?a=1\"",
                 "title=\"t\"", "href=\"mailto:a@b.c\"", "src=\"https://example.com/i.png\"", "alt=\"i\"",
                 "href=\"{{ email }}\""):
        assert kept in clean, (kept, clean)
    assert render.check(subject="", html=clean, text="") == {}


def test_text_from_html():
    text = render.text_from_html("<h1>Title</h1><p>Hello <b>Ana</b>,<br>line</p><ul><li>one</li><li>two</li></ul>"
                                 "<p><a href=\"https://x.com\">site</a></p><script>alert(1)</script>"
                                 "<style>p{}</style><img alt=\"logo\" src=\"https://x/l.png\">")
    assert text == "Title\n\nHello Ana,\nline\n\n- one\n- two\n\nsite (https://x.com)\n\nlogo"


def test_empty_text_part_is_made_from_the_html():
    _, _, text = render.render(subject="", html="<p>Hi {{ first_name }}</p>", text=" ", values=VALUES,
                               language="en")
    assert text == "Hi Ana"


@pytest.mark.parametrize("key", list(builtins.BUILTINS))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_builtins_are_valid_and_sanitised(key, language):
    item = builtins.builtin(builtins.PREFIX + key, language)
    assert render.check(subject=item["subject"], html=item["html"], text=item["text"]) == {}
    assert render.sanitize(item["html"]).replace(' rel="noopener noreferrer"', "") == item["html"]
    assert item["name"]
