"""Every code the forms service can answer has its words in French and English at the gateway (F-4, F-5): a
quarantine reason on the submissions page, a visitor's field error on the public side, a draft's field reason in
the API's problems. A code added to the service without its message fails here, not in front of a user."""
import pytest

from carnet_forms import definition
from carnet_forms.intake import spam
from carnet_gateway.messages import MESSAGES

CASES = ([(f"web_forms.reason.{code}", "a quarantine reason") for code in spam.CODES]
         + [(f"public_forms.error.{code}", "a visitor's field error") for code in definition.VALUE_ERRORS]
         + [(code, "a draft's field reason") for code in definition.DRAFT_ERRORS])


@pytest.mark.parametrize("key, what", CASES, ids=[key for key, _ in CASES])
def test_each_code_has_its_english_and_french_words(key, what):
    english, french = MESSAGES.get(key, (None, None))
    assert english and french, f"{what}: no message {key!r} in the gateway's catalogues"
