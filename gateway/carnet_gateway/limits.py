"""Counters that keep abuse in bounds (S-10, OWASP API4), shared by every gateway worker through Redis.

Each check counts the attempt in the same atomic step that compares it with its caps (a Lua script: Redis runs it
whole), never "read, then record after the answer": with check-then-record, a hundred concurrent attempts all
read zero and all pass. An attempt that turns out not to deserve counting (a successful login, a sign-up whose
username was free) gives its count back afterwards.

- **Login** (per username and address 10 failures, per address 50, per username from anywhere 100, in 15
  minutes; 120 attempts a minute per address): each attempt is counted as a failure before identity checks the
  password; a success clears the username's failures. A stranger guessing from one address cannot lock the real
  user out for long, while a distributed attack on one account still stops at 100 (NIST SP 800-63B's ceiling).
- **Sign-up** (per address and in all, per hour): every attempt, and apart from them the refusals of a taken
  username, which are what a sign-up reveals (docs/rules/identity-and-access.md): a script learns at most a few
  existing names an hour, while a company signing up many organizations from one address is not stopped.
- **API** per user and minute: one script per request (the session's user, then their counter), which also
  reads what authentication needs next: an authenticated request makes one round trip to Redis.
"""
import time

from flask import current_app, g, request

from carnet_common import redis_keys
from carnet_common.errors import TooManyRequests

# KEYS: the counters; ARGV: a cap and a window (seconds) per key. Refused (nothing counted) when a counter has
# reached its cap: {its position, its seconds left}; else every counter counted, each window starting at its
# first count: {0, 0}.
_RESERVE = """
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[2 * i - 1]) then
    return {i, redis.call('TTL', key)}
  end
end
for i, key in ipairs(KEYS) do
  redis.call('INCR', key)
  if redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, ARGV[2 * i]) end
end
return {0, 0}
"""

# KEYS: counters to give one count back to (never below zero).
_GIVE_BACK = """
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
"""

# KEYS[1]: the session; ARGV: the prefixes of the counters' keys, of the authorization generations, of the cached
# principals and of the list generations, then the minute's number. Without a session (or one naming no user or no
# organization): {0} and nothing counted (authentication answers 401 on its own). Else the request's number this
# minute for the session's user, then what authentication reads next, so that an authenticated request costs one
# round trip to Redis (issue 9 §3 cut 14): {count, the session's fields and values, the organization's authorization
# generation, the user's cached principal, the organization's list generation} (a missing key is nil).
_USER_MINUTE = """
local session = redis.call('HGETALL', KEYS[1])
local fields = {}
for i = 1, #session, 2 do fields[session[i]] = session[i + 1] end
local user, org = fields['user_id'], fields['org_id']
if not user or not org then return {0} end
local key = ARGV[1] .. user .. ':' .. ARGV[5]
local count = redis.call('INCR', key)
if count == 1 then redis.call('EXPIRE', key, 61) end
local reads = redis.call('MGET', ARGV[2] .. org, ARGV[3] .. user, ARGV[4] .. org)
return {count, session, reads[1], reads[2], reads[3]}
"""

_scripts = {}


def _run(source, keys, args):
    redis = current_app.extensions["carnet.redis"]
    script = _scripts.get((id(redis), source))
    if script is None:
        script = _scripts[(id(redis), source)] = redis.register_script(source)
    return script(keys=keys, args=args)


def _reserve(code, counters):
    """``counters``: (key, cap, window) triples; 429 naming ``code`` when one is at its cap."""
    refused, ttl = _run(_RESERVE, [key for key, _, _ in counters],
                        [value for _, cap, window in counters for value in (cap, window)])
    if refused:
        raise TooManyRequests(code, params={"retry_after": max(int(ttl), 1)})


def _give_back(keys):
    _run(_GIVE_BACK, list(keys), [])


def client_address():
    """The caller's address: the peer's, or the one a trusted proxy forwarded (``TRUSTED_PROXIES``)."""
    return request.remote_addr or "unknown"


# Login --------------------------------------------------------------------------------------------------

def _login_failure_keys(username):
    name, address = username.lower(), client_address()
    return (redis_keys.rate_key("login_fail_user", name), redis_keys.rate_key("login_fail_pair", f"{name}@{address}"),
            redis_keys.rate_key("login_fail_ip", address))


def count_login_attempt(username):
    """Before identity is asked: 429 when a cap is reached, else the attempt counts as a failure until
    ``login_succeeded`` or ``login_unanswered`` says otherwise."""
    settings = current_app.config["CARNET"]
    user_key, pair_key, ip_key = _login_failure_keys(username)
    window = settings.login_window_seconds
    _reserve("login_throttled", [
        (redis_keys.rate_key("login_ip_minute", client_address()), settings.login_ip_attempts_per_minute, 60),
        (user_key, settings.login_user_failures, window),
        (pair_key, settings.login_pair_failures, window),
        (ip_key, settings.login_ip_failures, window)])


def login_succeeded(username):
    """The password was right: the username's failures are forgiven, and this attempt was not one."""
    user_key, pair_key, ip_key = _login_failure_keys(username)
    current_app.extensions["carnet.redis"].delete(user_key, pair_key)
    _give_back([ip_key])


def login_unanswered(username):
    """Identity gave no verdict (unavailable, timed out): the attempt was not a failure."""
    _give_back(_login_failure_keys(username))


# Sign-up ------------------------------------------------------------------------------------------------

def _sign_up_keys():
    address = client_address()
    return ((redis_keys.rate_key("signup_ip", address), redis_keys.rate_key("signup_all", "-")),
            (redis_keys.rate_key("signup_taken_ip", address), redis_keys.rate_key("signup_taken_all", "-")))


def count_sign_up():
    """Before identity hashes anything: 429 when this address or everyone has used up the window's sign-ups, or
    its refusals of taken usernames. Counts this attempt as a possible refusal until ``sign_up_answered``."""
    settings = current_app.config["CARNET"]
    (per_address, overall), (taken_per_address, taken_overall) = _sign_up_keys()
    window = settings.signup_window_seconds
    _reserve("signup_throttled", [(per_address, settings.signup_max_per_address, window),
                                  (overall, settings.signup_max_total, window),
                                  (taken_per_address, settings.signup_max_taken_per_address, window),
                                  (taken_overall, settings.signup_max_taken_total, window)])


def sign_up_answered(*, username_taken):
    if not username_taken:
        _give_back(_sign_up_keys()[1])


# API requests per user ----------------------------------------------------------------------------------

def count_user_request(token_digest, per_minute):
    """429 once the session's user has made ``per_minute`` requests this minute (a fixed window).

    The same script reads what ``auth.authenticate`` needs next (the session, the generations, the cached
    principal): it is kept for this request (``session_read``), so authentication sends nothing more."""
    now = int(time.time())
    reply = _run(_USER_MINUTE, [redis_keys.session_key(token_digest)],
                 [redis_keys.rate_key("api_user", ""), redis_keys.authz_generation_key(""),
                  redis_keys.principal_key(""), redis_keys.lists_generation_key(""), now // 60])
    count = int(reply[0])
    if len(reply) == 5:
        _, session, generation, principal, lists_generation = reply
        session = dict(zip(session[::2], session[1::2], strict=True))
        g.carnet_session_read = (token_digest, session, (generation, principal, lists_generation))
    if count > per_minute:
        raise TooManyRequests("api_rate_limited", params={"retry_after": 60 - now % 60, "limit": per_minute})


def session_read(token_digest):
    """What ``count_user_request`` read for this request's session ``token_digest``: ``(session, (authorization
    generation, cached principal, list generation))``, or None (no cap, no session, another token). Taken once."""
    read = g.pop("carnet_session_read", None)
    if read is None or read[0] != token_digest:
        return None
    return read[1], read[2]
