"""Search and compare are public: anonymous and every role get the same answer (the matrix still
lists every role, so a new role cannot slip through untested). The navigation entry shows for all."""

import pytest
from django.urls import reverse

from medijourney.accounts.roles import Role
from medijourney.discovery.tests.world import standard_world

pytestmark = pytest.mark.django_db
EVERYONE_200 = {"anonymous": 200, **dict.fromkeys(Role.values, 200)}


@pytest.fixture
def world():
    return standard_world()


def offers(world):
    return [str(world.offer("delhi").public_id), str(world.offer("bangkok").public_id)]


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("discovery:search"),
        lambda w: reverse("discovery:search") + "?q=my+knee+is+worn+out&origin=GB",
        lambda w: "/api/v1/search?procedure=knee-replacement&origin=GB",
        lambda w: reverse("discovery:compare") + "?" + "&".join(f"offers={o}" for o in offers(w)),
        lambda w: "/api/v1/compare?" + "&".join(f"offers={o}" for o in offers(w)),
    ],
    ids=["search-page", "search-page-with-query", "search-api", "compare-page", "compare-api"],
)
def test_public_routes_answer_everyone(matrix, world, url):
    matrix.check(method="GET", url=lambda obj: url(world), expect=EVERYONE_200)


def test_post_is_not_allowed(client, world):
    assert client.post(reverse("discovery:search")).status_code == 405
    assert client.post(reverse("discovery:compare")).status_code == 405


def test_navigation_entry_for_every_role(client, make_user, world):
    for role in Role:
        client.force_login(make_user(role))
        page = client.get(reverse("discovery:search")).content.decode()
        assert f'href="{reverse("discovery:search")}" aria-current="page"' in page, role
