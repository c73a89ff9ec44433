from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import UUID4

from medijourney.accounts.access import AuthenticatedRequest
from medijourney.core.api import ErrorOut, Paged

from .access import deny, get_visible_or_404
from .api_auth import any_auth, session_auth
from .permissions import can_issue_api_token, has_perm
from .selectors import api_tokens_visible_to
from .services import api_token_issue, api_token_revoke

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: UUID4
    email: str
    full_name: str
    role: str
    preferred_language: str


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=any_auth, summary="The signed-in person")
def me(request: AuthenticatedRequest) -> dict[str, object]:
    user = request.user
    return {
        "id": user.public_id,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "preferred_language": user.preferred_language,
    }


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="What the token is for, e.g. 'HIS integration'.")
    expires_at: datetime | None = None


class TokenOut(Schema):
    id: UUID4 = Field(..., alias="public_id")
    name: str
    hint: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The bearer token. Shown once; only its digest is stored.")


def _require_token_perm(request: HttpRequest) -> None:
    if not has_perm(request.user, "accounts.manage_api_tokens"):
        deny(request.user, "api_token.manage", reason="role")
        raise HttpError(403, "Your role cannot manage API tokens.")


@router.get("/tokens", response={200: list[TokenOut], 401: ErrorOut, 403: ErrorOut}, auth=session_auth)
@paginate(Paged)
def list_tokens(request: HttpRequest, **kwargs: Any) -> Any:
    """Your API tokens, newest first. Partners use them for their hospital's systems."""
    _require_token_perm(request)
    return api_tokens_visible_to(request.user)


@router.post("/tokens", response={201: TokenCreatedOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}, auth=session_auth)
def create_token(request: AuthenticatedRequest, payload: TokenIn) -> Status:
    """Mint a token (shown once). Only from a site session that passed the second factor; a
    bearer token cannot mint another."""
    _require_token_perm(request)
    if not can_issue_api_token(request.user):
        deny(request.user, "api_token.issue", reason="second factor not passed")
        raise HttpError(403, "Creating an API token needs two-step verification: finish it on the site first.")
    issued = api_token_issue(user=request.user, name=payload.name, expires_at=payload.expires_at)
    issued.token.token = issued.raw  # type: ignore[attr-defined]
    return Status(201, issued.token)


@router.delete(
    "/tokens/{token_id}", response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}, auth=session_auth
)
def revoke_token(request: AuthenticatedRequest, token_id: UUID4) -> Status:
    _require_token_perm(request)
    token = get_visible_or_404(
        api_tokens_visible_to(request.user), request.user, "api_token.revoke", public_id=token_id
    )
    api_token_revoke(token=token, actor=request.user)
    return Status(204, None)
