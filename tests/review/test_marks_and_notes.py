"""Rule: a row marked "reviewed today" is stored per person, day and office, the board counts how many
remain, a mark can be taken back; a case-review note (ケース会議) appears on the client page and marks the
person reviewed; with htmx the answers are the updated row and detail panel."""

import pytest
from django.urls import reverse

from clients.models import CaseNote, CaseNoteKind
from review.models import CaseReviewMark
from tests.conftest import logged_in
from tests.review.helpers import client_in_service, row_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/review/?flagged=on"}


def test_marking_reviewed_counts_down_what_remains_and_can_be_taken_back(world, today):
    first, second = client_in_service(world.office, day=today), client_in_service(world.office, day=today)
    http = logged_in(world.staff)
    assert http.get(reverse("review:board")).context["board"].remaining == 2
    # when
    http.post(reverse("review:mark", kwargs={"pk": first.pk}))
    http.post(reverse("review:mark", kwargs={"pk": first.pk}))  # twice: still one mark
    # then
    board = http.get(reverse("review:board")).context["board"]
    assert (board.remaining, board.total) == (1, 2)
    mark = CaseReviewMark.objects.get()
    assert (mark.office, mark.client, mark.day, mark.marked_by) == (world.office, first, today, world.staff)
    http.post(reverse("review:mark", kwargs={"pk": first.pk}), {"reviewed": "0"})
    assert not CaseReviewMark.objects.exists()
    assert second.pk  # untouched


def test_a_mark_is_for_one_day_only(world, today):
    client = client_in_service(world.office, day=today)
    CaseReviewMark.objects.create(office=world.office, client=client, day=today.replace(year=today.year - 1),
                                  marked_by=world.staff)
    assert logged_in(world.staff).get(reverse("review:board")).context["board"].remaining == 1


def test_htmx_mark_answers_with_the_updated_row(world, today):
    client = client_in_service(world.office, day=today)
    response = logged_in(world.staff).post(reverse("review:mark", kwargs={"pk": client.pk}), **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="summary-{client.pk}"' in text and "is-reviewed" in text
    assert "<html" not in text


def test_a_review_note_appears_on_the_client_page_and_marks_the_person_reviewed(world, today):
    client = client_in_service(world.office, day=today)
    http = logged_in(world.staff)
    # when
    response = http.post(reverse("review:note", kwargs={"pk": client.pk}),
                         {"text": "面接練習を来週予定", "minutes": 10}, **HTMX)
    # then: the panel comes back with the row updated out of band
    text = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in text and "面接練習を来週予定" in text
    note = CaseNote.objects.get(client=client)
    assert (note.kind, note.minutes, note.author, note.day) == (CaseNoteKind.CASE_MEETING, 10, world.staff,
                                                                today)
    assert CaseReviewMark.objects.filter(client=client, day=today).exists()
    page = http.get(reverse("clients:detail", kwargs={"pk": client.pk})).content.decode()
    assert "面接練習を来週予定" in page and str(CaseNoteKind.CASE_MEETING.label) in page


def test_the_detail_panel_explains_every_flag(world, today):
    client = client_in_service(world.office, day=today, certificate=False)
    response = logged_in(world.staff).get(reverse("review:person", kwargs={"pk": client.pk}), **HTMX)
    row = row_of(client, today)
    assert row.flags
    for flag in row.flags:
        assert flag.explanation in response.content.decode()


def test_without_javascript_each_mark_button_submits_the_boards_one_form_back_to_the_board(world, today):
    client = client_in_service(world.office, day=today, family_name="<b>阿部</b>")
    text = logged_in(world.staff).get(reverse("review:board"), {"order": "urgency"}).content.decode()
    mark_url = reverse("review:mark", kwargs={"pk": client.pk})
    # one form with the token and the board's address; the button posts it to the person's mark URL
    assert text.count('name="csrfmiddlewaretoken"') >= 1 and 'id="review-mark"' in text
    assert 'name="next" value="/review/?order=urgency"' in text
    assert (f'form="review-mark" formaction="{mark_url}" name="reviewed" value="1" hx-post="{mark_url}"'
            in text)
    # the rows are escaped as the template engine would
    assert "&lt;b&gt;阿部&lt;/b&gt;" in text and "<b>阿部</b>" not in text
