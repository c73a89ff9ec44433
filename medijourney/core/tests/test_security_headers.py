import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_csp_without_inline_script_and_no_framing(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_for_signed_in_people_are_never_cached(client, make_user):
    client.force_login(make_user("case_manager"))
    response = client.get(reverse("accounts:dashboard"))
    assert "no-store" in response["Cache-Control"]


def test_no_inline_scripts_in_the_base_layout(client):
    html = client.get("/accounts/login/").content.decode()
    for chunk in html.split("<script")[1:]:
        assert 'src="' in chunk.split(">")[0], "inline <script> found"
    assert " style=" not in html and " onclick=" not in html


def test_api_docs_page_loads_with_its_own_styles_allowed(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"].split("style-src")[1].split(";")[0]


def test_csrf_is_enforced_on_htmx_style_posts(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    assert client.post(reverse("accounts:logout"), headers={"HX-Request": "true"}).status_code == 403
