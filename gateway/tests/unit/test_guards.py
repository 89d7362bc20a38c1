"""Checks around every request (``guards.py``, ``ops.py``): the operations port, /metrics kept from the public, HSTS
over HTTPS, 204s without a Content-Type (issue 10 §2, §5)."""
import pytest
from conftest import make_settings, sign_in

from carnet_gateway.app import create_app


def client_of(redis, rpc, **settings):
    app = create_app(make_settings(**settings))
    app.extensions.update({"carnet.redis": redis, "carnet.rpc": rpc})
    app.config["TESTING"] = True
    return app.test_client()


def test_a_204_carries_no_content_type(client, redis, rpc):
    sign_in(client, redis, rpc)
    rpc.answers[("identity", "logout")] = True

    response = client.post("/api/v1/auth/logout")

    assert response.status_code == 204 and response.data == b""
    assert "Content-Type" not in response.headers


@pytest.mark.parametrize("address, status", [("127.0.0.1", 200), ("::1", 200), ("203.0.113.9", 404),
                                             ("10.0.0.5", 404)])
def test_without_an_operations_port_metrics_answer_only_on_the_machine_itself(client, address, status):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status
    if status == 404:
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert b"carnet_http_requests_total" not in response.data


def test_with_an_operations_port_metrics_answer_there_only_and_it_serves_nothing_else(redis, rpc):
    client = client_of(redis, rpc, metrics_port=9100)
    ops, public = "http://carnet:9100", "http://carnet:8000"  # the port the request arrived on: SERVER_PORT
    outside = {"REMOTE_ADDR": "10.1.2.3"}

    assert client.get("/metrics", base_url=ops, environ_base=outside).status_code == 200
    assert client.get("/healthz", base_url=ops, environ_base=outside).status_code == 200
    assert client.get("/metrics", base_url=public, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 404
    assert client.get("/api/v1/me", base_url=ops, environ_base=outside).status_code == 404
    assert client.get("/api/openapi.json", base_url=ops, environ_base=outside).status_code == 404
    assert client.get("/api/openapi.json", base_url=public).status_code == 200


def test_hsts_is_sent_over_https_only(redis, rpc):
    client = client_of(redis, rpc, hsts_max_age=31536000, trusted_proxies=1)

    secure = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    plain = client.get("/healthz", headers={"X-Forwarded-Proto": "http"})
    direct_tls = client.get("/healthz", base_url="https://localhost")

    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert direct_tls.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain.headers


def test_without_a_trusted_proxy_a_forwarded_scheme_is_ignored(redis, rpc):
    client = client_of(redis, rpc, hsts_max_age=600)
    assert "Strict-Transport-Security" not in client.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers
