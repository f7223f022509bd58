"""Rule: the password-change page refuses a weak password, explains why, and keeps the old one."""

import pytest
from django.urls import reverse

from tests.conftest import logged_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("short1", "このパスワードは短すぎます"),
        ("password123", "よく使われるパスワード"),
        ("4718293056", "数字だけのパスワード"),
    ],
)
def test_a_weak_new_password_is_refused_with_the_reason(world, weak, reason):
    http = logged_in(world.staff)
    response = http.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    assert reason in response.content.decode()
    world.staff.refresh_from_db()
    assert world.staff.check_password(TEST_PASSWORD)


def test_a_password_like_the_username_is_refused(world):
    http = logged_in(world.staff)
    weak = f"{world.staff.username}-2024"
    http.post(reverse("password_change"), {"old_password": TEST_PASSWORD, "new_password1": weak,
                                           "new_password2": weak})
    world.staff.refresh_from_db()
    assert world.staff.check_password(TEST_PASSWORD)


def test_a_strong_password_is_accepted(world):
    http = logged_in(world.staff)
    strong = "Kuroshio-tide-7-lantern"
    response = http.post(reverse("password_change"),
                         {"old_password": TEST_PASSWORD, "new_password1": strong, "new_password2": strong})
    assert response.status_code == 302
    world.staff.refresh_from_db()
    assert world.staff.check_password(strong)


@pytest.mark.parametrize("made_of_the_username", ["{u}{u}{u}{u}", "My-{U}-password-9", "2026{u}2026"])
def test_a_password_containing_the_username_is_refused_with_its_code(world, made_of_the_username):
    """Rule: a password must not contain the username (es2 → es2es2es2es2 was accepted before)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = world.staff
    user.username = "es2"
    weak = made_of_the_username.format(u="es2", U="ES2")
    with pytest.raises(ValidationError) as refused:
        validate_password(weak, user)
    assert "password_contains_user_attribute" in [error.code for error in refused.value.error_list]
    http = logged_in(user)
    user.save()
    response = http.post(
        reverse("password_change"), {"old_password": TEST_PASSWORD, "new_password1": weak, "new_password2": weak}
    )
    assert response.status_code == 200
    assert "ユーザー名や氏名を含めないでください" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
