"""The landing page promises only what the data can keep (issue 10, item 5): a home-country price
only where one is published, said as such."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_landing_page_promises_a_home_comparison_only_where_a_price_is_published(client):
    page = client.get("/").content.decode()
    assert "Where we have a published price for the treatment in your country" in page
    assert "where we have none, we say so" in page
    assert "against staying home" not in page  # the old promise, kept for every patient, was not true
    assert "No hidden fees" not in page
    assert "a total that leaves out something the treatment needs" in page
