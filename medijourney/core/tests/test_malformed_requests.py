"""Malformed requests get 400/422 naming the field, never a 500 (issue 11, item 5): a signed-in
API write whose multipart body has no boundary (the CSRF check reads the body first), a body
that is not JSON, and paging beyond the bounds every paged list shares."""

import pytest
from django.test import Client

from medijourney.accounts.roles import Role
from medijourney.core.api import PAGE_MAX_LIMIT, PAGE_MAX_OFFSET

pytestmark = pytest.mark.django_db

WRITES = [
    ("post", "/api/v1/cases/MJ-0000-0000/messages"),
    ("post", "/api/v1/cases/MJ-0000-0000/documents"),
    ("post", "/api/v1/cases/MJ-0000-0000/transitions"),
    ("post", "/api/v1/tokens"),
    ("post", "/api/v1/partner/requests/00000000-0000-4000-8000-000000000000/decline"),
    ("post", "/api/v1/partner/requests/00000000-0000-4000-8000-000000000000/quote"),
    ("post", "/api/v1/inquiries"),
    ("post", "/api/v1/inquiries/MJ-0000-0000/documents"),
]
NO_BOUNDARY = ["multipart/form-data", "multipart/form-data; boundary=", 'multipart/form-data; boundary=""']


def csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    secret = "a" * 32  # a well-formed CSRF secret: the check passes once the body has been read
    client.cookies["csrftoken"] = secret
    return client, secret


@pytest.mark.parametrize("content_type", NO_BOUNDARY)
@pytest.mark.parametrize(("method", "url"), WRITES)
def test_a_multipart_body_without_a_boundary_is_a_400_naming_content_type(make_user, method, url, content_type):
    client, token = csrf_client(make_user(Role.PARTNER))
    response = getattr(client, method)(
        url, data=b"--x\r\nbroken", content_type=content_type, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["errors"] == [{"field": "Content-Type", "message": body["errors"][0]["message"]}]
    # a multipart endpoint says what is wrong with the multipart; a JSON one asks for JSON
    assert any(word in body["errors"][0]["message"] for word in ("boundary", "application/json"))


def test_the_same_body_on_a_page_form_is_a_400_page_not_a_500(make_user):
    client, token = csrf_client(make_user(Role.PATIENT))
    response = client.post(
        "/accounts/security/", data=b"x", content_type="multipart/form-data; boundary=", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 400


def test_a_body_that_is_not_json_is_a_400_naming_the_body(make_user):
    client = Client()
    client.force_login(make_user(Role.PARTNER))
    response = client.post("/api/v1/tokens", data=b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"


PAGED = [
    "/api/v1/hospitals",
    "/api/v1/procedures",
    "/api/v1/search?procedure=knee-replacement",
    "/api/v1/cases",
    "/api/v1/partner/requests",
    "/api/v1/tokens",
]


@pytest.mark.parametrize("url", PAGED)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=9223372036854775808", "offset"),
        ("offset=9223372036854775807", "offset"),
        (f"offset={PAGE_MAX_OFFSET + 1}", "offset"),
        ("offset=-1", "offset"),
        ("limit=0", "limit"),
        (f"limit={PAGE_MAX_LIMIT + 1}", "limit"),
        ("limit=99999999999999999999999", "limit"),
    ],
)
def test_paging_beyond_the_shared_bounds_is_a_422_naming_the_field(make_user, url, query, field):
    client = Client()
    client.force_login(make_user(Role.ADMIN))  # admins may list cases and tokens
    joined = f"{url}{'&' if '?' in url else '?'}{query}"
    response = client.get(joined)
    if url == "/api/v1/partner/requests":
        assert response.status_code in (403, 422)  # the role check may answer first
        if response.status_code == 403:
            return
    assert response.status_code == 422, (joined, response.content)
    assert field in [e["field"] for e in response.json()["errors"]]


def test_messages_of_a_case_share_the_bounds(make_user):
    client = Client()
    client.force_login(make_user(Role.ADMIN))
    response = client.get(f"/api/v1/cases/MJ-0000-0000/messages?offset={2**63}")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "offset"


@pytest.mark.parametrize("url", ["/api/v1/hospitals", "/api/v1/procedures"])
def test_the_deepest_allowed_offset_is_an_empty_page(url):
    response = Client().get(f"{url}?offset={PAGE_MAX_OFFSET}&limit={PAGE_MAX_LIMIT}")
    assert response.status_code == 200 and response.json()["items"] == []
