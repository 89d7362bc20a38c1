"""What each search term reads, and what the caller's field permissions make of it (S-3, issue 10 §1), pure:
a prefix over a field the caller may not read is refused (naming the field), a plain term skips such fields."""
import pytest

from carnet_contacts.records.search_terms import Term, parse, permission_key, reach, refused, skipped


def _term(q):
    (term,) = parse(q)
    return term


@pytest.mark.parametrize("q, unreadable, field", [
    ("p:514", {"contacts.phone"}, "phone"),
    ("p:514", {"contacts.fax"}, "fax"),              # every phone of the record is in the one indexed column
    ("t:chef", {"contacts.title"}, "title"),
    ("e:gmail.com", {"contacts.email"}, "email"),
    ("c:laval", {"contacts.city"}, "city"),
    ("c:laval", {"accounts.city"}, "account.city"),  # a contact's c: is its account's city when it has one
    ("c:laval", {"accounts"}, "account.city"),       # the whole accounts module unreadable
    ("a:forges", {"accounts.street"}, "account.street"),
    ("r1:bob", {"contacts.rep1_id"}, "rep1_id"),
    ("r2:bob", {"contacts.rep2_id"}, "rep2_id"),
    ("p:514", {"contacts"}, "phone"),
])
def test_a_contact_prefix_over_a_field_the_caller_may_not_read_is_refused_naming_it(q, unreadable, field):
    assert refused("contact", _term(q), frozenset(unreadable)) == field


@pytest.mark.parametrize("q, unreadable, field", [
    ("p:514", {"accounts.fax"}, "fax"), ("c:laval", {"accounts.city"}, "city"),
    ("e:acme.ca", {"accounts.email"}, "email"), ("a:forges", {"accounts.street"}, "street"),
])
def test_an_account_prefix_over_a_field_the_caller_may_not_read_is_refused_naming_it(q, unreadable, field):
    assert refused("account", _term(q), frozenset(unreadable)) == field


@pytest.mark.parametrize("q", ["marie", "id:abc", "p:514 ", "c:laval", "t:chef"])
def test_readable_fields_refuse_nothing(q):
    unreadable = frozenset({"contacts.custom.size", "accounts.email", "opportunities", "contacts.street"})
    assert refused("contact", _term(q), unreadable) is None


def test_plain_terms_and_ids_are_never_refused():
    everything = frozenset({"contacts", "accounts"})
    assert refused("contact", Term("text", "marie"), everything) is None
    assert refused("contact", Term("id", "x"), everything) is None


def test_a_plain_term_skips_the_fields_the_caller_may_not_read():
    assert skipped("contact", Term("text", "zorglub"), frozenset({"contacts.email"})) == {"email"}
    assert skipped("contact", Term("text", "x"), frozenset({"contacts.first_name", "contacts.account_name",
                                                           "accounts.name"})) == {"first_name", "account_name"}
    assert skipped("contact", Term("text", "x"), frozenset({"accounts"})) == set()   # the name is the contact's
    assert skipped("account", Term("text", "x"), frozenset({"accounts.email"})) == {"email"}
    # e: on an account reads its stored name-and-email column: the name is skipped when it may not be read.
    assert skipped("account", Term("email", "x"), frozenset({"accounts.name"})) == {"name"}
    assert skipped("contact", Term("text", "x"), frozenset()) == set()


def test_terms_that_do_not_apply_have_no_reach():
    assert reach("account", Term("title", "chef")) is None
    assert reach("contact", Term("title", "chef")).needs == ("title",)


def test_permission_keys_name_the_module_of_the_field():
    assert permission_key("contact", "phone") == "contacts.phone"
    assert permission_key("contact", "account.city") == "accounts.city"
    assert permission_key("account", "city") == "accounts.city"
