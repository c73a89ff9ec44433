"""The standard items of a treatment price: defined once here, so offers, quotes and the trip
estimate all name the same things the same way. Ids are stable; labels may be reworded."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OFFER_ITEMS: tuple[tuple[str, str | Promise], ...] = (
    ("surgeon", _("Surgeon's fee")),
    ("anaesthesia", _("Anaesthesia")),
    ("implant", _("Implant or prosthesis")),
    ("room_per_night", _("Hospital room (all nights of the stay)")),  # the id is historic: amounts are for all nights
    ("icu", _("Intensive care (ICU)")),
    ("pre_op_tests", _("Pre-operative tests")),
    ("medicines", _("Medicines")),
    ("physiotherapy", _("Physiotherapy")),
    ("airport_transfer", _("Airport transfer")),
    ("interpreter", _("Interpreter")),
    ("accommodation", _("Accommodation outside the hospital")),
    ("other", _("Other")),
)
OFFER_ITEM_IDS: tuple[str, ...] = tuple(item_id for item_id, _label in OFFER_ITEMS)
OFFER_ITEM_LABELS: dict[str, str | Promise] = dict(OFFER_ITEMS)


def normalise_inclusions(value: dict[str, object] | None) -> dict[str, bool]:
    """Every standard item with True (included) or False (not included); unknown ids dropped."""
    value = value or {}
    return {item_id: bool(value.get(item_id, False)) for item_id in OFFER_ITEM_IDS}
