"""A typed base for the apps' factory_boy factories."""

from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.db.models import Model

M = TypeVar("M", bound=Model)


class ModelFactory(factory.django.DjangoModelFactory[M]):
    """``DjangoModelFactory[Hospital]`` whose call mypy types: ``HospitalFactory()`` is a Hospital
    (factory_boy's own ``__new__`` is untyped, so mypy would take the call for a factory)."""

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> M:  # type: ignore[misc]
            ...
