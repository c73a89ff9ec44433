from django.contrib import admin
from django.urls import include, path

from medijourney.accounts import views as accounts_views
from medijourney.api import api
from medijourney.core import views as core_views
from medijourney.journeys.urls import verify_patterns

admin.site.site_header = "MediJourney administration"
admin.site.site_title = "MediJourney admin"

handler500 = "medijourney.core.views.server_error"

urlpatterns = [
    # The API first: Django tries the patterns in order, and the API is the busiest prefix (the
    # site's ~180 page patterns before it cost about 0.4 ms per API request).
    path("api/v1/", api.urls),
    path("", core_views.landing, name="home"),
    path("healthz", core_views.healthz, name="healthz"),  # readiness, as before (same as /readyz)
    path("readyz", core_views.healthz, name="readyz"),
    path("livez", core_views.livez, name="livez"),
    path("privacy/", core_views.text_page, {"page": "privacy_notice"}, name="privacy_notice"),
    path("terms/", core_views.text_page, {"page": "terms"}, name="terms"),
    path("about/", core_views.text_page, {"page": "about"}, name="about"),
    path("contact/", core_views.text_page, {"page": "contact"}, name="contact"),
    path("reviews/", core_views.text_page, {"page": "reviews"}, name="reviews"),
    path("accounts/", include("medijourney.accounts.urls")),
    path("", include("medijourney.catalog.urls")),
    path("", include("medijourney.network.urls")),
    path("", include("medijourney.discovery.urls")),
    path("", include("medijourney.cases.urls")),
    path("", include("medijourney.quotes.urls")),
    path("", include("medijourney.exchange.urls")),
    path("", include("medijourney.journeys.urls")),
    path("", include("medijourney.aftercare.urls")),
    path("", include("medijourney.insights.urls")),
    path("", include("medijourney.interop.urls")),
    *verify_patterns,
    path("", include("medijourney.privacy.urls")),
    path("", include("medijourney.safety.urls")),
    path("", include("medijourney.glossary.urls")),
    path("i18n/setlang/", accounts_views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
]
