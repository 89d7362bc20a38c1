"""Operations routes and the API document (docs/rules/http-api.md §1)."""
import re
from urllib.parse import urljoin, urlsplit

import requests

import carnet_gateway.app  # noqa: F401 - imports every route module, as the served app does
from carnet_gateway.api import PREFIX, api


def test_healthz_answers_without_dependencies(base_url):
    response = requests.get(base_url + "/healthz", timeout=10)
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_ready_when_identity_answers(base_url):
    response = requests.get(base_url + "/readyz", timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["redis"] == body["checks"]["identity"] == "ok"
    assert set(body["checks"].values()) == {"ok"}


def test_metrics_count_requests_per_route(base_url):
    requests.get(base_url + "/api/v1/me", timeout=10)
    response = requests.get(base_url + "/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    lines = [line for line in response.text.splitlines() if line.startswith("carnet_http_requests_total{")]
    assert any('route="/api/v1/me"' in line and 'status="401"' in line for line in lines), lines
    assert "carnet_http_request_seconds_bucket" in response.text


def _document(base_url):
    response = requests.get(base_url + "/api/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def test_the_served_document_lists_exactly_the_registered_operations(base_url):
    document = _document(base_url)
    assert document["openapi"].startswith("3.1")
    served = {(path, method.upper()) for path, operations in document["paths"].items() for method in operations}
    registered = {(PREFIX + op.path, op.method) for op in api.operations}
    assert served == registered
    assert all(path.startswith(PREFIX + "/") for path, _ in served)


def test_request_bodies_reference_the_route_schemas(base_url):
    document = _document(base_url)
    schemas = document["components"]["schemas"]
    for op in api.operations:
        operation = document["paths"][PREFIX + op.path][op.method.lower()]
        if op.upload is not None:  # a multipart upload (api.Upload: C-19, DOC-3): its parts, the file binary
            content = operation["requestBody"]["content"]
            assert list(content) == ["multipart/form-data"], op.path
            assert content["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary", op.path
            continue
        if op.body is None:
            assert "requestBody" not in operation, op.path
            continue
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        name = ref.rsplit("/", 1)[-1]
        body = op.body if isinstance(op.body, type) else type(op.body)
        assert name == body.__name__, (op.method, op.path)
        declared = {field.data_key or key for key, field in body().fields.items() if not field.dump_only}
        assert set(schemas[name]["properties"]) == declared, name
        required = {field.data_key or key for key, field in body().fields.items() if field.required}
        assert set(schemas[name].get("required", [])) == required, name


def test_the_api_page_and_its_assets_are_served_locally(base_url):
    page = requests.get(base_url + "/api/docs/", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert "/api/openapi.json" in html
    own = urlsplit(base_url).netloc
    for url in re.findall(r"https?://[^\s\"'<>)]+", html):
        assert urlsplit(url).netloc == own, f"external URL in the API page: {url}"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    scripts = [a for a in assets if a.endswith(".js")]
    styles = [a for a in assets if a.endswith(".css")]
    assert scripts and styles
    for asset in scripts + styles:
        assert not urlsplit(asset).netloc, asset
        response = requests.get(urljoin(page.url, asset), timeout=10)
        assert response.status_code == 200, asset
        assert len(response.content) > 100, asset
