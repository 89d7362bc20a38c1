"""Duplicate matching (C-20): normalisation, blocking keys, scores and reasons (duplicates/matching.py)."""
import pytest

from carnet_contacts.duplicates import matching


def contact(**values):
    return matching.profile("contact", values)


def account(**values):
    return matching.profile("account", values)


MARIE = dict(first_name="Marie", last_name="Côté", email="marie.cote@acme.ca", phone="514-222-3333", city="Montréal")


def test_emails_are_trimmed_and_lowercased():
    assert matching.email_key("  Marie.Cote@ACME.ca ") == "marie.cote@acme.ca"
    assert matching.email_key("not an address") == "" and matching.email_key("a@b") == ""


@pytest.mark.parametrize("email", ["x@gmail.com", "x@videotron.ca", "x@sympatico.ca", "x@bell.net", "x@hotmail.fr",
                                   "x@outlook.com", "x@yahoo.ca", "x@ca.yahoo.com", "x@icloud.com", "x@proton.me"])
def test_free_mail_domains_are_no_key(email):
    assert matching.domain_of(email) == ""
    assert not any(key.startswith("d:") for key in matching.blocking_keys(contact(email=email)))


def test_a_company_domain_is_a_key_and_a_website_gives_the_same():
    assert matching.domain_of("jo@Acme.CA") == "acme.ca"
    assert matching.domain_of("https://www.acme.ca/contact") == "acme.ca"
    assert "d:acme.ca" in matching.blocking_keys(account(name="Acme", website="http://www.acme.ca"))


@pytest.mark.parametrize("typed", ["514-222-3333 x444", "+1 (514) 222-3333", "514.222.3333 poste 12"])
def test_phone_keys_are_the_last_ten_main_digits(typed):
    assert matching.phone_key(typed) == "5142223333"


def test_short_phones_block_nothing():
    assert matching.phone_key("x444") == "" and matching.phone_key("12345") == ""


def test_name_keys_fold_accents_and_case_and_ignore_the_order():
    keys = matching.blocking_keys(contact(first_name="CÔTÉ", last_name="marie", city="MONTREAL"))
    assert "n:cote marie|montreal" in keys
    assert keys == matching.blocking_keys(contact(first_name="Marie", last_name="Côté", city="Montréal"))


def test_a_typo_in_the_name_with_the_same_email_is_a_probable_duplicate():
    value, reasons = matching.score(contact(**MARIE), contact(**{**MARIE, "last_name": "Cotte", "phone": None}))
    assert value >= 90 and reasons == ["similar_name", "same_email", "same_domain", "same_city"]


def test_accents_and_swapped_names_with_a_phone_extension_score_high():
    other = contact(first_name="COTE", last_name="Marie", phone="(514) 222-3333 poste 12", city="montreal")
    value, reasons = matching.score(contact(**MARIE), other)
    assert value >= 85 and reasons == ["same_name", "same_phone", "same_city"]


def test_colleagues_sharing_a_switchboard_and_a_domain_are_not_duplicates():
    colleague = contact(first_name="Jean", last_name="Tremblay", email="jean.tremblay@acme.ca",
                        phone="514-222-3333 x201", city="Montréal")
    value, reasons = matching.score(contact(**MARIE), colleague)
    assert value < 70 and "same_phone" in reasons and "same_domain" in reasons


def test_homonyms_of_one_city_stay_below_the_threshold():
    value, _ = matching.score(contact(first_name="Marie", last_name="Côté", city="Laval"),
                              contact(first_name="Marie", last_name="Cote", city="Laval"))
    assert value == 60 and "n" not in matching.useful_kinds(70) and "n" in matching.useful_kinds(60)


def test_a_record_without_a_name_sharing_the_email_reaches_the_threshold():
    value, reasons = matching.score(contact(email="Marie@gmail.com"), contact(**{**MARIE, "email": "marie@gmail.com"}))
    assert value == 70 and reasons == ["same_email"]


def test_accounts_ignore_company_words():
    value, reasons = matching.score(account(name="Acme inc.", city="Laval", phone="450-111-2222"),
                                    account(name="ACME Ltée", city="Laval", phone="4501112222"))
    assert value == 90 and reasons == ["same_name", "same_phone", "same_city"]


def test_reasons_a_caller_may_not_read_are_left_out():
    reasons = ["same_name", "same_email", "same_phone", "same_city"]
    assert matching.readable_reasons("contact", reasons, lambda field: field != "email") == [
        "same_name", "same_phone", "same_city"]
    assert matching.readable_reasons("contact", reasons, lambda field: field != "mobile") == [
        "same_name", "same_email", "same_city"]
