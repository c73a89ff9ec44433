"""The inquiry form and API (issue 10, items 1, 7, 11, 12): emergencies are accepted and flagged with
the message first, accepted inquiries are what the rate limit counts (per address and per email),
a 429 keeps what was typed, past travel windows are refused by field, long texts are refused whole,
and the form opens pre-filled from search, compare, hospital and triage pages."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.cases.models import Case

from .factories import case_manager, make_case
from .test_pages import form_data, staff_client

pytestmark = pytest.mark.django_db
URL = reverse("cases:inquiry")
TODAY = datetime.date.today()


def api_body(**overrides):
    data = {
        "full_name": "Li Wei",
        "email": "li.wei@example.test",
        "phone": "+86 139 1234 5678",
        "country_of_residence": "CN",
        "passport_country": "CN",
        "preferred_language": "en",
        "need": "I have cataracts in both eyes.",
        "consent": True,
    }
    data.update(overrides)
    return data


def api_post(client, data):
    return client.post("/api/v1/inquiries", json.dumps(data), content_type="application/json")


# --- item 1: emergencies --------------------------------------------------------------------------


def test_emergency_inquiry_is_accepted_flagged_and_answered_with_the_message_first():
    client = Client()
    data = form_data(need="My father has crushing chest pain right now and is sweating", country_of_residence="MX")
    assert client.post(URL, data).status_code == 302
    case = Case.objects.get()
    assert case.emergency_flagged is True
    assert [s["id"] for s in case.emergency_signs] == ["chest_pain"]
    html = client.get(reverse("cases:inquiry_received")).content.decode()
    article = html.split('<article class="narrow">', 1)[1]
    assert article.index('role="alert"') < article.index(case.reference)
    assert 'href="tel:911"' in article and "the emergency number in Mexico" in article


def test_ordinary_inquiry_is_not_flagged():
    client = Client()
    client.post(URL, form_data(need="I had chest pain three years ago; now I need a knee replacement."))
    case = Case.objects.get()
    assert case.emergency_flagged is False
    assert 'role="alert"' not in client.get(reverse("cases:inquiry_received")).content.decode()


def test_emergency_via_the_api_is_accepted_and_answers_the_message():
    r = api_post(Client(), api_body(need="I want to kill myself", country_of_residence="GB", phone="+44 20 7946 0958"))
    assert r.status_code == 201
    emergency = r.json()["emergency"]
    assert emergency["detected"] is True and emergency["number"]["call"] == "999"
    assert [s["id"] for s in emergency["signs"]] == ["self_harm"]
    assert Case.objects.get(reference=r.json()["reference"]).emergency_flagged
    r = api_post(Client(), api_body(email="other@example.test"))
    assert r.json()["emergency"] == {"detected": False}


def test_case_manager_sees_the_flag_first_in_the_queue_and_on_the_case(make_user):
    manager = case_manager()
    ordinary = [make_case(assigned_to=manager) for _ in range(2)]
    urgent = make_case(assigned_to=manager, need="She collapsed and is unresponsive, not breathing properly")
    assert urgent.emergency_flagged
    html = staff_client(manager).get(reverse("cases:queue")).content.decode()
    assert html.index(urgent.reference) < html.index(ordinary[0].reference)
    row = html.split(urgent.reference, 1)[1].split("</tr>", 1)[0]
    assert "possible emergency" in row
    assert "possible emergency" not in html.split(ordinary[0].reference, 1)[1].split("</tr>", 1)[0]
    page = staff_client(manager).get(reverse("cases:detail", args=[urgent.reference])).content.decode()
    assert 'id="case-emergency"' in page and "Contact them now" in page and "unresponsive" in page


# --- item 11: the rate limit counts accepted inquiries, and a 429 keeps what was typed ------------------


@pytest.fixture
def limited(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "intake": (2, 3600)}


def test_failed_validation_does_not_count(limited):
    client = Client()
    for _ in range(5):
        assert client.post(URL, form_data(consent="")).status_code == 422
    assert client.post(URL, form_data(email="a@example.test")).status_code == 302
    assert client.post(URL, form_data(email="b@example.test", token="b" * 32)).status_code == 302
    assert Case.objects.count() == 2


def test_a_double_submit_counts_once(limited):
    client = Client()
    data = form_data(email="a@example.test")
    assert client.post(URL, data).status_code == 302
    assert client.post(URL, data).status_code == 302  # the same token: the same case
    assert client.post(URL, form_data(email="b@example.test", token="b" * 32)).status_code == 302
    assert Case.objects.count() == 2


def test_over_the_limit_the_form_comes_back_with_everything_typed(limited):
    client = Client()
    client.post(URL, form_data(email="a@example.test", token="a" * 32))
    client.post(URL, form_data(email="b@example.test", token="b" * 32))
    need = "Necesito una prótesis de rodilla, y quiero saber el precio total."
    r = client.post(URL, form_data(email="c@example.test", token="c" * 32, need=need, full_name="Tomás Third"))
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    html = r.content.decode()
    assert "This one has not been sent yet: everything you typed is still below" in html
    assert "minute" in html and "seconds" not in html
    assert need in html and 'value="Tomás Third"' in html and 'value="c@example.test"' in html
    assert Case.objects.count() == 2


def test_the_limit_is_per_email_as_well_as_per_address(limited):
    for i in range(2):
        assert (
            Client(REMOTE_ADDR=f"10.0.0.{i}")
            .post(URL, form_data(email="same@example.test", token=f"{i}" * 32))
            .status_code
            == 302
        )
    r = Client(REMOTE_ADDR="10.0.0.9").post(URL, form_data(email="same@example.test", token="9" * 32))
    assert r.status_code == 429


def test_api_counts_accepted_inquiries_only(limited):
    client = Client()
    for _ in range(4):
        assert api_post(client, api_body(phone="000")).status_code == 422
    assert api_post(client, api_body(email="x1@example.test")).status_code == 201
    assert api_post(client, api_body(email="x2@example.test")).status_code == 201
    r = api_post(client, api_body(email="x3@example.test"))
    assert r.status_code == 429 and int(r["Retry-After"]) > 0


# --- item 12: past windows refused by name; long texts refused whole; a visible counter --------------------


@pytest.mark.parametrize(
    ("window", "fields"),
    [
        (("2020-01-01", "2020-02-29"), {"travel_earliest", "travel_latest"}),
        ((str(TODAY - datetime.timedelta(days=1)), str(TODAY + datetime.timedelta(days=30))), {"travel_earliest"}),
    ],
)
def test_a_past_travel_window_is_refused_by_field(window, fields):
    r = Client().post(URL, form_data(travel_earliest=window[0], travel_latest=window[1]))
    assert r.status_code == 422
    html = r.content.decode()
    for name in fields:
        assert f'id="id_{name}_error"' in html
    assert html.count("This date is in the past") == len(fields)
    assert Case.objects.count() == 0
    r = api_post(Client(), api_body(travel_earliest=window[0], travel_latest=window[1]))
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == fields


def test_today_is_a_valid_start():
    assert Client().post(URL, form_data(travel_earliest=str(TODAY), travel_latest="")).status_code == 302


def test_a_long_text_is_refused_whole_and_the_limit_is_shown():
    html = Client().get(URL).content.decode()
    area = html.split('name="need"', 1)[1].split(">", 1)[0]
    assert "maxlength" not in area and 'data-maxchars="5000"' in area
    assert "Up to 5,000 characters." in html and "js/charcount.js" in html
    text = "word " * 1200
    r = Client().post(URL, form_data(need=text))
    assert r.status_code == 422
    html = r.content.decode()
    assert "Please shorten this to 5000 characters (it has 5999)" in html
    assert text.strip() in html


# --- item 7: the form opens pre-filled, nothing sent ----------------------------------------------------------


def test_prefill_from_search_compare_or_hospital_links():
    start = TODAY + datetime.timedelta(days=40)
    params = {
        "procedure": "Total knee replacement",
        "destinations": ["TR", "IN", "XX"],
        "origin": "NG",
        "passport": "GH",
        "currency": "EUR",
        "travel_from": start.isoformat(),
        "travel_to": "2020-01-01",
        "need": "I would like quotes for Total knee replacement from: Demo Hospital (Istanbul, Türkiye)",
    }
    r = Client().get(URL, params)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'value="Total knee replacement"' in html
    assert "I would like quotes for Total knee replacement from: Demo Hospital (Istanbul, Türkiye)" in html
    assert 'value="TR" id="id_destinations_' in html.replace(" checked", "") and html.count("checked") >= 2
    assert '<option value="NG" selected>' in html and '<option value="GH" selected>' in html
    assert '<option value="EUR" selected>' in html
    assert f'value="{start.isoformat()}"' in html
    latest = html.split('name="travel_latest"', 1)[1].split(">", 1)[0]
    assert "value=" not in latest  # a past date is dropped
    assert Case.objects.count() == 0  # nothing sent until the patient submits


def test_prefill_by_post_from_triage_keeps_the_text_out_of_the_url():
    client = Client()
    r = client.post(URL, {"prefill": "1", "need": "my knee hurts when I climb stairs"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "my knee hurts when I climb stairs" in html and "errorlist" not in html
    assert Case.objects.count() == 0


def test_prefill_is_open_to_every_role(make_user):
    for role in (Role.PATIENT, Role.CASE_MANAGER, Role.PARTNER):
        client = Client()
        client.force_login(make_user(role))
        assert client.get(URL, {"procedure": "Cataract surgery"}).status_code == 200
