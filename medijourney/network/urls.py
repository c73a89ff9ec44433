from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    # Public: the network only.
    path("hospitals/", views.hospital_list, name="hospital_list"),
    path("hospitals/<uuid:public_id>/", views.hospital_detail, name="hospital_detail"),
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:code>/", views.country_detail, name="country_detail"),
    # The quality lead and the operator.
    path("network/queue/", views.queue, name="queue"),
    path("network/accreditations/<uuid:public_id>/review/", views.accreditation_review, name="accreditation_review"),
    path("network/licences/<uuid:public_id>/review/", views.licence_review, name="licence_review"),
    path("network/changes/<uuid:public_id>/review/", views.change_review, name="change_review"),
    path("network/hospitals/", views.staff_hospital_list, name="staff_hospital_list"),
    path("network/hospitals/<uuid:public_id>/", views.staff_hospital_detail, name="staff_hospital_detail"),
    path("network/hospitals/<uuid:public_id>/suspend/", views.hospital_suspend, name="hospital_suspend"),
    path("network/hospitals/<uuid:public_id>/reinstate/", views.hospital_reinstate, name="hospital_reinstate"),
    path("network/evidence/<str:kind>/<uuid:public_id>/", views.evidence_download, name="evidence"),
    # A partner's own hospital.
    path("network/my-hospital/", views.my_hospital, name="my_hospital"),
    path("network/my-hospital/profile/", views.my_profile_edit, name="my_profile_edit"),
    path("network/my-hospital/doctors/new/", views.my_doctor_edit, name="my_doctor_new"),
    path("network/my-hospital/doctors/<uuid:public_id>/", views.my_doctor_edit, name="my_doctor_edit"),
    path("network/my-hospital/doctors/<uuid:public_id>/licences/new/", views.my_licence_new, name="my_licence_new"),
    path("network/my-hospital/offers/new/", views.my_offer_edit, name="my_offer_new"),
    path("network/my-hospital/offers/<uuid:public_id>/", views.my_offer_edit, name="my_offer_edit"),
    path("network/my-hospital/accreditations/new/", views.my_accreditation_new, name="my_accreditation_new"),
]
