"""Parsing the search language of C-11 (pure)."""
import pytest

from carnet_common.errors import InvalidInput
from carnet_contacts.records.search_terms import Term, escape_like, like_contains, parse


def test_plain_terms_are_folded_and_all_kept():
    assert parse("Émond  MARIE") == [Term("text", "emond"), Term("text", "marie")]


def test_prefixes_name_their_field():
    assert parse("t:Président p:514-222 c:Montréal a:Forges e:Gmail.com id:ABC") == [
        Term("title", "president"), Term("phone", "514222"), Term("city", "montreal"), Term("street", "forges"),
        Term("email", "gmail.com"), Term("id", "ABC")]


def test_quoted_values_keep_their_spaces():
    assert parse('c:"trois rivières" p:"514 222 3333 x44"') == [Term("city", "trois rivieres"),
                                                                 Term("phone", "5142223333")]


def test_prefixes_are_case_insensitive_and_unknown_ones_are_text():
    assert parse("T:chef http://x.ca") == [Term("title", "chef"), Term("text", "http://x.ca")]


def test_empty_query_has_no_terms():
    assert parse(None) == [] and parse("   ") == [] and parse('c:""') == []


def test_phone_term_needs_digits():
    with pytest.raises(InvalidInput) as info:
        parse("p:abc")
    assert "q" in info.value.errors


def test_rep_prefixes_search_rep_names():
    assert parse("r1:Hélène R2:bob") == [Term("rep1", "helene"), Term("rep2", "bob")]


def test_too_many_terms_are_refused():
    with pytest.raises(InvalidInput):
        parse(" ".join(f"t{i}" for i in range(13)))


def test_short_terms_are_flagged_for_prefix_matching():
    assert Term("text", "li").short and not Term("text", "lib").short and not Term("id", "1").short


def test_like_patterns_escape_wildcards():
    assert like_contains("50%_off\\") == "%50\\%\\_off\\\\%"
    assert escape_like("a_b") == "a\\_b"
