"""Demo data: a Compostela-like office (capacity 20, Sapporo) and staff logins for every role.

Deterministic for a given seed and idempotent: rows are found by natural keys (office number,
username) and updated, never duplicated.  Apps add their own demo rows through ``DEMO_SEEDERS``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction

from compostela.models import AreaGrade, Membership, Office, Role, User

DEMO_PASSWORD = "compostela-demo"  # noqa: S105 - printed on purpose: demo logins only

# (username suffix, last name, first name, role)
DEMO_STAFF = [
    ("manager", "佐藤", "健一", Role.MANAGER),
    ("supervisor", "鈴木", "美穂", Role.SUPERVISOR),
    ("es1", "高橋", "翔", Role.STAFF),
    ("es2", "田中", "彩", Role.STAFF),
    ("cm", "伊藤", "直子", Role.STAFF),
]


@dataclass
class DemoResult:
    offices: list[Office] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, office, role


def demo_office_number(index: int) -> str:
    return f"01100{index:05d}"


def demo_username(index: int, suffix: str) -> str:
    return suffix if index == 1 else f"o{index}-{suffix}"


@transaction.atomic
def demo_seed_offices(*, offices: int, seed: int) -> DemoResult:
    rng = random.Random(seed)
    result = DemoResult()
    password_hash = None  # hashed once: one PBKDF2 run per login made 50 offices take minutes
    for index in range(1, offices + 1):
        name = "就労移行支援事業所コンポステラ" if index == 1 else f"就労移行支援事業所コンポステラ第{index}"
        office, _ = Office.objects.update_or_create(
            number=demo_office_number(index),
            defaults={
                "name": name,
                "capacity": 20,
                "area_grade": AreaGrade.GRADE_7,
                "demo": True,  # may use the EXAMPLE fee data; nothing made for it is for submission
                "opened_on": date(2010, 4, 1) if index == 1 else date(2012 + rng.randrange(8), 4, 1),
            },
        )
        result.offices.append(office)
        for suffix, last_name, first_name, role in DEMO_STAFF:
            username = demo_username(index, suffix)
            user, created = User.objects.get_or_create(
                username=username, defaults={"last_name": last_name, "first_name": first_name}
            )
            if created:
                password_hash = password_hash or make_password(DEMO_PASSWORD)
                user.password = password_hash
                user.save(update_fields=["password"])
            Membership.objects.update_or_create(user=user, office=office, defaults={"role": role})
            result.logins.append((username, office.name, role))
    return result
