"""The pages every health site needs (issue 10, item 8): real text for this product, linked from
every page's footer, translatable, each with a "last updated" date, promising nothing the code
does not do."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from medijourney.testing.html import contains, squash

pytestmark = pytest.mark.django_db

PAGES = {
    "/privacy/": "Privacy notice",
    "/terms/": "Terms of use",
    "/about/": "About MediJourney",
    "/contact/": "Contact",
    "/reviews/": "How reviews are verified",
}


@pytest.mark.parametrize(("url", "title"), PAGES.items())
def test_each_text_page_has_its_title_a_last_updated_date_and_a_way_back(client, url, title):
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert contains(page, f"<h1>{title}</h1>")
    assert re.search(r'Last updated:<time datetime="\d{4}-\d{2}-\d{2}">\d{1,2} \w{3} \d{4}</time>', squash(page))
    assert contains(page, '<a href="/">Home</a>')  # the way back


@pytest.mark.parametrize("url", ["/", "/search/", "/hospitals/", "/inquiry/", "/accounts/login/", "/privacy/"])
def test_the_footer_links_every_text_page(client, url):
    page = client.get(url).content.decode()
    footer = page[page.index('<footer class="site-footer') :]
    for link in PAGES:
        assert f'href="{link}"' in footer, (url, link)


def test_the_privacy_notice_names_recipients_retention_and_how_to_use_ones_rights(client):
    page = client.get("/privacy/").content.decode()
    assert "A partner hospital only after you consent for that hospital" in page
    assert "no specialist receives anything about you today" in page
    assert "nothing is deleted automatically after a fixed time" in page  # as implemented: no timed purge
    assert 'href="/my-data/"' in page  # export and erasure are used there
    assert "internal notes" in page


def test_about_explains_the_commission_model_and_the_ranking(client):
    page = client.get("/about/").content.decode()
    assert "The commission in force is shown on every quote it applies to" in page
    assert "no commission" in page
    assert "no paid or promoted field" in page
    assert "Like is compared with like" in page


def test_the_reviews_page_explains_how_reviews_are_verified(client):
    page = client.get("/reviews/").content.decode()
    assert "completed through MediJourney" in page
    assert "2019/2161" in page
    assert "Every review is published" in page
    assert "not enough data yet" in page


def test_about_says_a_demo_installation_is_invented(client, settings):
    settings.DEMO_MODE = True
    assert "This site is a demo installation" in client.get("/about/").content.decode()
    settings.DEMO_MODE = False
    settings.SITE_OPERATOR = "Example Care Ltd"
    page = client.get("/about/").content.decode()
    assert "This site is a demo installation" not in page
    assert "This site is run by Example Care Ltd." in page


def test_contact_shows_the_configured_address_and_the_emergency_note_first(client, settings):
    settings.CONTACT_EMAIL = "help@example.org"
    page = client.get("/contact/").content.decode()
    assert 'href="mailto:help@example.org"' in page
    assert page.index("call your local emergency number now") < page.index("help@example.org")


@pytest.mark.parametrize("name", ["_page", "privacy", "terms", "about", "contact", "reviews"])
def test_every_word_of_the_text_pages_is_translatable(name):
    """Take away what gettext translates ({% translate %}, {% blocktranslate %}), the other template
    tags and the HTML: no word may be left over."""
    source = (Path(settings.BASE_DIR) / f"medijourney/core/templates/core/pages/{name}.html").read_text()
    rest = re.sub(r"{% blocktranslate.*?%}.*?{% endblocktranslate %}", " ", source, flags=re.S)
    rest = re.sub(r"{% translate .*?%}|{%.*?%}|{{.*?}}|<[^>]+>", " ", rest, flags=re.S)
    assert re.findall(r"[A-Za-z]{2,}", rest) == []


def test_text_pages_refuse_writes(client):
    assert client.post("/privacy/").status_code == 405
