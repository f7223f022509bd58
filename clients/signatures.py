"""The person's signature on a support plan's agreement: a scan of the signed paper (PDF, PNG or JPEG) or a
signature drawn on a tablet (a PNG from the signature page's canvas, ``static/js/signature.js``).

A signature documents the agreement, so it is the agreement: attached to a plan whose agreement is not
recorded yet, it records the agreement on the signing day, through the one service that records
agreements (``plans.support_plan_record_agreement``, with its checks: not before the draft, a closed
plan refused).  That is what a サービス管理責任者 does at the explanation — the person signs, and the day
they sign is the 同意日 — so there is no second step to forget.  A plan agreed already keeps its date; a
signature dated before it is refused (``SIGNATURE_BEFORE_AGREEMENT``).

The file is judged by its content, not by the name or the type the browser sent: its first bytes must be
those of a PDF, a PNG or a JPEG, an image must open (Pillow reads its header and checks it), and a tablet
signature must be a PNG with something drawn on it.  Supervisors and managers only; audited."""

from __future__ import annotations

import io
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageChops, UnidentifiedImageError

from clients import plans
from clients.errors import ClientError
from clients.models import SIGNATURE_MAX_BYTES, PlanSignature, SignatureKind, SupportPlan
from compostela.audit import audited
from compostela.dates import refuse_future_date
from compostela.filenames import safe_filename
from compostela.models import Role, User
from compostela.scoping import require_role

MSG_SUPERVISOR_ONLY = gettext_noop("Only a supervisor or a manager can attach a signature to a support plan.")
MSG_EMPTY = gettext_noop("Choose the file of the signed plan.")
MSG_BLANK = gettext_noop("Nothing is drawn: let the person sign in the box first.")
MSG_TOO_LARGE = gettext_noop("The file is larger than 5 MB: scan the paper at a lower resolution.")
MSG_TYPE = gettext_noop("By its content this file is not a PDF, PNG or JPEG: attach the scan in one of these.")
MSG_TABLET_PNG = gettext_noop("A signature drawn on the tablet is sent as a PNG image.")
MSG_UNREADABLE = gettext_noop("The image cannot be read: scan the signed paper again.")
MSG_IMAGE_TOO_BIG = gettext_noop("The image has too many pixels: scan the paper at a lower resolution.")
MSG_KIND = gettext_noop("Choose a scan of the signed paper or a signature on the tablet.")
MSG_BEFORE_AGREEMENT = gettext_noop("The plan was agreed on %(agreed_on)s: the signature cannot be dated before it.")

# What the first bytes of each accepted type are (the type is judged by the content, not the upload's header).
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
# The largest image accepted, as (short side, long side) in pixels: a 600 dpi A4 scan is 4961 × 7016; a
# tablet's canvas at its pixel ratio is far smaller, and it is decoded to look for ink.  Refuses bombs.
MAX_SCAN_PIXELS = (6000, 9000)
MAX_TABLET_PIXELS = (4096, 4096)


def _refuse(message: str, code: ClientError, field: str = "upload", **params) -> ValidationError:
    text = _(message) % params if params else _(message)
    return ValidationError({field: ValidationError(text, code=code)})


def sniff_content_type(head: bytes) -> str | None:
    """The signature file's type from its first bytes: PDF, PNG or JPEG, else None."""
    return next((content_type for magic, content_type in MAGIC if head.startswith(magic)), None)


def _read_upload(upload: UploadedFile | None) -> bytes:
    if upload is None or not upload.size:
        raise _refuse(MSG_EMPTY, ClientError.SIGNATURE_EMPTY)
    if upload.size > SIGNATURE_MAX_BYTES:  # judged before reading it into memory
        raise _refuse(MSG_TOO_LARGE, ClientError.SIGNATURE_TOO_LARGE)
    upload.seek(0)
    content = upload.read(SIGNATURE_MAX_BYTES + 1)
    if not content:
        raise _refuse(MSG_EMPTY, ClientError.SIGNATURE_EMPTY)
    if len(content) > SIGNATURE_MAX_BYTES:
        raise _refuse(MSG_TOO_LARGE, ClientError.SIGNATURE_TOO_LARGE)
    return content


def _check_image(content: bytes, content_type: str, *, kind: str) -> None:
    """The image opens as the type its first bytes claim, is not absurdly large, and (a tablet signature)
    has something drawn on it."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != PILLOW_FORMATS[content_type]:
                raise _refuse(MSG_TYPE, ClientError.SIGNATURE_TYPE)
            short, long = sorted(image.size)
            most_short, most_long = MAX_TABLET_PIXELS if kind == SignatureKind.TABLET else MAX_SCAN_PIXELS
            if short > most_short or long > most_long:
                raise _refuse(MSG_IMAGE_TOO_BIG, ClientError.SIGNATURE_TOO_LARGE)
            image.verify()  # the chunks' checksums (PNG) and structure, without decoding the pixels
        if kind == SignatureKind.TABLET:
            with Image.open(io.BytesIO(content)) as image:
                drawn = _has_ink(image)
            if not drawn:
                raise _refuse(MSG_BLANK, ClientError.SIGNATURE_EMPTY)
    except Image.DecompressionBombError as error:  # a header claiming billions of pixels
        raise _refuse(MSG_IMAGE_TOO_BIG, ClientError.SIGNATURE_TOO_LARGE) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _refuse(MSG_UNREADABLE, ClientError.SIGNATURE_UNREADABLE) from error


def _has_ink(image: Image.Image) -> bool:
    """Whether anything differs from the image's background (its top-left pixel): on a transparent canvas
    the strokes are opaque, on a white one they are dark."""
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, rgba.getpixel((0, 0)))
    return ImageChops.difference(rgba, background).getbbox() is not None


def signature_file_checked(*, upload: UploadedFile | None, kind: str) -> tuple[bytes, str]:
    """The upload's bytes and its content type, or the refusal (``ValidationError`` on ``upload``) with its
    code: empty, too large, not PDF/PNG/JPEG by its content, a tablet signature that is not a PNG or is blank,
    an image that cannot be read."""
    content = _read_upload(upload)
    content_type = sniff_content_type(content[:8])
    if content_type is None:
        raise _refuse(MSG_TYPE, ClientError.SIGNATURE_TYPE)
    if kind == SignatureKind.TABLET and content_type != "image/png":
        raise _refuse(MSG_TABLET_PNG, ClientError.SIGNATURE_TYPE)
    if content_type in PILLOW_FORMATS:
        _check_image(content, content_type, kind=kind)
    return content, content_type


def _filename(upload: UploadedFile, *, kind: str, signed_on: date, content_type: str) -> str:
    extension = EXTENSIONS[content_type]
    if kind == SignatureKind.TABLET:
        return f"signature-{signed_on:%Y%m%d}.{extension}"
    stem = (upload.name or "").rpartition(".")[0] or upload.name or "signed"
    return safe_filename(f"{stem}.{extension}", fallback="signed")[:200]


@audited(by="by")
@transaction.atomic
def plan_signature_add(
    *, plan: SupportPlan, kind: str, signed_on: date, upload: UploadedFile | None, by: User
) -> PlanSignature:
    """Attach the person's signature (``kind`` scan or tablet, signed on ``signed_on``) to ``plan``; records
    the agreement on ``signed_on`` when the plan has none yet (see the module's docstring)."""
    require_role(by, plan.client.office_id, Role.SUPERVISOR, _(MSG_SUPERVISOR_ONLY))
    if kind not in SignatureKind.values:
        raise _refuse(MSG_KIND, ClientError.SIGNATURE_KIND_UNKNOWN, field="kind")
    refuse_future_date(signed_on, field="signed_on")
    content, content_type = signature_file_checked(upload=upload, kind=kind)
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.agreed_on is None:  # the agreement service's refusals (its date is the signing day) pass on as they are
        plan = plans.support_plan_record_agreement(plan=plan, agreed_on=signed_on, by=by)
    elif signed_on < plan.agreed_on:
        raise _refuse(
            MSG_BEFORE_AGREEMENT,
            ClientError.SIGNATURE_BEFORE_AGREEMENT,
            field="signed_on",
            agreed_on=f"{plan.agreed_on:%Y-%m-%d}",
        )
    signature = PlanSignature(
        plan=plan,
        kind=kind,
        signed_on=signed_on,
        content=content,
        content_type=content_type,
        filename=_filename(upload, kind=kind, signed_on=signed_on, content_type=content_type),
        recorded_by=by,
    )
    signature.full_clean()
    signature.save()
    return signature
