"""Page tests of the web client (issue 11): the real system (every service and the gateway, as ``make run`` starts
them), driven as a browser without JavaScript would (``support/web.py``: form posts, CSRF, the session cookie).
The journeys in a real browser are tests/browser."""
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet  # noqa: F401

from support import orgs, system  # noqa: E402
from support.http import PASSWORD, ApiClient, create_user, login, ok, unique  # noqa: E402, F401
from support.web import WebClient, web_login  # noqa: E402, F401

# solo: no e-mails module (S-7); EXPORT_SYNC_MAX_ROWS=2: an export of three contacts is a job (test_lists_pages.py)
# One address logs in for every test: the login limit per address and minute (S-10, tested in tests/e2e) is lifted.
start_stack = system.stack_starter(LOG_LEVEL="WARNING", SIGNUP_MAX_PER_ADDRESS=100_000,
                                   SIGNUP_MAX_TOTAL=100_000, SIGNUP_PLANS="solo", EXPORT_SYNC_MAX_ROWS=2,
                                   LOGIN_MAX_ATTEMPTS_PER_IP_MINUTE=100_000)
stack = system.session_stack_with_mail(start_stack)
relay, dns_zone = system.relay, system.dns_zone  # campaigns (issue 13): what was sent, the domains' records
base_url = system.base_url
org, member = orgs.org, orgs.member
add_member = orgs.add_member
