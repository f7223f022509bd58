from django.db import transaction

from compostela.audit import audited
from compostela.models import User


@audited(by="user")
@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    user.language = language
    user.full_clean(validate_unique=False)
    user.save(update_fields=["language"])
