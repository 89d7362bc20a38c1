"""What an e-mail says (E-2, E-8): merge fields, their check and rendering, the sanitising of users' HTML and the text
part made from HTML. Pure: no I/O, no clock; the campaigns, sending and content areas import it.

Merge fields
    ``{{ first_name }}`` — spaces inside the braces are optional (``{{first_name}}``), names are lower case.
    ``{{ first_name | "client" }}`` — with a default, used when the value is missing or blank. The default is
    between double quotes, without braces, quotes or line breaks (in HTML it may be written ``&quot;…&quot;``,
    as an attribute's value comes back from the sanitiser).
    The names are ``MERGE_FIELDS``: first_name, last_name, full_name (first and last name, or the one there is),
    email (the recipient's address), sender_name (the campaign's "from" name; for a one-to-one e-mail, the user's).
    ``check`` reports an unknown name (``merge_field_unknown``) and any other ``{{`` or ``}}`` (``merge_field_broken``)
    per part (subject, html, text); a campaign with such errors is refused before it is sent.

Rendering
    ``render`` replaces each field: HTML-escaped in the HTML part, as it is in the text part and the subject; a missing
    value (and no default) is "". The subject never holds a line break (CR, LF or any other line separator become one
    space): no header injection, whatever a value holds. The HTML part is sanitised again after the values are in.

Sanitising (``sanitize``)
    nh3 with what e-mails need: paragraphs, headings, lists, tables, links (http, https, mailto, tel, or relative),
    images (http, https), strong/em/b/i/u/s, br, hr, span/div, blockquote, pre/code; ``style`` attributes keep a short
    list of layout properties and drop any value with ``url(``, ``expression``, ``javascript:``, a backslash or ``<``.
    No script, style or iframe element, no ``on*`` attribute, no other URL scheme (``javascript:``, ``data:``…).
    Every HTML a user gave is sanitised on save and wherever it is shown back inside the CRM.
"""
import html as _html
import re
from html.parser import HTMLParser

import nh3

MERGE_FIELDS = ("first_name", "last_name", "full_name", "email", "sender_name")

#: The values the previews use (E-2), in each language.
SAMPLE_VALUES = {
    "en": {"first_name": "Jane", "last_name": "Doe", "full_name": "Jane Doe", "email": "jane.doe@example.com",
           "sender_name": "Your company"},
    "fr": {"first_name": "Sophie", "last_name": "Tremblay", "full_name": "Sophie Tremblay",
           "email": "sophie.tremblay@example.com", "sender_name": "Votre entreprise"},
}

PARTS = ("subject", "html", "text")
LANGUAGES = ("en", "fr")

_QUOTE = r'(?:"|&quot;|&#34;|&#x22;)'
_FIELD = re.compile(
    r"\{\{\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*"
    r"(?:\|\s*" + _QUOTE + r"(?P<default>(?:(?!" + _QUOTE + r")[^\"{}\r\n])*)" + _QUOTE + r"\s*)?\}\}"
)
_BRACES = re.compile(r"\{\{|\}\}")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


def check(*, subject: str, html: str, text: str) -> dict:
    """``{part: [code, ...]}`` for the parts whose merge fields are wrong (codes ``merge_field_unknown``,
    ``merge_field_broken``, each once a part, in that order); empty when every part is fine."""
    errors = {}
    for part, value in (("subject", subject), ("html", html), ("text", text)):
        codes = _check_one(value or "")
        if codes:
            errors[part] = codes
    return errors


def _check_one(value: str) -> list:
    codes = []
    if any(match.group("name") not in MERGE_FIELDS for match in _FIELD.finditer(value)):
        codes.append("merge_field_unknown")
    if _BRACES.search(_FIELD.sub("", value)):
        codes.append("merge_field_broken")
    return codes


def fields_used(*, subject: str, html: str, text: str) -> list:
    """The known merge fields the parts use, in ``MERGE_FIELDS`` order."""
    used = {match.group("name") for value in (subject, html, text) for match in _FIELD.finditer(value or "")}
    return [name for name in MERGE_FIELDS if name in used]


def render(*, subject: str, html: str, text: str, values: dict, language: str = "en") -> tuple:
    """(subject, html, text) with the merge fields replaced by ``values`` (missing → the field's default or "").
    ``language`` is the recipient's ("en", "fr", …): it picks nothing yet but the sample values of a preview, and
    is here so that callers give it. An empty text part is made from the HTML (``text_from_html``)."""
    values = _completed(values or {})
    subject_out = one_line(_FIELD.sub(lambda m: _plain(m, values), subject or ""))
    html_out = sanitize(_FIELD.sub(lambda m: _escaped(m, values), html or "")) if html else ""
    if text and text.strip():
        text_out = _FIELD.sub(lambda m: _plain(m, values), text)
    else:
        text_out = text_from_html(html_out)
    return subject_out, html_out, text_out


def one_line(value: str) -> str:
    """``value`` without any line break or control character (a header's value)."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", value)).strip()


def _completed(values: dict) -> dict:
    values = {key: ("" if value is None else str(value)) for key, value in values.items()}
    if not values.get("full_name", "").strip():
        values["full_name"] = " ".join(
            part for part in (values.get("first_name", "").strip(), values.get("last_name", "").strip()) if part)
    return values


def _value(match, values: dict):
    value = values.get(match.group("name"), "")
    if value.strip():
        return value, False
    return match.group("default") or "", True


def _plain(match, values: dict) -> str:
    value, is_default = _value(match, values)
    return _html.unescape(value) if is_default and "&" in value else value


def _escaped(match, values: dict) -> str:
    value, is_default = _value(match, values)
    if is_default:  # written in the HTML by its author: already HTML, escaped once
        value = _html.unescape(value)
    return _html.escape(value, quote=True)


# ---------------------------------------------------------------------------------------------------------- sanitise
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "code", "col", "colgroup", "div", "em", "font", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_CELL = {"align", "valign", "width", "height", "bgcolor", "colspan", "rowspan"}
_ATTRIBUTES = {
    "*": {"style", "align", "dir", "lang", "title"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "border"},
    "table": {"width", "height", "border", "cellpadding", "cellspacing", "bgcolor", "role"},
    "td": _CELL, "th": _CELL, "tr": {"align", "valign", "bgcolor"},
    "col": {"width", "span"}, "colgroup": {"width", "span"},
    "font": {"color", "face", "size"},
    "ol": {"start", "type"},
}
_STYLE_PROPERTIES = {
    "color", "background-color", "font-family", "font-size", "font-style", "font-weight", "line-height",
    "letter-spacing", "text-align", "text-decoration", "text-transform", "vertical-align", "white-space",
    "width", "max-width", "min-width", "height", "max-height", "min-height", "display",
    "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
    "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
    "border", "border-top", "border-right", "border-bottom", "border-left", "border-color", "border-style",
    "border-width", "border-radius", "border-collapse", "border-spacing",
}
_BAD_STYLE = re.compile(r"url\s*\(|expression|javascript:|behaviou?r|-moz-binding|@import|[\\<>]", re.IGNORECASE)
_IMG_SCHEMES = ("http://", "https://")


def _attribute_filter(tag: str, attribute: str, value: str):
    if attribute == "style":
        declarations = [d for d in value.split(";") if d.strip() and not _BAD_STYLE.search(d)]
        return "; ".join(d.strip() for d in declarations) or None
    if tag == "img" and attribute == "src":
        lowered = value.strip().lower()
        return value if lowered.startswith(_IMG_SCHEMES) or lowered.startswith("{{") else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"},
    attributes=_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes={"http", "https", "mailto", "tel"},
    filter_style_properties=_STYLE_PROPERTIES,
    tag_attribute_values={"a": {"target": {"_blank"}}},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize(html: str) -> str:
    """``html`` with only what an e-mail needs and nothing that runs (see the module's docstring)."""
    if not html:
        return ""
    return _CLEANER.clean(html)


_SHOWN_ATTRIBUTES = {tag: names - {"style"} for tag, names in _ATTRIBUTES.items()}
_SHOWN_ATTRIBUTES["img"] = {"alt", "width", "height"}
_SHOWN_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"},
    attributes=_SHOWN_ATTRIBUTES,
    url_schemes={"http", "https", "mailto", "tel"},
    tag_attribute_values={"a": {"target": {"_blank"}}},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_for_display(html: str) -> str:
    """``sanitize`` for showing inside the CRM's pages (E-8), whose CSP refuses inline styles and remote images:
    without ``style`` attributes, and images without their source (their alt text stays; no tracking pixel loads
    in the CRM). The pages put it in a sandboxed ``<iframe srcdoc>`` (escaped as an attribute, never ``|safe``)."""
    if not html:
        return ""
    return _SHOWN_CLEANER.clean(html)


# -------------------------------------------------------------------------------------------------------- text part
_BLOCKS = {"p", "div", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "hr",
           "center", "caption"}
_SKIP = {"script", "style", "head", "title", "template", "noscript", "svg"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip = 0
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.out.append("\x00")  # where the link's text starts
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.out.append(alt)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self.skip -= 1

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            start = len(self.out) - 1 - self.out[::-1].index("\x00") if "\x00" in self.out else len(self.out)
            label = "".join(self.out[start + 1:]).strip()
            del self.out[start:]
            if href and href != label and not href.startswith("#"):
                self.out.append(f"{label} ({href})" if label else href)
            else:
                self.out.append(label)

    def handle_data(self, data):
        if not self.skip:
            self.out.append(re.sub(r"\s+", " ", data))


def text_from_html(html: str) -> str:
    """The plain text of ``html``: blocks as paragraphs, ``<br>`` as a line break, list items as "- …", a link as
    "its text (its URL)", images as their alt text; scripts and styles dropped."""
    if not html:
        return ""
    parser = _Text()
    parser.feed(html)
    parser.close()
    while parser.links:  # an unclosed link
        parser.handle_endtag("a")
    text = "".join(parser.out).replace("\x00", "")
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
