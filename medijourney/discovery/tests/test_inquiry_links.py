"""From finding to asking (issue 10, item 7): the hospital page and the compare page open the
inquiry form pre-filled; nothing is sent until the patient submits it."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from medijourney.cases.models import Case
from medijourney.discovery.tests.world import standard_world
from medijourney.testing.html import anchors

pytestmark = pytest.mark.django_db


def link(html, css_class):
    found = [a for a in anchors(html, css_class) if a.get("role") == "button"]
    assert found, css_class
    assert len({a["href"] for a in found}) == 1, "every such link on the page goes to the same place"
    return found[0]["href"]


def test_compare_page_gets_quotes_from_these_hospitals(client):
    world = standard_world()
    start = datetime.date.today() + datetime.timedelta(days=60)
    offers = [str(world.offer(k).public_id) for k in ("bangkok", "delhi")]
    html = client.get(
        reverse("discovery:compare"),
        {"offers": offers, "origin": "GB", "passport": "IN", "currency": "GBP", "travel_from": start.isoformat()},
    ).content.decode()
    href = link(html, "get-quotes")
    params = parse_qs(urlsplit(href).query)
    assert urlsplit(href).path == reverse("cases:inquiry")
    assert params["procedure"] == ["Total knee replacement"]
    assert params["destinations"] == ["TH", "IN"]
    assert params["origin"] == ["GB"] and params["passport"] == ["IN"] and params["currency"] == ["GBP"]
    assert params["travel_from"] == [start.isoformat()]
    assert "Bangkok Hospital (Bangkok, Thailand)" in params["need"][0] and "Delhi Hospital" in params["need"][0]
    form = client.get(href).content.decode()
    assert 'value="Total knee replacement"' in form and "Bangkok Hospital (Bangkok, Thailand)" in form
    assert '<option value="GB" selected>' in form and '<option value="GBP" selected>' in form
    assert Case.objects.count() == 0


def test_hospital_page_asks_about_this_treatment_here(client):
    world = standard_world()
    hospital = world.hospitals["istanbul"]
    html = client.get(reverse("network:hospital_detail", args=[hospital.public_id])).content.decode()
    assert "Ask about this treatment here" in html
    href = link(html, "ask-here")
    params = parse_qs(urlsplit(href).query)
    assert params["procedure"] == ["Total knee replacement"] and params["destinations"] == ["TR"]
    assert params["need"] == [
        f"I would like to ask about Total knee replacement at {hospital.name} (Istanbul, Türkiye)."
    ]
    form = client.get(href).content.decode()
    assert f"at {hospital.name} (Istanbul, Türkiye)." in form
    assert Case.objects.count() == 0
