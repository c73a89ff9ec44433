"""The versioned JSON API at /api/v1/: assembles every app's router."""

from csp.decorators import csp_update
from django.http import HttpRequest
from ninja import Schema

from medijourney.accounts.api import router as accounts_router
from medijourney.aftercare.api import router as aftercare_router
from medijourney.cases.api import router as cases_router
from medijourney.catalog.api import router as catalog_router
from medijourney.core.api import ErrorOut, MediJourneyAPI, install_error_handlers
from medijourney.discovery.api import router as discovery_router
from medijourney.exchange.api import router as exchange_router
from medijourney.glossary.api import router as glossary_router
from medijourney.insights.api import router as insights_router
from medijourney.interop.api import router as interop_router
from medijourney.journeys.api import router as journeys_router
from medijourney.network.api import router as network_router
from medijourney.quotes.api import router as quotes_router

api = MediJourneyAPI(
    title="MediJourney API",
    version="1",
    description=(
        'Global healthcare navigation. Errors are `{"detail", "errors": [{"field", "message"}]}`; '
        'lists are `{"items", "count"}` paged with `limit` and `offset`. The site\'s session (with CSRF) '
        "and partner bearer tokens authenticate."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Swagger UI (served from django-ninja's own static files) sets inline styles.
    docs_decorator=csp_update({"style-src": ["'unsafe-inline'"]}),
)
install_error_handlers(api)


class ApiRootOut(Schema):
    name: str
    version: str
    openapi: str
    docs: str


@api.get("/", response=ApiRootOut, tags=["meta"], summary="API root")
def api_root(request: HttpRequest) -> dict[str, str]:
    return {"name": "MediJourney API", "version": "1", "openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs"}


api.add_router("/", accounts_router)
api.add_router("/", glossary_router)
api.add_router("/", catalog_router)
api.add_router("/", network_router)
api.add_router("/", discovery_router)
api.add_router("/", cases_router)
api.add_router("/", quotes_router)
api.add_router("/", exchange_router)
api.add_router("/", journeys_router)
api.add_router("/", aftercare_router)
api.add_router("/", insights_router)
api.add_router("/", interop_router)

__all__ = ["ErrorOut", "api"]
