"""Rows of the domain apps for the trust tests (built directly: the apps' factories are not ours)."""

from __future__ import annotations

from datetime import date

from clients.models import Attendance, AttendanceStatus, Client
from compostela.models import Office, User


def make_client(office: Office, **fields) -> Client:
    values = {
        "family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
        "birth_date": date(1990, 5, 1),
    }
    values.update(fields)
    return Client.objects.create(office=office, **values)


def make_attendance(client: Client, day: date, by: User, status: str = AttendanceStatus.ATTENDED) -> Attendance:
    return Attendance.objects.create(office=client.office, client=client, day=day, status=status, updated_by=by)
