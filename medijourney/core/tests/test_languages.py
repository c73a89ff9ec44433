"""Issue 17, items 1–4: six interface languages from gettext catalogues compiled with Babel,
chosen with a switcher (remembered on the account, in a cookie for visitors, else from
Accept-Language), right to left for Arabic, emails in the recipient's language, and every shipped
catalogue complete and honest about how it was made."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from medijourney.cases.services import notification_queue
from medijourney.cases.services.outbox import notification_deliver
from medijourney.core.catalogues import catalogue_paths, compile_catalogues
from medijourney.testing.html import squash
from medijourney.testing.messages import source_messages

OFFERED = [code for code, _name in settings.LANGUAGES]
TRANSLATED = [code for code in OFFERED if code != "en"]


def _catalogue(lang: str):
    path = Path(settings.LOCALE_PATHS[0]) / lang / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"no catalogue for {lang}"
    with path.open("rb") as f:
        return read_po(f, locale=lang), path


def test_six_languages_are_offered_each_with_a_catalogue():
    assert OFFERED == ["en", "ar", "es", "fr", "ru", "bn"]
    assert {p.parent.parent.name for p in catalogue_paths()} == set(TRANSLATED)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_in_the_code_is_translated_in_each_shipped_catalogue(lang):
    catalog, _path = _catalogue(lang)
    entries = {(m.context, m.id[0] if isinstance(m.id, tuple | list) else m.id): m for m in catalog if m.id}
    untranslated = []
    for key in sorted(source_messages(), key=lambda k: (k[0] or "", k[1])):
        m = entries.get(key)
        strings = [] if m is None else (list(m.string) if isinstance(m.string, tuple | list) else [m.string])
        if m is None or m.fuzzy or not strings or not all(s and s.strip() for s in strings):
            untranslated.append(key[1])
    # The list is the report: these would fall back to English on a page in this language.
    assert not untranslated, f"{len(untranslated)} untranslated in {lang}:\n" + "\n".join(untranslated[:40])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_and_plural_forms_hold_in_each_catalogue(lang):
    catalog, _path = _catalogue(lang)
    problems = [f"{m.id!r}: {errs}" for m, errs in catalog.check() if errs]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_catalogue_says_how_it_was_made_and_that_no_medical_translator_reviewed_it(lang):
    _catalog, path = _catalogue(lang)
    header = path.read_text(encoding="utf-8").split("msgid", 1)[0]
    assert "How this text was produced" in header and "NOT been reviewed by a medical translator" in header


def test_compiling_writes_each_catalogue_and_then_only_what_changed(tmp_path, settings):
    for p in catalogue_paths()[:2]:
        dest = tmp_path / p.parent.parent.name / "LC_MESSAGES"
        dest.mkdir(parents=True)
        (dest / "django.po").write_bytes(p.read_bytes())
    settings.LOCALE_PATHS = [tmp_path]
    written = compile_catalogues()
    assert len(written) == 2 and all(mo.stat().st_size > 10_000 for mo in written)
    assert compile_catalogues() == []  # up to date: nothing rewritten
    assert len(compile_catalogues(force=True)) == 2


@pytest.mark.django_db
def test_the_switcher_names_each_language_in_itself_on_every_page(client):
    html = client.get("/").content.decode()
    for name in ("English", "العربية", "Español", "Français", "Русский", "বাংলা"):
        assert f">{name}</option>" in squash(html), name


@pytest.mark.django_db
def test_arabic_from_the_browser_is_right_to_left_and_translated(client):
    html = client.get("/about/", headers={"Accept-Language": "ar-EG,ar;q=0.9"}).content.decode()
    assert '<html lang="ar"' in html and 'dir="rtl"' in html.split(">", 2)[1]
    with translation.override("ar"):
        about = translation.gettext("About")
    assert about != "About" and about in html
    # A left-to-right language stays left to right.
    es = client.get("/about/", headers={"Accept-Language": "es"}).content.decode()
    assert '<html lang="es"' in es and 'dir="ltr"' in es.split(">", 2)[1]


@pytest.mark.django_db
def test_an_unknown_browser_language_gets_english(client):
    html = client.get("/about/", headers={"Accept-Language": "ja-JP"}).content.decode()
    assert '<html lang="en"' in html


@pytest.mark.django_db
def test_a_visitors_choice_is_kept_in_a_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/about/"})
    assert response.status_code == 302 and response["Location"] == "/about/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert '<html lang="fr"' in client.get("/about/", headers={"Accept-Language": "ar"}).content.decode()


@pytest.mark.django_db
def test_an_unoffered_language_is_refused_and_changes_nothing(client, make_user):
    user = make_user(preferred_language="en")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "en" and settings.LANGUAGE_COOKIE_NAME not in client.cookies


@pytest.mark.django_db
def test_a_signed_in_choice_is_remembered_on_the_account_and_follows_to_another_device(make_user):
    user = make_user(preferred_language="en")
    first = Client()
    first.force_login(user)
    first.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "ru"
    other = Client()  # no cookie on this device
    other.force_login(user)
    assert '<html lang="ru"' in other.get("/about/").content.decode()


@pytest.mark.django_db
def test_emails_go_out_in_the_recipients_language(make_user):
    user = make_user(preferred_language="es", email="lucia@example.org")
    with translation.override("es"):
        subject = translation.gettext("Case %(ref)s assigned to you") % {"ref": "MJ-TEST-1"}
    assert subject != "Case MJ-TEST-1 assigned to you"
    note = notification_queue(key="lang-test", kind="assigned", to_email=user.email, context={"reference": "MJ-TEST-1"})
    assert note is not None and note.context["language"] == "es"
    assert notification_deliver(notification_id=note.pk)
    assert mail.outbox[-1].subject == subject


@pytest.mark.django_db
def test_the_about_page_says_who_translated_each_language(client):
    html = squash(client.get("/about/").content.decode())
    assert "Languages, and who translated them" in html
    for _code, name in settings.LANGUAGES[1:]:
        assert name in html
    assert html.count("Not yet reviewed by a medical translator.") == len(TRANSLATED)
