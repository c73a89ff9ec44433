"""The texts a patient agrees to at intake, versioned. A case records the version id shown and
the time of agreement; a text is never edited once published: add a new version instead and
make it CURRENT."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CONSENT_TEXTS: dict[str, Promise] = {
    "health-data-2026-01": _(
        "I agree that MediJourney may store and process the health information and documents I send "
        "(including medical reports) to answer my inquiry, to assign it to a case manager, and to plan "
        "treatment with me. My information is not shared with any hospital until I give separate "
        "consent for that hospital. I can ask to see, export or erase my data at any time."
    ),
}
CURRENT_CONSENT_VERSION = "health-data-2026-01"


def consent_text(version: str = CURRENT_CONSENT_VERSION) -> Promise:
    return CONSENT_TEXTS[version]
