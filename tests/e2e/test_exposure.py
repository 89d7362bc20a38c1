"""What the public port shows (issue 10 §2, OWASP API8): /metrics only to the machine itself, or only on the
operations port where one is set (as in Kubernetes); HSTS when the client came over HTTPS."""
import requests
from conftest import assert_problem, new_address


def test_metrics_are_not_served_to_a_public_client(base_url):
    public = requests.get(base_url + "/metrics", headers={"X-Forwarded-For": new_address()}, timeout=10)
    local = requests.get(base_url + "/metrics", timeout=10)

    assert_problem(public, 404, code="route_not_found")
    assert "carnet_http_requests_total" not in public.text
    assert local.status_code == 200 and "carnet_http_requests_total" in local.text


def test_with_an_operations_port_metrics_are_served_there_and_nowhere_else(limited_stack):
    operations, public = limited_stack.operations_url, limited_stack.url
    scraped = requests.get(operations + "/metrics", timeout=10)

    assert scraped.status_code == 200 and "carnet_http_requests_total" in scraped.text
    assert requests.get(operations + "/readyz", timeout=10).status_code == 200
    assert_problem(requests.get(public + "/metrics", timeout=10), 404)  # even from this machine
    assert_problem(requests.get(operations + "/api/v1/me", timeout=10), 404)
    assert_problem(requests.get(operations + "/api/openapi.json", timeout=10), 404)
    assert requests.get(public + "/api/openapi.json", timeout=10).status_code == 200


def test_hsts_is_sent_when_the_client_came_over_https(base_url):
    over_tls = requests.get(base_url + "/api/v1/me", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    plain = requests.get(base_url + "/api/v1/me", timeout=10)

    assert over_tls.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain.headers
