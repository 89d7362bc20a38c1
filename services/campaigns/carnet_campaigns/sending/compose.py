"""One recipient's message (E-7, E-9, E-10), pure: no I/O.

``compose(...)`` renders the campaign's merge fields with the recipient's values (``content.render.render``), rewrites
the HTML's http(s) links into signed click links (``campaign_links.click_url``; mailto:, tel: and the rest are left as
they are), appends the open pixel and the unsubscribe link (text and HTML, the sentence in the recipient's language)
and builds a MIME multipart/alternative (text + HTML, UTF-8, quoted-printable) with From, Reply-To, To, Subject, Date,
Message-ID (the recipient's, fixed: a resend is recognisable), ``List-Unsubscribe`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058). With a signing key it is DKIM-signed
(``dkim_signature``: rsa-sha256, relaxed/relaxed, over the headers as folded here; the tests verify it with dkimpy),
the List-Unsubscribe headers among the signed ones as RFC 8058 requires.

A header value with CR, LF or another control character (header injection), an address that is not one plain
``local@domain`` or whose local part is not ASCII, is refused with ``Refused("invalid_address")`` before anything is
built: that recipient is failed, never sent.
"""
import base64
import functools
import hashlib
import html as html_lib
import re
import time
from email import charset as email_charset
from email.utils import formataddr, formatdate

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from carnet_campaigns.content import render as content_render
from carnet_contracts import campaign_links

SIGNED_HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"reply-to", b"list-unsubscribe",
                  b"list-unsubscribe-post", b"mime-version", b"content-type")

UNSUBSCRIBE = {
    "en": ("To stop receiving these e-mails from {sender}, unsubscribe here: {url}",
           "To stop receiving these e-mails from {sender}, <a href=\"{url}\">unsubscribe here</a>."),
    "fr": ("Pour ne plus recevoir ces courriels de {sender}, désabonnez-vous ici : {url}",
           "Pour ne plus recevoir ces courriels de {sender}, <a href=\"{url}\">désabonnez-vous ici</a>."),
}

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u0085\u2028\u2029]")  # a tab is white space
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[^\s@<>()\[\],;:\"\\]+\.[^\s@<>()\[\],;:\"\\]+$")
_HREF = re.compile(r"(<a\b[^>]*?\bhref=)(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)

_UTF8_QP = email_charset.Charset("utf-8")
_UTF8_QP.body_encoding = email_charset.QP


class Refused(ValueError):
    """The message cannot be sent safely; ``code`` is the recipient's ``last_error``."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def check_header(value):
    """``value`` unless it holds a line break or a control character (header injection)."""
    if value is None:
        return ""
    if _CONTROL.search(value):
        raise Refused("invalid_address")
    return value


def check_address(value):
    """A plain ASCII ``local@domain`` (the domain in IDNA), or ``Refused("invalid_address")``."""
    value = check_header(value or "").strip()
    local, _, domain = value.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii") if domain and not domain.isascii() else domain
    except UnicodeError:
        raise Refused("invalid_address") from None
    address = f"{local}@{domain}"
    if not local or not _ADDRESS.match(address) or len(address) > 254:
        raise Refused("invalid_address")
    return address


def domain_of(address):
    return address.rpartition("@")[2].lower()


def rewrite_links(html, click):
    """``html`` with each ``<a href>`` to an http(s) URL replaced by ``click(url)``."""
    def replace(match):
        quoted = match.group(2)
        url = html_lib.unescape(quoted[1:-1]).strip()
        if not url.lower().startswith(("http://", "https://")):
            return match.group(0)
        return f'{match.group(1)}"{html_lib.escape(click(url), quote=True)}"'
    return _HREF.sub(replace, html)


def _append_html(html, addition):
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + addition
    at = ends[-1].start()
    return html[:at] + addition + html[at:]


def _encoded_header(value):
    """``value`` as RFC 2047 encoded words (base64, at most 45 octets of UTF-8 each, never splitting a character),
    folded with CRLF; ASCII as it is. (email.header.Header took 0.3 ms a subject.)"""
    if value.isascii():
        return value
    words, chunk = [], b""
    for char in value:
        raw = char.encode("utf-8")
        if len(chunk) + len(raw) > 45:
            words.append(chunk)
            chunk = b""
        chunk += raw
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words)


def _part(content_type, body):
    encoded = _UTF8_QP.body_encode(body.replace("\r\n", "\n").replace("\r", "\n"))
    encoded = encoded.replace("\r\n", "\n").replace("\n", "\r\n")  # soft breaks too: as signed, so sent
    return (f"Content-Type: {content_type}; charset=\"utf-8\"\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n").encode() + encoded.encode("ascii")


def compose(*, campaign, recipient, base_url, signing=None, now=None):
    """The message's bytes (CRLF line ends) for ``recipient`` of ``campaign`` (dicts of their rows); ``signing`` is
    ``(selector, private_key_pem)`` of the From domain, or None (unsigned)."""
    to_address = check_address(recipient["email"])
    from_address = check_address(campaign["from_email"])
    from_name = check_header(campaign.get("from_name") or "")
    reply_to = check_address(campaign["reply_to"]) if campaign.get("reply_to") else None
    message_id = check_header(recipient["message_id"])
    language = "fr" if str(recipient.get("language") or "").lower().startswith("f") else "en"
    values = dict(recipient.get("merge") or {})
    values.setdefault("email", to_address)
    values["sender_name"] = from_name
    subject, html, text = content_render.render(subject=campaign.get("subject") or "", html=campaign.get("html") or "",
                                                text=campaign.get("text") or "", values=values, language=language)
    subject = check_header(subject)

    recipient_id = recipient["id"]
    unsubscribe = campaign_links.unsubscribe_url(base_url, recipient_id)
    sender = from_name or domain_of(from_address)
    text_line, html_line = UNSUBSCRIBE[language]
    text = f"{text.rstrip()}\n\n-- \n{text_line.format(sender=sender, url=unsubscribe)}\n"
    if html:
        html = rewrite_links(html, lambda url: campaign_links.click_url(base_url, recipient_id, url))
    else:
        html = "".join(f"<p>{html_lib.escape(line)}</p>" for line in text.split("\n\n")[:-1] if line.strip())
    html = _append_html(html, (
        '<p style="font-size:12px;color:#666">'
        + html_line.format(sender=html_lib.escape(sender), url=html_lib.escape(unsubscribe, quote=True))
        + f'</p><img src="{html_lib.escape(campaign_links.open_url(base_url, recipient_id), quote=True)}" '
        'width="1" height="1" alt="" style="display:block;border:0">'))

    boundary = "=_carnet_" + recipient_id
    headers = [
        ("From", formataddr((_encoded_header(from_name), from_address)) if from_name else from_address),
        ("To", to_address),
        ("Subject", _encoded_header(subject)),
        ("Date", formatdate(now if now is not None else time.time(), usegmt=True)),
        ("Message-ID", message_id),
    ]
    if reply_to:
        headers.append(("Reply-To", reply_to))
    headers += [
        ("List-Unsubscribe", f"<{unsubscribe}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f"multipart/alternative; boundary=\"{boundary}\""),
    ]
    folded = [_fold(name, value) for name, value in headers]
    head = b"".join(folded)
    body = b"".join([
        f"--{boundary}\r\n".encode(), _part("text/plain", text), b"\r\n",
        f"--{boundary}\r\n".encode(), _part("text/html", html), b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ])
    message = head + b"\r\n" + body
    if signing:
        selector, pem = signing
        message = dkim_signature(folded, body, selector=selector, domain=domain_of(from_address), pem=pem,
                                 now=now) + message
    return message


def _fold(name, value):
    """``Name: value`` CRLF, a long value folded at its spaces (a value already folded, RFC 2047 encoded words, is
    kept; a URL has no space: it stays long, within SMTP's 998 octets)."""
    if "\r\n" in value:
        return f"{name}: {value}\r\n".encode("ascii")
    lines, line = [], f"{name}:"
    for index, word in enumerate(value.split(" ")):
        if index and len(line) + 1 + len(word) > 76:
            lines.append(line)
            line = " " + word
        else:
            line = f"{line} {word}"
    lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


@functools.lru_cache(maxsize=64)
def _openssl_key(pem):
    return serialization.load_pem_private_key(pem, password=None)


_WSP = re.compile(rb"[ \t]+")
_WSP_EOL = re.compile(rb"[ \t]+\r\n")


def _relaxed_header(line):
    """RFC 6376 §3.4.2: ``name:value`` CRLF, the name in lower case, the value unfolded, its runs of white space one
    space, none around it."""
    name, _, value = line.partition(b":")
    value = _WSP.sub(b" ", value.replace(b"\r\n", b"")).strip(b" ")
    return name.strip(b" \t").lower() + b":" + value + b"\r\n"


def _relaxed_body(body):
    """RFC 6376 §3.4.4: runs of white space one space, none at line ends, no empty lines at the end."""
    body = _WSP.sub(b" ", _WSP_EOL.sub(b"\r\n", body))
    body = body.rstrip(b"\r\n")
    return body + b"\r\n" if body else b""


def dkim_signature(folded_headers, body, *, selector, domain, pem, now=None):
    """The ``DKIM-Signature`` header (bytes, folded, CRLF) of a message made of ``folded_headers`` (each
    ``b"Name: value\\r\\n"`` as sent) and ``body``: rsa-sha256, relaxed/relaxed, d = ``domain``, h =
    ``SIGNED_HEADERS`` (one absent, such as Reply-To, is signed as absent: it cannot be added later). The RSA
    operation is OpenSSL's (dkimpy's pure-Python RSA took 6 ms a message, its message parser 0.5 ms); dkimpy verifies
    what this writes in the tests."""
    pem = pem if isinstance(pem, bytes) else pem.encode()
    domain = domain.encode("idna") if not domain.isascii() else domain.encode()
    selector = selector.encode() if isinstance(selector, str) else selector
    by_name = {}
    for line in folded_headers:
        by_name[line.partition(b":")[0].strip().lower()] = line  # the last instance, as a verifier takes it
    body_hash = base64.b64encode(hashlib.sha256(_relaxed_body(body)).digest())
    stamp = str(int(now if now is not None else time.time())).encode()
    value = (b" v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + b"; s=" + selector + b";\r\n t=" + stamp
             + b"; h=" + b":".join(SIGNED_HEADERS[:6]) + b":\r\n " + b":".join(SIGNED_HEADERS[6:])
             + b";\r\n bh=" + body_hash + b";\r\n b=")
    data = b"".join(_relaxed_header(by_name[name]) for name in SIGNED_HEADERS if name in by_name)
    data += _relaxed_header(b"DKIM-Signature:" + value)[:-2]  # the signature's own header, b= empty, no CRLF
    signature = base64.b64encode(_openssl_key(pem).sign(data, padding.PKCS1v15(), hashes.SHA256()))
    chunks = b"\r\n ".join(signature[i:i + 72] for i in range(0, len(signature), 72))
    return b"DKIM-Signature:" + value + chunks + b"\r\n"


def sign(message, *, selector, domain, pem, now=None):
    """The ``DKIM-Signature:`` header of a whole ``message`` (bytes, CRLF) — ``dkim_signature`` over its parts."""
    head, _, body = message.partition(b"\r\n\r\n")
    lines = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and lines:
            lines[-1] += b"\r\n" + line
        else:
            lines.append(line)
    return dkim_signature([line + b"\r\n" for line in lines], body, selector=selector, domain=domain, pem=pem,
                          now=now)
