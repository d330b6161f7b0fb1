"""Applying in one transaction (draft, materials, submission) under an idempotency key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govserve.accounts.models import Organisation
from govserve.catalog.models import Bundle, ImplementationItem

from ..errors import CaseError
from ..models import Case, DeliveryMethod, IdempotencyKey
from .intake import add_material, create_draft, reuse_material, save_draft, submit


def _file_sha256(upload) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def _request_hash(**request) -> str:
    """What a retry must repeat to count as the same application (files by their content)."""
    request["uploads"] = {str(mid): _file_sha256(up) for mid, up in request["uploads"]}
    request["reuse"] = sorted([list(pair) for pair in request["reuse"]])
    return hashlib.sha256(
        json.dumps(request, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def apply(
    actor,
    *,
    idempotency_key: str | None,
    item: ImplementationItem | None = None,
    bundle: Bundle | None = None,
    applicant=None,
    organisation: Organisation | None = None,
    form_data: dict | None = None,
    uploads: Iterable[tuple[int, object]] = (),
    reuse: Iterable[tuple[int, int]] = (),
    delivery_method: str = DeliveryMethod.ELECTRONIC,
    delivery_address: str = "",
    hall=None,
) -> tuple[Case, bool]:
    """Draft, materials and submission in one transaction. Returns (case, created).

    The same `idempotency_key` from the same account returns the first case (created=False)
    however often the request is retried; a different request under a used key is refused.
    """
    uploads, reuse = list(uploads), list(reuse)
    digest = _request_hash(
        item=item and item.pk,
        bundle=bundle and bundle.code,
        applicant=applicant and applicant.pk,
        organisation=organisation and organisation.pk,
        form_data=form_data or {},
        uploads=uploads,
        reuse=reuse,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
    )
    if idempotency_key:
        if len(idempotency_key) > 100:
            raise ValidationError({"idempotency_key": [_("幂等键不能超过 100 个字符")]})
        earlier = (
            IdempotencyKey.objects.filter(user=actor, key=idempotency_key)
            .select_related("case")
            .first()
        )
        if earlier:
            return _replay(earlier, digest), False
    try:
        with transaction.atomic():
            case = create_draft(
                actor,
                item=item,
                bundle=bundle,
                applicant=applicant,
                organisation=organisation,
                hall=hall,
            )
            save_draft(
                case,
                actor,
                form_data=form_data or {},
                check_form=False,
                delivery_method=delivery_method,
                delivery_address=delivery_address,
            )
            for material_id, upload in uploads:
                add_material(case, actor, material_id=material_id, upload=upload)
            for material_id, source_id in reuse:
                reuse_material(case, actor, material_id=material_id, source_id=source_id)
            case = submit(case, actor)
            if idempotency_key:
                IdempotencyKey.objects.create(
                    user=actor, key=idempotency_key, request_hash=digest, case=case
                )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its case.
        earlier = (
            IdempotencyKey.objects.filter(user=actor, key=idempotency_key)
            .select_related("case")
            .first()
            if idempotency_key
            else None
        )
        if earlier is None:
            raise
        return _replay(earlier, digest), False
    return case, True


def _replay(earlier: IdempotencyKey, digest: str) -> Case:
    if earlier.request_hash != digest:
        raise CaseError("idempotency_key", _("该幂等键已用于另一份不同的申请"), status=409)
    return earlier.case
