from typing import Any

import factory

from medijourney.accounts.models import User
from medijourney.accounts.roles import Role
from medijourney.testing.factories import ModelFactory

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    # Deterministic names: random ones can collide with ordinary words in tests (a patient called
    # "Long" would be found in "long-standing" by the de-identification check).
    full_name = factory.Sequence(lambda n: f"Testperson Number{n}")
    role = Role.PATIENT
    preferred_language = "en"
    spoken_languages = factory.LazyAttribute(lambda o: [o.preferred_language])
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()
