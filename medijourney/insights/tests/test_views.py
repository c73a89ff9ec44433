"""The dashboard, charts, CSVs, API and public page through HTTP: who may see them, bad input
refused by field, audit rows, suppression in CSVs, and a page whose query count does not grow."""

import csv
import html
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.accounts.services import api_token_issue
from medijourney.accounts.tests.factories import UserFactory
from medijourney.privacy.models import AuditEvent
from medijourney.testing.queries import assert_flat

from .data import World, build_world, more_cases

pytestmark = pytest.mark.django_db

LEADS_ONLY = {
    "anonymous": 302,
    "patient": 403,
    "case_manager": 403,
    "partner": 403,
    "quality_lead": 200,
    "specialist": 403,
    "clinician": 403,
    "admin": 200,
}


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def lead_client(client: Client) -> Client:
    client.force_login(UserFactory(role=Role.QUALITY_LEAD))
    return client


@pytest.mark.parametrize(
    "name,args", [("insights:dashboard", []), ("insights:chart", ["destinations"]), ("insights:csv", ["funnel"])]
)
def test_dashboard_chart_and_csv_are_for_leads(matrix: Any, world: World, name: str, args: list[str]) -> None:
    matrix.check(method="GET", url=lambda _obj: reverse(name, args=args), expect=LEADS_ONLY)


def test_api_is_for_leads(matrix: Any, world: World) -> None:
    expect = {**LEADS_ONLY, "anonymous": 401}
    matrix.check(method="GET", url=lambda _o: "/api/v1/insights/funnel", expect=expect)


def test_dashboard_shows_every_figure_and_is_audited(lead_client: Client, world: World) -> None:
    before = AuditEvent.objects.filter(action="insights.dashboard.view").count()
    response = lead_client.get(reverse("insights:dashboard"), world.params(team="north"))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("destinations", "funnel", "response", "turnaround", "savings", "workload"):
        assert f'id="figure-{key}"' in html
    assert "Show as table" in html and "<details" in html
    assert 'src="data:image/svg+xml;base64,' in html  # the chart's bytes, counted once
    assert 'href="/insights/chart/destinations.svg?' in html and "team=north" in html
    assert AuditEvent.objects.filter(action="insights.dashboard.view").count() == before + 1


@pytest.mark.parametrize(
    "params,field",
    [
        ({"start": "2026-06-01", "end": "2026-01-01"}, "end"),
        ({"start": "2019-01-01", "end": "2026-01-01"}, "start"),
        ({"destination": "XX"}, "destination"),
        ({"team": "nobody"}, "team"),
        ({"hospital": "not-a-hospital"}, "hospital"),
        ({"start": "yesterday"}, "start"),
    ],
)
def test_bad_filters_name_the_field(lead_client: Client, world: World, params: dict[str, str], field: str) -> None:
    page = lead_client.get(reverse("insights:dashboard"), params)
    assert page.status_code == 422
    assert f'id="id_{field}_error"' in page.content.decode()
    assert f'value="{params.get(field, "")}"' in page.content.decode() or field in ("destination", "team", "hospital")
    for url in (reverse("insights:csv", args=["funnel"]), "/api/v1/insights/funnel"):
        answer = lead_client.get(url, params)
        assert answer.status_code == 422, url
        assert field in [e["field"] for e in answer.json()["errors"]], url


def test_unknown_figure_is_refused_by_field(lead_client: Client, world: World) -> None:
    answer = lead_client.get(reverse("insights:csv", args=["pie"]))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "figure"
    api = lead_client.get("/api/v1/insights/pie")
    assert api.status_code == 422
    assert "figure" in str(api.json())


def test_empty_range_says_so(lead_client: Client, world: World) -> None:
    page = lead_client.get(reverse("insights:dashboard"), {"start": "2020-01-01", "end": "2020-02-01"})
    assert page.status_code == 200
    assert "No cases in this period." in page.content.decode()
    assert "<img" not in page.content.decode().split("</form>")[1]


def test_chart_is_svg_without_style_or_script(lead_client: Client, world: World) -> None:
    svg = lead_client.get(reverse("insights:chart", args=["destinations"]), world.params())
    assert svg.status_code == 200
    assert svg["Content-Type"].startswith("image/svg+xml")
    body = svg.content.decode()
    assert "<title" in body and "<desc" in body
    assert "India" in body and "67% (n=2)" in body
    assert "<style" not in body and "<script" not in body
    assert "#0072B2" in body
    assert AuditEvent.objects.filter(action="insights.chart.view").exists()


def test_csv_respects_filters_and_suppresses_small_cells(lead_client: Client, world: World) -> None:
    answer = lead_client.get(reverse("insights:csv", args=["destinations"]), world.params())
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0] == ["Destination", "Cases", "Share", "Country code"]
    assert rows[1] == ["India", "<5", "<5", "<5"]
    assert any("suppressed" in " ".join(r) for r in rows)
    more_cases(world, 5)
    rows = list(csv.reader(io.StringIO(lead_client.get(answer.request["PATH_INFO"], world.params()).content.decode())))
    assert rows[1][:2] == ["India", "7"]
    filtered = lead_client.get(answer.request["PATH_INFO"], world.params(origin="GB")).content.decode()
    assert "India" not in filtered and "Türkiye" in filtered
    assert AuditEvent.objects.filter(action="insights.csv.download").count() == 3


def test_api_with_a_bearer_token(world: World) -> None:
    admin = UserFactory(role=Role.ADMIN)
    token = api_token_issue(user=admin, name="figures").raw
    answer = Client().get("/api/v1/insights/response", world.params(), headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["n"] == 6 and data["extra"]["median_hours"] == 3.0
    assert AuditEvent.objects.filter(action="insights.api.read").exists()
    listed = Client().get("/api/v1/insights", headers={"Authorization": f"Bearer {token}"})
    assert "savings" in listed.json()["figures"]


def test_api_is_in_openapi(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/insights/{figure}" in paths
    params = {p["name"] for p in paths["/api/v1/insights/{figure}"]["get"]["parameters"]}
    assert {"figure", "start", "end", "destination", "specialty", "hospital", "team", "origin"} <= params


def test_dashboard_queries_do_not_grow_with_the_data(lead_client: Client, world: World) -> None:
    url = reverse("insights:dashboard")
    count = assert_flat(lambda: lead_client.get(url, world.params()), lambda: more_cases(world, 12))
    assert count < 40


def test_public_figures_need_twenty(client: Client, world: World) -> None:
    page = client.get(reverse("insights:public")).content.decode()
    assert "Not enough data yet: 4 cases with an accepted plan" in page  # c1, c2, c3 and c7 (last 12 months)
    assert "From MediJourney's own cases" in html.unescape(page)
    more_cases(world, 20)
    page = client.get(reverse("insights:public")).content.decode()
    assert "Where our patients go" in page
    assert "n = 24" in page
    assert "&lt;5" in page  # Türkiye's one case is not shown as a count
    assert "of inquiries were answered by a case manager within 24 hours (n = 27 inquiries)" in page


def test_about_links_to_the_figures(client: Client) -> None:
    assert reverse("insights:public") in client.get(reverse("about")).content.decode()


def test_narrow_chart_for_phones(lead_client: Client, world: World) -> None:
    svg = lead_client.get(reverse("insights:chart", args=["funnel"]), world.params(layout="narrow")).content.decode()
    assert 'width="380"' in svg and "Inquiries" in svg
    wide = lead_client.get(reverse("insights:chart", args=["funnel"]), world.params()).content.decode()
    assert 'width="760"' in wide


def test_chart_titles_wrap_to_the_width_instead_of_being_cut(lead_client: Client, world: World) -> None:
    """The phone chart (380 wide) writes the whole title, in lines that fit, and moves the bars
    down by the lines it takes; the wide chart keeps it on one line."""
    title = "The patient funnel: cases received in the period that reached each step"
    narrow = lead_client.get(reverse("insights:chart", args=["funnel"]), world.params(layout="narrow")).content.decode()
    lines = re.findall(r'<tspan x="8" y="(\d+)">([^<]*)</tspan>', narrow)
    assert len(lines) >= 2 and " ".join(text for _y, text in lines) == title
    assert all(len(text) <= 44 for _y, text in lines) and "…" not in narrow
    wide = lead_client.get(reverse("insights:chart", args=["funnel"]), world.params()).content.decode()
    assert re.findall(r'<tspan x="8" y="(\d+)">([^<]*)</tspan>', wide) == [("22", title)]
    first_bar = int(re.search(r'<rect x="8" y="(\d+)"', narrow).group(1))  # type: ignore[union-attr]
    assert first_bar > int(lines[-1][0])  # below the title's last line
    # The axis label starts at the left edge on a phone (centred, a long one was cut at the left).
    assert re.search(r'<text x="8" y="\d+" text-anchor="start" fill="#000000">Share of inquiries', narrow)
