"""The inline explanation (glossary.inline, ``|explain_terms``): the first occurrence of each term,
whole words only, case-insensitive, the longest form first, escaped, never inside a tag, an
attribute or an explanation already there, in the reader's language (right to left included)."""

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import override

from medijourney.glossary.inline import explain_terms, explained_terms
from medijourney.testing.html import squash, without_glosses


def summaries(html: str) -> list[str]:
    return [part.split("</summary>")[0] for part in html.split("<summary>")[1:]]


def test_the_first_occurrence_of_each_term_is_explained_and_the_rest_left_alone():
    html = explain_terms("A biopsy, then a second Biopsy and a stent.", lang="en")
    assert summaries(html) == ["biopsy", "stent"]
    assert html.count("Biopsy") == 1 and "The removal of cells or tissues" in html
    assert 'href="/glossary/?q=biopsy#biopsy"' in html and "More in the glossary" in html


def test_case_does_not_matter_and_the_text_keeps_its_own_case():
    assert summaries(explain_terms("BIOPSY of the liver", lang="en")) == ["BIOPSY"]


def test_whole_words_only():
    assert summaries(explain_terms("biopsyish, prebiopsy and non-stent-like", lang="en")) == []
    assert summaries(explain_terms("a hernia.", lang="en")) == ["hernia"]


def test_the_longest_form_wins():
    html = explain_terms("Coronary artery bypass grafting was planned", lang="en")
    assert summaries(html) == ["Coronary artery bypass grafting"]
    assert summaries(explain_terms("the discharge summary and the discharge", lang="en")) == [
        "discharge summary",
        "discharge",
    ]


def test_aliases_lead_to_their_entry():
    html = explain_terms("Keyhole surgery with general anaesthetic", lang="en")
    assert summaries(html) == ["Keyhole surgery", "general anaesthetic"]
    assert "#laparoscopy" in html and "#general-anesthesia" in html


def test_script_in_the_text_is_escaped_and_nothing_unsafe_is_marked_safe():
    html = explain_terms('<script>alert("x")</script> biopsy <img src=x onerror=alert(1)>', lang="en")
    assert isinstance(html, SafeString)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html and "&lt;img src=x" in html
    assert summaries(html) == ["biopsy"]


def test_a_term_inside_a_tag_or_attribute_or_link_of_safe_markup_is_not_wrapped():
    safe = mark_safe('<a href="/x" title="biopsy">biopsy</a> <span data-t="stent">hernia</span>')
    html = explain_terms(safe, lang="en")
    assert 'title="biopsy">biopsy</a>' in html and 'data-t="stent"' in html
    assert summaries(html) == ["hernia"]


def test_no_nested_wrapping_when_applied_twice():
    once = explain_terms("A biopsy of a cyst.", lang="en")
    twice = explain_terms(once, lang="en")
    assert twice == once and twice.count("<details") == 2


def test_empty_and_none_give_nothing():
    assert explain_terms(None) == "" and explain_terms("") == "" and explained_terms(None) == ""


def test_the_explanation_is_in_the_readers_language_and_english_words_are_found_too():
    html = explain_terms("Planned: biopsy, then a stent.", lang="fr")
    assert summaries(html) == ["biopsy", "stent"]
    assert 'lang="fr"' in html and "Le prélèvement de cellules" in html


def test_arabic_right_to_left_with_the_article_attached():
    html = explain_terms("أجريت خزعة ثم وضعت الدعامة.", lang="ar")
    assert summaries(html) == ["خزعة", "الدعامة"]
    assert 'lang="ar"' in html and "أخذ خلايا أو أنسجة" in html
    assert summaries(explain_terms("بالخزعة", lang="ar")) == ["بالخزعة"]
    assert summaries(explain_terms("خزعتين", lang="ar")) == []  # not a whole word


def test_russian_forms_and_bengali_whole_words():
    assert summaries(explain_terms("Взяли биопсию печени.", lang="ru")) == ["биопсию"]
    assert summaries(explain_terms("বায়োপসি করা হয়েছে", lang="bn")) == ["বায়োপসি"]
    # A Bengali vowel sign after the form makes it part of a longer word: no match.
    assert summaries(explain_terms("জ্বরা", lang="bn")) == []


def test_explained_terms_lists_only_the_explanations_for_a_label():
    html = explained_terms("Pain or swelling in a calf", lang="en")
    assert html.startswith('<div class="gloss-notes">') and summaries(html) == ["What does “calf” mean?"]
    assert "Pain or swelling" not in html
    assert explained_terms("Satisfaction so far", lang="en") == ""


def test_the_filter_in_a_template_follows_the_active_language():
    template = Template("{% load glossary_tags %}<div>{{ text|explain_terms }}</div>")
    with override("es"):
        html = template.render(Context({"text": "Una biopsia <b>"}))
    assert summaries(html) == ["biopsia"] and "&lt;b&gt;" in html and 'lang="es"' in html


@pytest.mark.parametrize("lang", ["en", "ar", "es", "fr", "ru", "bn"])
def test_markup_is_a_details_with_a_summary_and_a_link(lang):
    html = squash(explain_terms("biopsy", lang=lang))
    assert html.startswith('<details class="gloss"><summary>biopsy</summary><span class="gloss-body">')
    assert html.endswith("</a></span></details>")


def test_without_glosses_gives_back_the_text_as_written():
    html = explain_terms("Coronary stent insertion and a biopsy", lang="en")
    assert without_glosses(html) == "Coronary stent insertion and a biopsy"


def test_the_once_per_page_tag_explains_a_term_only_the_first_time_on_the_page():
    template = Template(
        "{% load glossary_tags %}{% for t in texts %}<p>{% explain_terms_once t as x %}{{ x|linebreaksbr }}</p>"
        "{% endfor %}"
    )
    html = template.render(Context({"texts": ["A wound.\nKeep it dry.", "The wound and a stent.", "<i>wound</i>"]}))
    assert summaries(html) == ["wound", "stent"] and html.count("<br>") == 1 and "&lt;i&gt;wound&lt;/i&gt;" in html
    again = template.render(Context({"texts": ["A wound."]}))  # a new page starts afresh
    assert summaries(again) == ["wound"]
