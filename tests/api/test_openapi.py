"""The API describes itself: OpenAPI JSON with every route, and the interactive docs page."""

from __future__ import annotations

import json

from tests.api.support import BASE

PATHS = {
    "/api/v1/blogs": {"get", "post"},
    "/api/v1/blogs/{slug}": {"get", "patch"},
    "/api/v1/blogs/{slug}/live": {"post"},
    "/api/v1/blogs/{slug}/end": {"post"},
    "/api/v1/blogs/{slug}/archive": {"post"},
    "/api/v1/blogs/{slug}/key-points": {"get", "put"},
    "/api/v1/blogs/{slug}/entries": {"get", "post"},
    "/api/v1/blogs/{slug}/entries/bulk": {"post"},
    "/api/v1/blogs/{slug}/entries/{entry_id}": {"get", "patch", "delete"},
    "/api/v1/blogs/{slug}/entries/{entry_id}/submit": {"post"},
    "/api/v1/blogs/{slug}/entries/{entry_id}/approve": {"post"},
    "/api/v1/blogs/{slug}/entries/{entry_id}/reject": {"post"},
    "/api/v1/blogs/{slug}/entries/{entry_id}/publish": {"post"},
    "/api/v1/blogs/{slug}/entries/{entry_id}/unpublish": {"post"},
    "/api/v1/blogs/{slug}/entries/{entry_id}/takedown": {"post"},
    "/api/v1/blogs/{slug}/entries/{entry_id}/restore": {"post"},
    "/api/v1/blogs/{slug}/entries/{entry_id}/schedule": {"post"},
    "/api/v1/blogs/{slug}/entries/{entry_id}/key-event": {"put"},
    "/api/v1/blogs/{slug}/entries/{entry_id}/pin": {"post", "delete"},
    "/api/v1/blogs/{slug}/changes": {"get"},
    "/api/v1/blogs/{slug}/media": {"post"},
    "/api/v1/blogs/{slug}/contributors": {"get", "post"},
    "/api/v1/blogs/{slug}/contributors/{contributor_id}": {"get", "patch", "delete"},
    "/api/v1/blogs/{slug}/assist/similar": {"post"},
    "/api/v1/blogs/{slug}/assist/key-points": {"get"},
    "/api/v1/blogs/{slug}/assist/key-points/{key}/accept": {"post"},
    "/api/v1/blogs/{slug}/assist/key-points/{key}/dismiss": {"post"},
    "/api/v1/blogs/{slug}/assist/settings": {"get", "put"},
    "/api/v1/blogs/{slug}/quotes": {"get"},
    "/api/v1/blogs/{slug}/topics": {"get"},
}


def test_the_openapi_document_is_json_and_lists_every_route(client):
    response = client.get(f"{BASE}/openapi.json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Bulletin API"
    assert {path: set(methods) for path, methods in schema["paths"].items()} == PATHS


def test_every_operation_documents_the_one_error_shape(client):
    schema = json.loads(client.get(f"{BASE}/openapi.json").content)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {
                code: answer
                for code, answer in operation["responses"].items()
                if code.startswith("4")
            }
            assert "400" in errors or "404" in errors, (method, path)
            for answer in errors.values():
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut"), (method, path)


def test_the_bulk_body_documents_its_choices_and_limit(client):
    schema = json.loads(client.get(f"{BASE}/openapi.json").content)
    fields = schema["components"]["schemas"]["BulkIn"]["properties"]

    assert fields["action"]["enum"] == ["unpublish", "delete", "key-event", "not-key-event"]
    assert (fields["entries"]["minItems"], fields["entries"]["maxItems"]) == (1, 200)
    assert fields["entries"]["items"]["minimum"] == 1


def test_the_interactive_docs_answer(client):
    response = client.get(f"{BASE}/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_the_api_docs_page_loads_nothing_from_other_hosts(client):
    import re

    html = client.get("/api/v1/docs").content.decode()
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert links
    assert [link for link in links if link.startswith(("http:", "https:", "//"))] == []
