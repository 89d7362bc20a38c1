"""The enrichment provider interface (C-6: "the lookup is a pluggable provider") and the built-in one.

A provider has a ``name`` and ``lookup(*, email)`` returning a ``Finding``: an ``outcome`` (``found``,
``nothing_found``, ``free_mail``, ``unreachable``), the facts found (``reader.read_page``'s keys) and the page they
came from. It raises ``safe_fetch.Refused`` when the address may not be fetched (C-6: SSRF).

``EnrichmentProvider`` (a nameko ``DependencyProvider``, declared on ``EnrichmentRpc``) gives the service the provider
the ``ENRICHMENT_PROVIDER`` setting names: ``website`` (default, ``WebsiteProvider``), ``none`` (no lookup: every
outcome is ``nothing_found``), or ``package.module:factory``, a callable taking the environment and returning a
provider (a commercial data service, say).
"""
import importlib
import logging
import os
from dataclasses import dataclass, field

from eventlet import tpool
from nameko.extensions import DependencyProvider

from carnet_contacts.enrichment import reader, safe_fetch
from carnet_contacts.enrichment.free_mail import email_domain, is_free_mail

log = logging.getLogger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Finding:
    outcome: str
    facts: dict = field(default_factory=dict)
    source: str = None


class NoProvider:
    name = "none"

    def __init__(self, env=None):
        pass

    def lookup(self, *, email):
        return Finding("nothing_found")


class WebsiteProvider:
    """Reads the public home page of the email's domain (``https://`` first, then ``http://`` when the secure site
    cannot be reached, both within one deadline), never that of a free-mail domain, through ``safe_fetch``."""
    name = "website"

    def __init__(self, policy, *, offload=None):
        self.policy = policy
        # Parsing a page at the 1 MB cap takes 0.1-0.2 s of CPU (bench/enrichment): the service runs it in
        # ``eventlet.tpool`` so that it never holds the hub (docs/stack-facts.md); called directly elsewhere.
        self.offload = offload or (lambda fn, *args, **kwargs: fn(*args, **kwargs))

    def lookup(self, *, email):
        domain = email_domain(email)
        if not domain:
            return Finding("nothing_found")
        if is_free_mail(domain):
            return Finding("free_mail")
        page, deadline = None, safe_fetch.deadline_of(self.policy)   # one deadline for both schemes
        for scheme in ("https", "http"):
            try:
                page = safe_fetch.fetch(f"{scheme}://{domain}/", policy=self.policy, deadline=deadline)
                break
            except safe_fetch.Failed as exc:
                if exc.reason not in ("unreachable", "tls", "unresolved"):
                    return Finding("unreachable")
        if page is None:
            return Finding("unreachable")
        if page.content_type.split(";")[0].strip().lower() not in HTML_TYPES:
            return Finding("nothing_found", source=page.url)
        facts = self.offload(reader.read_page, _decoded(page), email=email)
        return Finding("found" if facts else "nothing_found", facts, page.url)


def _decoded(page):
    charset = "utf-8"
    for part in page.content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        return page.body.decode(charset, errors="replace")
    except LookupError:
        return page.body.decode("utf-8", errors="replace")


def load_provider(env=None, *, offload=None):
    env = os.environ if env is None else env
    setting = (env.get("ENRICHMENT_PROVIDER") or "website").strip()
    if setting == "website":
        return WebsiteProvider(safe_fetch.Policy.from_env(env), offload=offload)
    if setting == "none":
        return NoProvider()
    module, _, factory = setting.partition(":")
    return getattr(importlib.import_module(module), factory)(env)


class EnrichmentProvider(DependencyProvider):
    """The configured provider, built once when the service starts."""

    def setup(self):
        self.provider = load_provider(offload=tpool.execute)
        policy = getattr(self.provider, "policy", None)
        if policy is not None and (policy.allowed_networks or policy.connect_to):
            log.warning("enrichment: test-only settings are set (ENRICHMENT_TEST_ALLOW_NETWORKS=%s, "
                        "ENRICHMENT_TEST_CONNECT_TO=%s): never in production",
                        [str(n) for n in policy.allowed_networks], sorted(policy.connect_to))

    def get_dependency(self, worker_ctx):
        return self.provider
