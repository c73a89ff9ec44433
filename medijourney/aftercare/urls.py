from django.urls import path

from . import views, views_reviews

app_name = "aftercare"

urlpatterns = [
    path("my/follow-up/<str:reference>/", views.my_follow_up, name="my_follow_up"),
    path("my/check-ins/<uuid:check_in_id>/", views.check_in, name="check_in"),
    path("aftercare/case/<str:reference>/", views.case, name="case"),
    path("aftercare/case/<str:reference>/add/", views.add, name="add"),
    path("aftercare/case/<str:reference>/<uuid:check_in_id>/move/", views.move, name="move"),
    path("aftercare/case/<str:reference>/<uuid:check_in_id>/skip/", views.skip, name="skip"),
    path("aftercare/escalations/", views.escalations, name="escalations"),
    path("aftercare/escalations/<uuid:escalation_id>/", views.escalation, name="escalation"),
]

urlpatterns += [
    path("my/follow-up/<str:reference>/review/", views_reviews.review_write, name="review_write"),
    path("reviews/hospital/<uuid:public_id>/", views_reviews.hospital_reviews, name="hospital_reviews"),
    path("reviews/<uuid:public_id>/reply/", views_reviews.review_reply_view, name="review_reply"),
    path("reviews/<uuid:public_id>/redact/", views_reviews.review_redact_view, name="review_redact"),
]
