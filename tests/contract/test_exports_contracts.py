"""The gateway's export query and the contacts service's search query accept the same fields (C-18): an
export selects exactly what the search selects, without paging."""
import copy

from test_identity_contracts import json_schema

from carnet_contacts.records import contracts as rpc
from carnet_gateway.schemas import exports as http

PAGING = ("page", "per_page")


def test_export_query_is_the_search_query_without_paging():
    service = copy.deepcopy(json_schema(rpc.SearchQuery))
    for name in PAGING:
        service["properties"].pop(name)
    gateway = json_schema(http.ExportQuery)
    assert gateway == service
    assert set(gateway["properties"]) >= {"q", "criteria", "filter_id", "sort"}
