"""docs/ stands alone and stays true to the tree: what docs/check_links.py checks, on the real tree and on a
small one made to break each check."""
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_links", ROOT / "docs" / "check_links.py")
check_links = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_links)


def test_every_citation_in_docs_resolves_and_every_cited_rule_is_documented():
    assert check_links.problems(ROOT) == []


@pytest.fixture
def tree(tmp_path):
    """A minimal repository: one module citing C-3, its rule page, the index and the README."""
    (tmp_path / "services" / "contacts").mkdir(parents=True)
    (tmp_path / "services" / "contacts" / "norms.py").write_text(
        '"""Phones by their digits (C-3)."""\n\n\ndef phone_digits(value):\n    return value\n')
    (tmp_path / "docs" / "rules").mkdir(parents=True)
    (tmp_path / "docs" / "rules" / "contacts.md").write_text(
        "# Contacts\n\n## C-3 Phones are searched by their digits\n\nWhere:\n"
        "- `services/contacts/norms.py`: `phone_digits`\n")
    (tmp_path / "docs" / "README.md").write_text(
        "| [C-3](rules/contacts.md#c-3-phones-are-searched-by-their-digits) | Phones |\n")
    (tmp_path / "README.md").write_text("Rules: [docs](docs/README.md).\n")
    return tmp_path


def test_a_sound_tree_has_no_problem(tree):
    assert check_links.problems(tree) == []


def test_a_moved_module_is_named_with_the_doc_line(tree):
    (tree / "services" / "contacts" / "norms.py").rename(tree / "services" / "contacts" / "digits.py")

    assert "docs/rules/contacts.md:6: services/contacts/norms.py does not exist" in check_links.problems(tree)


def test_a_renamed_function_is_named(tree):
    (tree / "services" / "contacts" / "norms.py").write_text('"""C-3."""\n\n\ndef digits_of(value):\n    return 1\n')

    assert check_links.problems(tree) == [
        "docs/rules/contacts.md:6: phone_digits is not defined in services/contacts/norms.py"]


def test_a_rule_the_code_cites_without_a_heading_is_named(tree):
    (tree / "services" / "contacts" / "search.py").write_text('"""Search (C-11)."""\n')

    assert check_links.problems(tree) == ["C-11 (cited in services/contacts/search.py) has no heading in docs/rules/"]


def test_a_link_to_a_missing_heading_or_file_is_named(tree):
    (tree / "docs" / "README.md").write_text(
        "| [C-3](rules/contacts.md#c-3-phones) | Phones |\nSee [speed](performance.md).\n")

    assert check_links.problems(tree) == [
        "docs/README.md:1: rules/contacts.md#c-3-phones names no heading",
        "docs/README.md:2: the link to performance.md leads nowhere"]


def test_a_rule_missing_from_the_index_is_named(tree):
    (tree / "docs" / "README.md").write_text("Rules by page: [contacts](rules/contacts.md).\n")

    assert check_links.problems(tree) == ["C-3 (docs/rules/contacts.md) is missing from the index of docs/README.md"]


def test_a_module_the_code_cites_that_moved_is_named(tree):
    (tree / "services" / "contacts" / "search.py").write_text(
        '"""Search terms (``carnet_contacts/norms.py``, ``carnet_contacts.norms.phone_digits``,'
        ' ``carnet_contacts/trash.py``, ``carnet_contacts.norms.gone``)."""\n')
    (tree / "services" / "contacts" / "carnet_contacts").mkdir()
    (tree / "services" / "contacts" / "carnet_contacts" / "norms.py").write_text("def phone_digits(value):\n    pass\n")

    assert check_links.problems(tree) == [
        "services/contacts/search.py:1: carnet_contacts/trash.py does not exist",
        "services/contacts/search.py:1: carnet_contacts.norms.gone does not exist"]
