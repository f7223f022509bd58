"""Fee revisions (報酬改定) as published data: read a revision file, show what loading it would change, load it.

A revision file (``fixtures/fees/*.json``, format in ``fixtures/fees/revision.schema.json`` and the README) holds
the notice (effective service month, title, number, source, checked on/by) and every value it changes, each
marked verified (with its source) or not.  The file is checked with ``jsonschema`` first — a refusal names the
JSON path of the value (``$.basic_fees[0].tiers[2].units``) — then every row is ``full_clean``-ed, so a value
the tables refuse is named by its path too.  Rows are matched by natural key: loading a file twice changes
nothing.  A value the file does not list stays as an earlier revision set it (a revision changes values).

The dates of the known revisions are data too (``fixtures/fees/known_revisions.json``): a service month on or
after one of them whose file is not loaded is computed with what is loaded and marked unverified
(``billing.services.fee_status``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.errors import BillingError
from compostela.audit import audited

FEES_DIR = Path(__file__).resolve().parent.parent.parent / "fixtures" / "fees"
REVISION_SCHEMA = FEES_DIR / "revision.schema.json"
KNOWN_SCHEMA = FEES_DIR / "known_revisions.schema.json"
KNOWN_REVISIONS = FEES_DIR / "known_revisions.json"
# the revisions shipped with the product, oldest first (the templates are not loadable until filled in)
SHIPPED_REVISIONS = ["2018-04.json", "2019-10.json"]

# the lists of values a revision file may hold (the first four are required by the schema, even empty)
VALUE_KEYS = ("basic_fees", "addons", "area_prices", "service_codes", "treatment_improvement", "office_reductions")

MSG_NOT_JSON = gettext_noop("The file is not JSON: %(error)s")
MSG_AT_PATH = gettext_noop("%(path)s: %(message)s")
MSG_STALE = gettext_noop(
    "What the file changes is not what the confirmation page showed (the file or the loaded fees changed since): "
    "read the new list and confirm again."
)
MSG_EMPTY = gettext_noop(
    "The revision lists no value (an unfilled template?): fill in its values from the notice first."
)


@dataclass(frozen=True)
class KnownRevision:
    effective_from: date
    title: str


@cache
def _validator(path: Path) -> jsonschema.protocols.Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _schema_check(data, schema: Path) -> None:
    """Refuse ``data`` unless it follows ``schema``: every error, each named by the JSON path of the value."""
    errors = []
    for error in sorted(_validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path)):
        errors.append(
            ValidationError(
                _(MSG_AT_PATH),
                code=BillingError.REVISION_FILE_INVALID,
                params={"path": error.json_path, "message": error.message},
            )
        )
    if errors:
        raise ValidationError(errors)


def known_revisions() -> list[KnownRevision]:
    """The known revision dates, oldest first (``fixtures/fees/known_revisions.json``)."""
    data = json.loads(KNOWN_REVISIONS.read_text(encoding="utf-8"))
    _schema_check(data, KNOWN_SCHEMA)
    return sorted(
        (KnownRevision(date.fromisoformat(r["effective_from"]), r["title"]) for r in data["revisions"]),
        key=lambda r: r.effective_from,
    )


def revision_file_read(path: Path) -> dict:
    """The revision file's data, or a ``ValidationError`` listing each refused value with its JSON path."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _(MSG_NOT_JSON), code=BillingError.REVISION_FILE_INVALID, params={"error": str(error)}
        ) from error
    return revision_text_read(text)


def revision_text_read(text: str) -> dict:
    """A revision file's text (a file, or an upload on the fee page) checked as ``revision_file_read`` does."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            _(MSG_NOT_JSON), code=BillingError.REVISION_FILE_INVALID, params={"error": str(error)}
        ) from error
    return revision_data_check(data)


def revision_data_check(data) -> dict:
    _schema_check(data, REVISION_SCHEMA)
    if not any(data.get(key) for key in VALUE_KEYS):
        raise ValidationError(_(MSG_EMPTY), code=BillingError.REVISION_FILE_INVALID)
    return data


# -- the rows a revision file stands for ------------------------------------------------------------------
@dataclass
class RowPlan:
    """One row the file sets: how it is found (natural key), the values it gets, where it is in the file."""

    model: str
    path: str  # JSON path of the entry
    label: str
    key: dict
    values: dict
    parent: str | None = None  # "schedule" / "revision": the row belongs to that parent (natural key below)
    parent_key: dict = field(default_factory=dict)
    parent_in_key: bool = False  # the parent is part of the row's natural key (a tier, a service code)
    ref: dict = field(default_factory=dict)  # the key as the file gives it: how its children name it


@dataclass
class Change:
    path: str
    label: str
    action: str  # "add", "change" or "same"
    fields: dict  # field → (old, new), the fields that change


@dataclass
class RevisionDiff:
    effective_from: date
    title: str
    changes: list[Change]

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.action != "same"]


def _rows_of(data: dict) -> list[RowPlan]:
    day = date.fromisoformat(data["effective_from"])
    example = data.get("example", False)
    revision_key = {"effective_from": day, "example": example}
    rows = [
        RowPlan(
            model="FeeRevision",
            path="$",
            label=_("revision %(month)s") % {"month": f"{day:%Y-%m}"},
            key={"effective_from": day, "example": example},
            values={
                "retention_support_basis": data.get("retention_support_basis", ""),
                "title": data["title"],
                "notice_number": data["notice_number"],
                "source_url": data["source_url"] or "",
                "checked_on": date.fromisoformat(data["checked_on"]) if data["checked_on"] else None,
                "checked_by": data["checked_by"],
                "notes": data.get("notes", ""),
            },
        )
    ]
    for i, table in enumerate(data["basic_fees"]):
        service = table["service"]
        rows.append(
            RowPlan(
                model="FeeSchedule",
                path=f"$.basic_fees[{i}]",
                label=f"{service} {table['name']}",
                key={"service": service, "valid_from": day},
                values={"name": table["name"], "to_verify": not all(t["verified"] for t in table["tiers"])},
                parent="revision",
                parent_key=revision_key,
            )
        )
        for j, tier in enumerate(table["tiers"]):
            rows.append(
                RowPlan(
                    model="BasicFee",
                    path=f"$.basic_fees[{i}].tiers[{j}]",
                    label=f"{service} {tier['band_min']}–{tier['band_max'] or ''} ≥{tier['min_rate']}",
                    key={
                        "band_min": tier["band_min"],
                        "min_rate": Decimal(tier["min_rate"]),
                        "min_inclusive": tier["min_inclusive"],
                    },
                    values={
                        "band_max": tier["band_max"],
                        "units": tier["units"],
                        "to_verify": not tier["verified"],
                        "source": tier.get("source", ""),
                    },
                    parent="schedule",
                    parent_key={"service": service, "valid_from": day},
                    parent_in_key=True,
                )
            )
    for i, addon in enumerate(data["addons"]):
        rows.append(
            RowPlan(
                model="AddOnRate",
                path=f"$.addons[{i}]",
                label=addon["kind"],
                key={"kind": addon["kind"], "valid_from": day},
                values={
                    "units": addon["units"],
                    "monthly_max": addon["monthly_max"],
                    "yearly_max": addon.get("yearly_max"),  # absent: no yearly limit
                    "to_verify": not addon["verified"],
                    "source": addon.get("source", ""),
                },
                parent="revision",
                parent_key=revision_key,
            )
        )
    for i, price in enumerate(data["area_prices"]):
        rows.append(
            RowPlan(
                model="AreaUnitPrice",
                path=f"$.area_prices[{i}]",
                label=f"{price['service']} {price['area_grade']}",
                key={"area_grade": price["area_grade"], "service": price["service"], "valid_from": day},
                values={
                    "yen_per_unit": Decimal(price["yen_per_unit"]),
                    "to_verify": not price["verified"],
                    "source": price.get("source", ""),
                },
                parent="revision",
                parent_key=revision_key,
            )
        )
    for i, code in enumerate(data["service_codes"]):
        rows.append(
            RowPlan(
                model="ServiceCode",
                path=f"$.service_codes[{i}]",
                label=f"{code['service']} {code['item']}",
                key={"service": code["service"], "item": code["item"]},
                values={
                    "name": code.get("name", ""),
                    "code": code["code"],
                    "form_type": code.get("form_type", ""),
                    "record_status": code.get("record_status", ""),
                    "to_verify": not code["verified"],
                    "source": code.get("source", ""),
                },
                parent="revision",
                parent_key=revision_key,
                parent_in_key=True,
            )
        )
    for i, rate in enumerate(data.get("treatment_improvement", [])):
        rows.append(
            RowPlan(
                model="TreatmentImprovementRate",
                path=f"$.treatment_improvement[{i}]",
                label=f"{rate['service']} {rate['scheme']} {rate['category']}",
                key={"service": rate["service"], "scheme": rate["scheme"], "category": rate["category"]},
                values={
                    "rate": Decimal(rate["rate"]),
                    "to_verify": not rate["verified"],
                    "source": rate.get("source", ""),
                },
                parent="revision",
                parent_key=revision_key,
                parent_in_key=True,
            )
        )
    for i, reduction in enumerate(data.get("office_reductions", [])):
        rows.append(
            RowPlan(
                model="OfficeReductionRate",
                path=f"$.office_reductions[{i}]",
                label=f"{reduction['service']} {reduction['kind']}",
                key={"service": reduction["service"], "kind": reduction["kind"], "valid_from": day},
                values={
                    "percent": reduction.get("percent"),
                    "units_per_day": reduction.get("units_per_day"),
                    "to_verify": not reduction["verified"],
                    "source": reduction.get("source", ""),
                },
                parent="revision",
                parent_key=revision_key,
            )
        )
    return rows


def _fields_of(model, values: dict) -> dict:
    """``values`` without the fields the model does not have: migration 0013 loads the shipped files with the
    historical models, which predate the example flag, the retention-support basis and the yearly maximum."""
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}


def _fitted(rows: list[RowPlan], model_of) -> list[RowPlan]:
    for row in rows:
        model = model_of(row.model)
        row.ref = dict(row.key)
        row.key, row.values = _fields_of(model, row.key), _fields_of(model, row.values)
    return rows


def _models(apps):
    if apps is None:
        from django.apps import apps
    return lambda name: apps.get_model("billing", name)


def _parent_of(row: RowPlan, parents: dict):
    return parents.get((row.parent, tuple(sorted(row.parent_key.items())))) if row.parent else None


def _existing(model_of, row: RowPlan, parents: dict):
    """The row loaded already under the natural key (None: new)."""
    key = dict(row.key)
    if row.parent_in_key:
        parent = _parent_of(row, parents)
        if parent is None:
            return None
        key[row.parent] = parent
    return model_of(row.model).objects.filter(**key).first()


def _remember(row: RowPlan, instance, parents: dict) -> None:
    if row.model == "FeeRevision":
        parents[("revision", tuple(sorted(row.ref.items())))] = instance
    elif row.model == "FeeSchedule":
        parents[("schedule", tuple(sorted(row.ref.items())))] = instance


def _same(old, new) -> bool:
    if isinstance(new, Decimal) and old is not None:
        return Decimal(old) == new
    return old == new


def revision_diff(data: dict, *, apps=None) -> RevisionDiff:
    """What loading ``data`` (checked by ``revision_data_check``) would add or change; no write."""
    model_of = _models(apps)
    parents: dict = {}
    changes = []
    for row in _fitted(_rows_of(data), model_of):
        existing = _existing(model_of, row, parents)
        values = row.values  # fitted to the model (``_fitted``)
        if existing is None:
            changes.append(Change(row.path, row.label, "add", {k: (None, v) for k, v in values.items()}))
            continue
        _remember(row, existing, parents)
        differ = {k: (getattr(existing, k), v) for k, v in values.items() if not _same(getattr(existing, k), v)}
        if row.parent and not row.parent_in_key:
            parent = _parent_of(row, parents)
            if parent is None or getattr(existing, f"{row.parent}_id") != parent.pk:
                differ[row.parent] = (getattr(existing, f"{row.parent}_id"), data["effective_from"][:7])
        changes.append(Change(row.path, row.label, "change" if differ else "same", differ))
    return RevisionDiff(date.fromisoformat(data["effective_from"]), data["title"], changes)


def revision_diff_digest(diff: RevisionDiff) -> str:
    """A short fingerprint of what loading a file changes (every row's action and values, old and new): the
    confirmation page carries it, and a load confirmed on another diff — the file or the loaded data changed
    since the page was shown — is refused (as a month's closing is, ``billing.services.checks.checks_digest``)."""
    payload = json.dumps(
        [diff.effective_from, diff.title,
         [[c.path, c.action, sorted((k, old, new) for k, (old, new) in c.fields.items())] for c in diff.changes]],
        sort_keys=True, default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _at_path(error: ValidationError, path: str) -> list[tuple[str, str]]:
    """A row's ``full_clean`` refusal as (JSON path of the value, message) pairs."""
    out = []
    for name, errors in error.error_dict.items():
        where = path if name == "__all__" else f"{path}.{name}"
        for each in errors:
            out.append((where, str(each.message % each.params if each.params else each.message)))
    return out


@audited(by="by")
@transaction.atomic
def revision_load(
    *, data: dict, loaded_from: str = "", by=None, apps=None, confirmed: str | None = None
) -> RevisionDiff:
    """Load a checked revision (``revision_data_check``): every row ``full_clean``-ed and written only when it
    changes; a refused value rolls the whole file back and is named by its JSON path.  ``confirmed``: the
    digest of the diff the user confirmed (``revision_diff_digest``; None: not asked) — refused when the diff
    now differs.  Returns the diff that was applied (all "same" when the file was loaded already)."""
    model_of = _models(apps)
    diff = revision_diff(data, apps=apps)
    if confirmed is not None and confirmed != revision_diff_digest(diff):
        raise ValidationError(_(MSG_STALE), code=BillingError.REVISION_STALE)
    parents: dict = {}
    errors: list[ValidationError] = []
    for row, change in zip(_fitted(_rows_of(data), model_of), diff.changes, strict=True):
        existing = _existing(model_of, row, parents)
        if change.action == "same":
            _remember(row, existing, parents)
            continue
        instance = existing or model_of(row.model)(**row.key)
        if row.parent:
            parent = _parent_of(row, parents)
            if parent is None:
                continue  # its parent was refused (reported)
            setattr(instance, row.parent, parent)
        for name, value in row.values.items():
            setattr(instance, name, value)
        if row.model == "FeeRevision":
            instance.loaded_from = loaded_from
        try:
            instance.full_clean()
        except ValidationError as error:
            for where, message in _at_path(error, row.path):
                errors.append(
                    ValidationError(
                        _(MSG_AT_PATH),
                        code=BillingError.REVISION_VALUE_INVALID,
                        params={"path": where, "message": message},
                    )
                )
            continue
        instance.save()
        _remember(row, instance, parents)
    if errors:
        raise ValidationError(errors)
    return diff


def shipped_revisions_load(*, apps=None) -> int:
    """Load every shipped revision file (migrations, a test's flushed database); returns the rows changed."""
    changed = 0
    for name in SHIPPED_REVISIONS:
        data = revision_file_read(FEES_DIR / name)
        changed += len(revision_load(data=data, loaded_from=f"fixtures/fees/{name}", apps=apps).changed)
    return changed
