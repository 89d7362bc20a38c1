"""Enrichment's pure logic (C-6): which addresses the fetch refuses (SSRF), how a URL is checked before any
connection (with a hand-written resolver: no network), what a home page tells, and what is proposed."""
import pytest

from carnet_contacts.enrichment import reader, safe_fetch
from carnet_contacts.enrichment.free_mail import email_domain, is_free_mail
from carnet_contacts.enrichment.providers import NoProvider, WebsiteProvider, load_provider
from carnet_contacts.enrichment.usecases import proposals_of

REFUSED = ["127.0.0.1", "127.8.9.10", "169.254.169.254", "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1",
           "100.127.255.254", "0.0.0.0", "224.0.0.251", "239.255.255.250", "255.255.255.255", "240.0.0.1",
           "198.18.0.1", "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "fec0::1",
           "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "::127.0.0.1", "::169.254.169.254",
           "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2001:db8::1",
           "2001:0:4136:e378:8000:63bf:80ff:fffe"]   # the last one: Teredo for 127.0.0.1
PUBLIC = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4007:80f::200e"]


@pytest.mark.parametrize("address", REFUSED)
def test_private_loopback_link_local_and_their_ipv6_forms_are_refused(address):
    assert safe_fetch.refusal(address) is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert safe_fetch.refusal(address) is None


def test_the_ipv6_forms_name_what_they_stand_for():
    assert safe_fetch.refusal("::ffff:127.0.0.1") == "ipv6_form_of_loopback"
    assert safe_fetch.refusal("64:ff9b::a9fe:a9fe") == "ipv6_form_of_link_local"
    assert safe_fetch.refusal("2002:a9fe:a9fe::1") == "ipv6_form_of_link_local"


def _resolver(table):
    calls = []

    def resolve(host, port):
        calls.append(host)
        return table[host]
    resolve.calls = calls
    return resolve


def test_a_url_is_checked_before_any_connection():
    policy = safe_fetch.Policy(resolver=_resolver({"inside.test": ["10.1.2.3"], "metadata.test": ["169.254.169.254"],
                                                   "mixed.test": ["93.184.216.34", "127.0.0.1"],
                                                   "six.test": ["::ffff:127.0.0.1"]}))
    refused = {url: None for url in ["ftp://acme.test/", "file:///etc/passwd", "gopher://acme.test/",
                                     "http://acme.test:8080/", "https://acme.test:22/", "http://user:pw@acme.test/",
                                     "http://127.0.0.1/", "http://[::1]/", "http://169.254.169.254/latest/meta-data",
                                     "http://inside.test/", "http://metadata.test/", "http://mixed.test/",
                                     "http://six.test/", "http://[::ffff:7f00:1]/", "http:///nohost"]}
    for url in refused:
        with pytest.raises(safe_fetch.Refused):
            safe_fetch._target(url, policy)


def test_a_name_is_resolved_once_and_that_address_is_the_one_connected_to():
    resolver = _resolver({"acme.test": ["93.184.216.34"]})
    target = safe_fetch._target("https://ACME.test/about", safe_fetch.Policy(resolver=resolver))
    assert target == ("https", "acme.test", 443, "93.184.216.34", 443)
    assert resolver.calls == ["acme.test"]


def test_the_test_only_settings_allow_a_network_and_map_a_name_to_a_local_site():
    policy = safe_fetch.Policy.from_env({"ENRICHMENT_TEST_ALLOW_NETWORKS": "127.0.0.2/32",
                                         "ENRICHMENT_TEST_CONNECT_TO": "acme.test=127.0.0.2:8099",
                                         "ENRICHMENT_TIMEOUT_SECONDS": "0.5"})
    assert safe_fetch._target("http://acme.test/", policy)[3:] == ("127.0.0.2", 8099)
    assert policy.timeout == 0.5
    with pytest.raises(safe_fetch.Refused):   # allow-listed: 127.0.0.2 only
        safe_fetch._target("http://127.0.0.1/", policy)
    assert safe_fetch.Policy.from_env({}).allowed_networks == ()


def test_free_mail_domains_are_known():
    assert email_domain("Jo@GMail.com") == "gmail.com" and is_free_mail("gmail.com")
    assert not is_free_mail("acme.test") and email_domain("nobody") is None


def test_the_provider_never_reads_a_free_mail_domain():
    def resolve(host, port):
        raise AssertionError("no lookup for a free-mail address")
    provider = WebsiteProvider(safe_fetch.Policy(resolver=resolve))
    assert provider.lookup(email="jo@hotmail.com").outcome == "free_mail"


def test_the_provider_is_chosen_by_setting():
    assert isinstance(load_provider({}), WebsiteProvider)
    assert isinstance(load_provider({"ENRICHMENT_PROVIDER": "none"}), NoProvider)
    custom = load_provider({"ENRICHMENT_PROVIDER": "carnet_contacts.enrichment.providers:NoProvider"})
    assert custom.lookup(email="a@b.c").outcome == "nothing_found"


PAGE = """<!doctype html><html><head>
<meta property="og:site_name" content="Acme Bois">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "LocalBusiness", "name": "Acme Bois inc.", "telephone": "+1 514-555-0100", "url": "https://acme.test/",
  "naics": "321111", "sameAs": ["https://www.linkedin.com/company/acme-bois", "https://example.org/x"],
  "address": {"@type": "PostalAddress", "streetAddress": "12 rue du Quai", "addressLocality": "Montréal",
              "addressRegion": "QC", "postalCode": "H2X 1Y4", "addressCountry": {"name": "Canada"}}},
 {"@type": "Person", "givenName": "Josée", "familyName": "Tremblay", "jobTitle": "Présidente",
  "email": "mailto:josee@acme.test"},
 {"@type": "Person", "givenName": "Other", "email": "other@acme.test"}]}</script>
<script type="application/ld+json">{ broken json</script>
</head><body><a href="tel:+15145550199;ext=12">Call</a><a href="https://facebook.com/acmebois">fb</a>
<a href="https://twitter.com/">no profile</a><a href="javascript:alert(1)">x</a></body></html>"""


def test_a_home_page_gives_its_schema_org_opengraph_social_and_phone_facts():
    facts = reader.read_page(PAGE, email="Josee@acme.test")
    assert facts == {"first_name": "Josée", "last_name": "Tremblay", "title": "Présidente",
                     "company": "Acme Bois inc.", "phone": "+1 514-555-0100", "website": "https://acme.test/",
                     "industry": "321111", "street": "12 rue du Quai", "city": "Montréal", "province": "QC",
                     "postal_code": "H2X 1Y4", "country": "Canada",
                     "linkedin": "https://www.linkedin.com/company/acme-bois", "facebook": "https://facebook.com/acmebois"}


def test_a_page_of_tags_only_gives_its_tel_link_and_opengraph_address():
    page = ('<meta property="og:locality" content="Laval"><a href="tel:450%20555%200123">t</a>'
            '<a href="https://www.instagram.com/acme">i</a>')
    assert reader.read_page(page) == {"city": "Laval", "phone": "450 555 0123", "instagram": "https://www.instagram.com/acme"}
    assert reader.read_page("<html><body>nothing</body></html>") == {}
    xhtml = '<?xml version="1.0" encoding="iso-8859-1"?><html><head><meta property="og:site_name" content="Été inc."/>'
    assert reader.read_page(xhtml) == {"company": "Été inc."}
    assert reader.read_page("") == reader.read_page('<?xml version="1.0"?>') == {}
    assert reader.read_page("<<<>>>&#xffffff;</notclosed") == {}


def test_only_readable_differing_fields_are_proposed():
    row = {"first_name": "Josee", "last_name": None, "phone": "514.555.0100", "website": "acme.test", "city": None,
           "custom": {"linkedin": None}}
    facts = {"first_name": "Josée", "last_name": "Tremblay", "phone": "+1 514-555-0100", "website": "https://acme.test/",
             "city": "Montréal", "linkedin": "https://linkedin.com/company/acme", "company": "Acme",
             "facebook": "https://facebook.com/acme"}
    definitions = {"linkedin": {"hidden": False, "type": "url"}, "company": {"hidden": True, "type": "text"}}
    proposals, other = proposals_of(row=row, facts=facts, readable=["first_name", "phone", "website", "custom.linkedin",
                                                                     "custom.company", "last_name"],
                                    custom_definitions=definitions)
    # phone: +1 514-555-0100 vs 514.555.0100 differ by the country code, so it is proposed; the website is the same
    assert [p["field"] for p in proposals] == ["first_name", "last_name", "phone", "custom.linkedin"]
    assert "city" not in [p["field"] for p in proposals]        # not readable
    assert other == {"company": "Acme", "facebook": "https://facebook.com/acme"}   # no visible field holds them


def test_the_service_warns_when_the_test_only_settings_are_set(monkeypatch, caplog):
    from carnet_contacts.enrichment.providers import EnrichmentProvider
    monkeypatch.setenv("ENRICHMENT_TEST_ALLOW_NETWORKS", "127.0.0.2/32")
    dependency = EnrichmentProvider()
    with caplog.at_level("WARNING"):
        dependency.setup()
    assert isinstance(dependency.get_dependency(None), WebsiteProvider)
    assert "test-only settings are set" in caplog.text and "127.0.0.2/32" in caplog.text
