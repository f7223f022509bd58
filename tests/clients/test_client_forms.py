"""Rules: staff register and edit clients in the browser; bad input comes back with a message in the user's
language and nothing is saved; the profile keeps every change with who and when."""

from django.urls import reverse

from clients.models import CareerProfileChange, Client, ClientStatus
from tests.factories import ClientFactory

FORM = {"family_name": "山本", "given_name": "一郎", "family_name_kana": "やまもと", "given_name_kana": "いちろう",
        "birth_date": "1985-01-02", "referral_source": "hello_work", "first_visit_on": "2025-04-01",
        "enrolled_on": "", "status": "visitor"}


def test_staff_register_a_client_and_kana_is_stored_in_katakana(world, staff_client):
    response = staff_client.post(reverse("clients:register"), {**FORM, "specialist": world.staff.pk})
    client = Client.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("clients:detail", args=[client.pk])
    assert (client.family_name_kana, client.status, client.specialist) == ("ヤマモト", ClientStatus.VISITOR,
                                                                          world.staff)
    assert client.periods.count() == 1


def test_a_bad_date_comes_back_in_japanese_and_nothing_is_saved(world, staff_client):
    response = staff_client.post(reverse("clients:register"), {**FORM, "birth_date": "1985-13-40"})
    assert response.status_code == 200
    assert "日付を正しく入力してください" in response.content.decode()
    assert not Client.objects.exists()


def test_enrolled_without_enrolment_date_is_refused_with_a_message(world, staff_client):
    response = staff_client.post(reverse("clients:register"), {**FORM, "status": "enrolled"})
    assert "利用中の利用者には利用開始日を入力してください" in response.content.decode()
    assert not Client.objects.exists()


def test_a_staff_member_of_another_office_cannot_be_assigned(world, staff_client):
    response = staff_client.post(reverse("clients:register"), {**FORM, "specialist": world.outsider.pk})
    assert response.status_code == 200
    assert not Client.objects.exists()


def test_search_by_hiragana_finds_the_katakana_name(world, staff_client):
    ClientFactory(office=world.office, family_name="森", family_name_kana="モリ")
    ClientFactory(office=world.office, family_name="林", family_name_kana="ハヤシ")
    html = staff_client.get(reverse("clients:list"), {"q": "もり"}).content.decode()
    assert "森" in html and "林" not in html


def test_every_profile_change_is_kept_with_who_and_when(world, staff_client, supervisor_client):
    client = ClientFactory(office=world.office)
    url = reverse("clients:profile", args=[client.pk])
    form = {"own_words": "人と話す仕事がしたい", "job_fields": ["customer", "store"], "recruitment_type": "open",
            "jobs-TOTAL_FORMS": "1", "jobs-INITIAL_FORMS": "0", "jobs-0-employer": "すすきの食堂",
            "jobs-0-job_title": "ホール", "jobs-0-end_reason": "体調"}
    assert staff_client.post(url, form).status_code == 302
    form.update({"own_words": "まずは短時間から", "jobs-INITIAL_FORMS": "1",
                 "jobs-0-id": str(client.work_history.get().pk)})
    assert supervisor_client.post(url, form).status_code == 302
    changes = list(CareerProfileChange.objects.order_by("changed_at"))
    assert [c.changed_by for c in changes] == [world.staff, world.supervisor]
    assert changes[1].changed_fields == ["own_words"]
    assert changes[0].snapshot["own_words"] == "人と話す仕事がしたい"
    assert client.work_history.count() == 1
    history = staff_client.get(reverse("clients:profile_history", args=[client.pk])).content.decode()
    assert "本人の言葉" in history
