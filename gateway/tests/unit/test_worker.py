"""The gateway's gunicorn worker answers the requests gunicorn cannot read with a problem+json (issue 10 §5); the
real server's answer is checked by tests/api_fuzz/test_conformance.py."""
import json

from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine

from carnet_gateway import worker


def _split(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return lines[0], headers, body


def test_a_request_line_too_long_is_a_problem_in_english_and_french():
    status, reason, code, setting = worker.REFUSED[LimitRequestLine]
    line, headers, body = _split(worker.problem_bytes(status, reason, code, 262144))
    assert (line, setting) == ("HTTP/1.1 414 URI Too Long", "limit_request_line")
    assert headers["Content-Type"] == "application/problem+json" and headers["Connection"] == "close"
    assert int(headers["Content-Length"]) == len(body)
    problem = json.loads(body)
    assert problem == {"type": "urn:carnet:problem:request-line-too-long", "title": "URI too long", "status": 414,
                       "code": "request_line_too_long", "detail": problem["detail"]}
    english, french = problem["detail"].split(" / ")
    assert "262144 bytes" in english and "262144 octets" in french


def test_headers_too_large_are_a_431_problem():
    status, reason, code, setting = worker.REFUSED[LimitRequestHeaders]
    line, headers, body = _split(worker.problem_bytes(status, reason, code, 8190))
    assert line == "HTTP/1.1 431 Request Header Fields Too Large" and setting == "limit_request_field_size"
    assert json.loads(body)["code"] == "request_headers_too_large"
