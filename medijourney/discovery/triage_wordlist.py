"""Builds ``data/english_words.txt``: correctly spelt English words that triage must never "correct"
towards a lexicon word. Run once when the vocabulary sources change::

    python -m medijourney.discovery.triage_wordlist ../shared/data/vocabulary

Source: every word written in lower case in the CDC Plain Language Thesaurus and the NCI
Dictionaries of Cancer and Genetics Terms (US federal works, public domain; see PROVENANCE.md in
data/), plus a short hand-written list of everyday words those dictionaries lack. Words written
only in capitals (abbreviations) are left out on purpose.
"""

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "english_words.txt"
SOURCES = (
    "cdc_plain_language_thesaurus.csv",
    "nci_dictionary_of_cancer_terms.csv",
    "nci_dictionary_of_genetics_terms.csv",
)
EVERYDAY = """
hubby husband wifey mum mom mommy mummy dad daddy grandma grandpa granny kiddo kiddos son daughter
gonna wanna gotta kinda sorta yeah yes okay cheers thanks please hello anyone someone somebody
tried trying tries worried worry worrying scared afraid anxious nervous stressed desperate hopeless
exhausted knackered awful terrible horrible dreadful unbearable excruciating constant constantly
lately recently yesterday tomorrow tonight weekend months weeks years decades
travel travelling traveling abroad overseas flight flights flying visa hotel budget cheaper cheap
expensive afford affordable quote quotes price prices costs insurance waiting list holiday vacation
walking running climbing stairs sleeping eating drinking working lifting bending kneeling sitting
standing playing football cricket tennis gym exercise exercising swimming cycling driving
whatsapp email phone message reply appointment consultation consultant surgery surgeries clinic
hospital hospitals doctor doctors nurse specialist specialists treatment treatments option options
"""


def build(folder: Path) -> list[str]:
    words: set[str] = set(EVERYDAY.split())
    for name in SOURCES:
        with (folder / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    words.update(w for w in re.findall(r"[A-Za-z]+", cell) if w.islower() and len(w) >= 3)
    return sorted(words)


def main(argv: list[str]) -> None:
    folder = Path(argv[1] if len(argv) > 1 else "../shared/data/vocabulary")
    words = build(folder)
    header = "# Correctly spelt words (see medijourney/discovery/triage_wordlist.py and data/PROVENANCE.md)\n"
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main(sys.argv)
