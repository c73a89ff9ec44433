"""A bounded schemathesis run over the whole JSON API, in-process (WSGI) against the test database
pytest-django creates, anonymously and with bearer tokens (a partner's, a quality lead's and a
returned patient's); every other request's path carries a real row's id (``World.real_ids``).

It fails on any 5xx and on any answer that breaks the OpenAPI document: an undocumented status
code, a body that does not match its schema, a wrong content type or a missing documented header.
Run by ``make api-fuzz`` (part of ``make test``); skipped in plain ``pytest`` runs unless
API_FUZZ=1. ``API_FUZZ_EXAMPLES`` sets the generated examples per operation and identity (default 10; schemathesis adds its own boundary cases)."""

import os
from typing import Any

import pytest

if os.environ.get("API_FUZZ") != "1":
    pytest.skip("the API fuzz run is `make api-fuzz` (API_FUZZ=1)", allow_module_level=True)

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from medijourney.api import api

from .world import CASES_RUN, World, build_world, needs_aftercare

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def world(db: None, settings: Any, request: Any) -> World:
    # Limits would answer most generated requests with 429 (documented, and tested on their own).
    settings.RATE_LIMITS_ENABLED = False
    return build_world(aftercare=needs_aftercare(request.node.name))


FUZZ = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("who", ["anonymous", "partner", "lead", "patient"])
@schema.parametrize()
@FUZZ
def test_the_api_answers_as_its_openapi_document_says(case: Any, who: str, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.tokens[who]}"} if who in world.tokens else {}
    case.path_parameters = world.real_ids(case.path_parameters)
    case.call_and_validate(headers=headers, checks=CHECKS)
    CASES_RUN[who] = CASES_RUN.get(who, 0) + 1
