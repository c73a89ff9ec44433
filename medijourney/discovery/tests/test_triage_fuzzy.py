"""Triage's spelling correction (``triage_text.FuzzyIndex``): a misspelt word is corrected to the
one closest lexicon word, and left alone when two different words are equally close, when it is
short, or when it is a known English word. The index keeps one word per delete as a string and
shared deletes as tuples; both paths are exercised here."""

from medijourney.discovery.triage_text import FuzzyIndex

VOCABULARY = {"fracture", "bleeding", "cramp", "clamp", "seizure"}


def index() -> FuzzyIndex:
    return FuzzyIndex(VOCABULARY, known_words={"camps"})


def test_one_and_two_edits_are_corrected_to_the_lexicon_word() -> None:
    fuzzy = index()
    assert fuzzy.correct("fractur") == "fracture"  # seven letters: one edit allowed
    assert fuzzy.correct("fracturre") == "fracture"  # an extra letter
    assert fuzzy.correct("bleedng") == "bleeding"  # a missing letter
    assert fuzzy.correct("bleeidng") == "bleeding"  # two letters swapped
    assert fuzzy.correct("blaedinng") == "bleeding"  # two edits in a long word
    assert fuzzy.correct("seizrue") == "seizure"
    assert fuzzy.correct("crampp") == "cramp"
    assert fuzzy.correct("clammp") == "clamp"


def test_a_delete_shared_by_two_words_finds_both_and_a_tie_is_not_guessed() -> None:
    fuzzy = index()
    # "camp" is a delete of both "cramp" and "clamp"; "cxamp" is one edit from each
    assert fuzzy.correct("cxamp") is None
    # ... but where one of them is closer, that one wins
    assert fuzzy.correct("crammp") == "cramp"


def test_short_known_and_non_alphabetic_words_are_never_corrected() -> None:
    fuzzy = index()
    assert fuzzy.correct("cram") is None  # under five letters
    assert fuzzy.correct("camps") is None  # a known English word
    assert fuzzy.correct("cramp1") is None
    assert fuzzy.correct("fracture") is None  # already a lexicon word: nothing to correct
