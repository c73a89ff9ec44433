from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import UUID4

from medijourney.core.api import ErrorOut

from .api_auth import any_auth

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: UUID4
    email: str
    full_name: str
    role: str
    preferred_language: str


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=any_auth, summary="The signed-in person")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "id": user.public_id,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "preferred_language": user.preferred_language,
    }
