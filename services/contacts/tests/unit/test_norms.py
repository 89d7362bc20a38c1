"""Normalisation of stored search columns and of search terms (C-3, C-11)."""
import pytest

from carnet_contacts import norms


@pytest.mark.parametrize("typed", ["514-222-3333 x444", "(514) 222-3333 × 444", "514.222.3333 ext. 444",
                                   "514 222 3333 poste 444", "+1 514 222 3333", "1-514-222-3333", "5142223333",
                                   "514-222-3333x444", "514 222-3333 #12"])
def test_phone_digits_keep_the_main_number(typed):
    assert norms.phone_digits(typed) == "5142223333"


def test_phone_digits_of_nothing_is_empty():
    assert norms.phone_digits(None) == "" and norms.phone_digits("n/a") == ""


def test_short_numbers_keep_their_digits():
    assert norms.phone_digits("222-3333") == "2223333"


def test_fold_ignores_accents_case_and_spacing():
    assert norms.fold("  Émile   DUPRÉ ") == "emile dupre"
    assert norms.fold("Œuvre Cœur Straße") == "oeuvre coeur strasse"
    assert norms.fold(None) == ""


def test_contact_norms_take_city_and_street_from_the_account_when_it_has_one():
    contact = {"first_name": "Zoé", "last_name": "Zed", "email": "Z@Example.com", "city": "Laval",
               "street": "1 rue A", "title": "Directrice générale", "phone": "514-222-3333 x1",
               "mobile": "+1 438 555 0101"}
    with_account = norms.contact_norms(contact, {"name": "Acmé", "city": "Québec", "street": "2 rue B"})
    assert with_account["search_norm"] == "zoe zed z@example.com acme"
    assert with_account["eff_city_norm"] == "quebec" and with_account["eff_street_norm"] == "2 rue b"
    assert with_account["phone_digits"] == "5142223333 4385550101"
    assert with_account["title_norm"] == "directrice generale"
    alone = norms.contact_norms(contact, None)
    assert alone["eff_city_norm"] == "laval" and alone["search_norm"] == "zoe zed z@example.com"


def test_account_norms():
    got = norms.account_norms({"name": "Ébénisterie", "email": "info@EBEN.ca", "city": "Montréal",
                               "street": None, "phone": "819 555 1212", "fax": None})
    assert got == {"search_norm": "ebenisterie info@eben.ca", "phone_digits": "8195551212",
                   "city_norm": "montreal", "street_norm": ""}
