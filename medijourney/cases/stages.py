"""Plain words for each stage: what it means and what happens next, as the patient reads it."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Stage

NEXT_STEPS: dict[str, Promise] = {
    Stage.NEW: _(
        "We have your inquiry. A case manager will read it and answer you here within 24 hours. "
        "You do not need to do anything now."
    ),
    Stage.IN_REVIEW: _(
        "Your case manager is reviewing your information and medical reports. They may ask you questions here."
    ),
    Stage.AWAITING_INFORMATION: _(
        "We need something from you before we can go on. Please read the latest message from your "
        "case manager and answer it, or upload the documents they asked for."
    ),
    Stage.QUOTES_REQUESTED: _(
        "We have asked hospitals for a treatment plan and a price, sharing only what you agreed to share. "
        "Hospitals usually answer within 2 days."
    ),
    Stage.QUOTES_READY: _(
        "Treatment plans and prices have arrived. Your case manager will go through them with you; "
        "nothing is booked until you accept one."
    ),
    Stage.PLAN_ACCEPTED: _(
        "You have accepted a treatment plan. Next we plan your trip with you: dates, visa, travel and a place to stay."
    ),
    Stage.TRAVEL_PLANNING: _(
        "We are planning your trip: visa letter, travel dates, accommodation and airport pick-up."
    ),
    Stage.IN_TREATMENT: _("You are in treatment. Your case manager stays in touch with you and the hospital."),
    Stage.RECOVERING: _(
        "You are recovering before the journey home. The hospital confirms when it is safe for you to fly."
    ),
    Stage.RETURNED_HOME: _(
        "Welcome home. We will check in with you about your recovery and make sure your records reach your own doctor."
    ),
    Stage.FOLLOW_UP: _(
        "We are following up on your recovery with short check-ins. Tell us at once if anything worries you."
    ),
    Stage.CLOSED: _("This case is closed. You can still read its messages and documents."),
    Stage.CANCELLED: _("This case was cancelled. If you want to start again, send a new inquiry."),
}


def next_step(stage: str) -> Promise:
    return NEXT_STEPS[stage]
