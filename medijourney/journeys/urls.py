from django.urls import path

from . import views

app_name = "journeys"

urlpatterns = [
    path("journeys/case/<str:reference>/", views.for_case, name="for_case"),
    path("journeys/<uuid:journey_id>/", views.detail, name="detail"),
    path("journeys/<uuid:journey_id>/steps/<uuid:step_id>/move/", views.move, name="move"),
    path("journeys/<uuid:journey_id>/steps/<uuid:step_id>/confirm/", views.confirm, name="confirm"),
    path("journeys/<uuid:journey_id>/steps/<uuid:step_id>/record/", views.record, name="record"),
    path("journeys/<uuid:journey_id>/passport/", views.passport, name="passport"),
    path("journeys/<uuid:journey_id>/letter/", views.letter, name="letter"),
    path("journeys/<uuid:journey_id>/letter.pdf", views.letter_download, name="letter_pdf"),
    path("journeys/<uuid:journey_id>/itinerary.pdf", views.itinerary_download, name="itinerary_pdf"),
    path("journeys/<uuid:journey_id>/itinerary.ics", views.calendar_download, name="itinerary_ics"),
    path("journeys/<uuid:journey_id>/feed/", views.feed, name="feed"),
    path("journeys/<uuid:journey_id>/companion/", views.companion, name="companion"),
    path("journeys/<uuid:journey_id>/checklist/<uuid:item_id>/upload/", views.upload, name="upload"),
    path("journeys/<uuid:journey_id>/checklist/<uuid:item_id>/check/", views.check, name="check"),
    path("journeys/feed/<str:token>.ics", views.calendar_feed, name="feed_public"),
    path("journeys/shared/<str:token>/", views.shared, name="shared"),
    path("partner/journeys/", views.partner_list, name="partner_list"),
]

# The public verification page is outside the namespace so its address stays short: /verify/<code>.
verify_patterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>", views.verify, name="verify"),
]
