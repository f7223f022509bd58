from django.db import transaction

from compostela.models import User


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    user.language = language
    user.full_clean(validate_unique=False)
    user.save(update_fields=["language"])
