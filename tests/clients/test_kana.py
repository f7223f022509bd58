"""Rule (clients.rules.katakana_name): a name's reading is kana — hiragana and half-width kana are kept as
katakana, spaces between words allowed; Latin letters, digits and kanji are refused with their code."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.errors import ClientError
from clients.models import Client
from clients.rules import katakana_name
from tests.factories import ClientFactory
from tests.helpers import codes_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("ヤマダ", "ヤマダ"), ("やまだ", "ヤマダ"), ("ﾔﾏﾀﾞ", "ヤマダ"), ("やまだ　はなこ", "ヤマダ\u3000ハナコ"),
     (" サトウ ", "サトウ"), ("ヴォーン・ジョー", "ヴォーン・ジョー"), ("いっしき", "イッシキ")],
)
def test_kana_is_kept_in_katakana(typed, kept):
    assert katakana_name(typed) == kept


@pytest.mark.parametrize("typed", ["Tesuto", "123", "山田", "ヤマダ1", "ｙａｍａｄａ", "", "   ", "ヤマダ!"])
def test_what_is_not_kana_is_refused(typed):
    assert katakana_name(typed) is None


@pytest.mark.parametrize("typed", ["Tesuto", "123", "山田"])
def test_the_model_refuses_a_reading_that_is_not_kana_with_its_code(world, typed):
    client = ClientFactory.build(office=world.office, family_name_kana=typed)
    with pytest.raises(ValidationError) as refused:
        client.full_clean(exclude=["specialist", "case_manager"])
    assert codes_of(refused.value) == {ClientError.KANA_ONLY}
    assert "family_name_kana" in refused.value.message_dict


def test_the_register_form_shows_the_refusal_and_keeps_hiragana_as_katakana(world, staff_client):
    data = {"family_name": "田中", "given_name": "太郎", "family_name_kana": "Tesuto", "given_name_kana": "たろう",
            "birth_date": "1990-01-02", "referral_source": "hospital", "first_visit_on": "2025-04-01",
            "status": "visitor"}
    refused = staff_client.post(reverse("clients:register"), data)
    assert refused.status_code == 200
    assert "カナ" in refused.content.decode() or "かな" in refused.content.decode()
    assert not Client.objects.filter(family_name="田中").exists()
    accepted = staff_client.post(reverse("clients:register"), {**data, "family_name_kana": "たなか"})
    assert accepted.status_code == 302
    assert Client.objects.get(family_name="田中").full_name_kana == "タナカ タロウ"
