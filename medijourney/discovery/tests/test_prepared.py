"""The prepared candidate query gives exactly what the same queryset gives through the ORM."""

import pytest

from medijourney.discovery.selectors import candidate_offers, search_candidates, searchable_offers
from medijourney.discovery.tests.world import NO_ROOM, add_hospital, standard_world
from medijourney.network.models import Hospital

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "bodies"),
    [(None, ()), ("en", ()), ("ar-EG", ("NABH",)), (None, ("JCI", "NABH"))],
)
def test_prepared_candidates_equal_the_orm(language, bodies):
    world = standard_world()
    add_hospital(
        world,
        "odd",
        country_code="IN",
        city="",
        airport_code="DEL",
        inclusions=NO_ROOM,
        wait_days=None,
        currency="INR",
        price=("150000.50", "210000"),
    )
    suspended = world.hospitals["bangkok"]
    suspended.status = Hospital.Status.SUSPENDED
    suspended.save()
    today = world.offer("delhi").as_of
    orm = candidate_offers(
        searchable_offers(today).filter(procedure=world.procedure),
        specialty="orthopedics",
        today=today,
        language=language,
        bodies=bodies,
    )
    prepared = search_candidates(
        procedure_pk=world.procedure.pk, specialty="orthopedics", today=today, language=language, bodies=bodies
    )
    key = lambda c: c.offer_pk  # noqa: E731
    assert sorted(prepared, key=key) == sorted(orm, key=key)
    assert len(prepared) == 3
    odd = next(c for c in prepared if c.name == "Odd Hospital")
    assert str(odd.price_min) == "150000.50" and odd.currency == "INR" and odd.wait_days is None
    assert odd.inclusions["room_per_night"] is False
    istanbul = next(c for c in prepared if c.name == "Istanbul Hospital")
    assert istanbul.n_bodies == 2 and istanbul.verified_doctors == 3
    if language == "ar-EG":
        assert istanbul.language_match is True and odd.language_match is False
    if bodies == ("NABH",):
        assert istanbul.body_match is True and odd.body_match is False
