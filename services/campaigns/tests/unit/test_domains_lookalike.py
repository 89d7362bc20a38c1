"""Look-alike sending domains (E-6), pure: the table the brief names, and the pieces (normalize, skeleton,
distance, mixed scripts)."""
import pytest

from carnet_campaigns.domains import lookalike
from carnet_campaigns.domains.lookalike import BadDomain, distance, normalize, skeleton, verdict

OTHERS = ("acme-inc.ca", "boulangerie-tremblay.qc.ca")


@pytest.mark.parametrize("typed, code, resembles", [
    ("gnnail.com", "domain_lookalike", "gmail.com"),  # nn → m
    ("gmai1.com", "domain_lookalike", "gmail.com"),  # 1 → l
    ("gmial.com", "domain_lookalike", "gmail.com"),  # transposition
    ("gmail.co", "domain_lookalike", "gmail.com"),  # TLD swap
    ("outlook.co", "domain_lookalike", "outlook.com"),
    ("0utlook.com", "domain_lookalike", "outlook.com"),
    ("hotrnail.com", "domain_lookalike", "hotmail.com"),  # rn → m
    ("rnicrosoft.com", "domain_lookalike", "microsoft.com"),
    ("rnicrosofts.com", "domain_lookalike", "microsoft.com"),
    ("vvideotron.ca", "domain_lookalike", "videotron.ca"),  # vv → w, then one edit
    ("videotron.com", "domain_lookalike", "videotron.ca"),
    ("sympatico.com", "domain_lookalike", "sympatico.ca"),
    ("gmаil.com", "domain_lookalike", "gmail.com"),  # Cyrillic а, typed
    ("xn--gmil-63d.com", "domain_lookalike", "gmail.com"),  # the same, in punycode
    ("xn--80ak6aa92e.com", "domain_lookalike", "apple.com"),  # аррӏе: all Cyrillic
    ("acrne-inc.ca", "domain_lookalike", "acme-inc.ca"),  # another organization's
    ("acme-lnc.ca", "domain_lookalike", "acme-inc.ca"),
    ("news.acme-inc.ca", "domain_lookalike", "acme-inc.ca"),  # a sub-domain of another organization's
    ("boulangerie-trembley.qc.ca", "domain_lookalike", "boulangerie-tremblay.qc.ca"),
    ("infolettre.acme-inc.com", "domain_lookalike", "acme-inc.ca"),  # another organization's name, TLD swapped
    ("boulangerie-tremblay.ca", "domain_lookalike", "boulangerie-tremblay.qc.ca"),
    ("gmail.com", "domain_free_mail", "gmail.com"),
    ("GMAIL.COM.", "domain_free_mail", "gmail.com"),
    ("news.hotmail.com", "domain_free_mail", "news.hotmail.com"),
    ("bell.net", "domain_free_mail", "bell.net"),
    ("xn--prmier-4of.ca", "domain_mixed_script", "xn--prmier-4of.ca"),  # prеmier with a Cyrillic е
])
def test_refused(typed, code, resembles):
    assert verdict(normalize(typed), OTHERS) == (code, resembles)


@pytest.mark.parametrize("typed", [
    "acme.ca", "infolettre.acme-logistique.com", "tremblay-boulangerie.ca", "carnet.test", "n3f2a9c0d1e4b.test",
    "bel-air.net", "mailchimp-alternatives.org", "outlooktravel.com", "example.com", "quebec.ca", "gmailer.ca",
    "café-du-coin.ca", "пример.рф", "belle.ca", "hotels.com",
])
def test_legit_domains_pass(typed):
    assert verdict(normalize(typed), OTHERS) is None


def test_normalize_stores_idna_ascii_lower_case():
    assert normalize("  Café-du-Coin.CA. ") == "xn--caf-du-coin-dbb.ca"
    assert normalize("пример.рф") == "xn--e1afmkfd.xn--p1ai"
    for bad in ("", "localhost", "a b.com", "x@y.com", "http://a.com", "-a.com", "a..b", "1.2.3.4", "a" * 64 + ".com",
                "a_b.com", None, 42, "x." * 130 + "com"):
        with pytest.raises(BadDomain):
            normalize(bad)


def test_skeleton_distance_and_scripts():
    assert skeleton("gnnail") == skeleton("gmail") == skeleton("grnaii")
    assert skeleton("vvix") == "wlx" and skeleton("cllent") == "dlent"
    assert distance("gmail", "gmial") == 1 and distance("acme", "acne") == 1 and distance("kitten", "sitting") == 3
    assert distance("", "abc") == 3
    assert lookalike.mixed_script("gmаil") and not lookalike.mixed_script("gmail-2") and not lookalike.mixed_script(
        "пример")
    assert lookalike.split("news.acme.co.uk") == ("acme", "co.uk")
    assert lookalike.threshold("bell") == 0 and lookalike.threshold("gmail") == 1
    assert lookalike.threshold("videotron") == 1 and lookalike.threshold("microsofts") == 2
