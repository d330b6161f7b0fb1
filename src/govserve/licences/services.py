"""Issuing electronic licences and their lifecycle
(电子证照签发、变更、延续、中止、恢复、撤销、过期).

Every write is one transaction and leaves a `LicenceEvent`, tells the holder (in-app message,
e-mail after the commit) and announces each new version (`signals.licence_issued`) and each
status change of an existing one (`signals.licence_status_changed`) inside the transaction —
the audit app archives them.
Refusals raise `LicenceError` (field, Chinese message, 400/403/404/409) or a Django
`ValidationError` keyed by field, and write nothing.

- `issue_for_case` runs inside the approval's transaction (receivers, `cases.signals
  .case_approving`): a licence that cannot be issued (a required field the form lacks, an issuer
  without a credit code, a key that cannot be unwrapped) refuses the approval itself.
- `issue` takes the serial under a row lock, builds the GB/T 36904 identifier, renders the PDF
  (`documents`), PAdES-signs it with the issuer's certificate and SM2-signs `signed_payload`.
- `change` (变更) and `renew` (延续) issue the next version (same serial and number, version + 1,
  new check character); the old version is SUPERSEDED and stays verifiable as such.
- Renewal window: from 30 days before `valid_until` up to and including `valid_until`
  (Administrative Licensing Law Art 50 asks for the application before expiry); after that the
  licence has lapsed and the holder applies anew. The renewed version runs from today to the
  old end date plus one validity period, so no day is lost or counted twice.
- `suspend` / `resume` / `revoke` need a reason; a revoked licence is final (no resume, change
  or renewal) and its PDF verifies as revoked.
- Who acts: approvers (审批负责人) of the issuing department, in its region — the same people
  who decided the case. Supervisors read (`selectors.can_read_licence`) but change nothing,
  as for cases.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govserve.accounts.models import PersonalDataAccess, Representation
from govserve.cases import services as case_services
from govserve.cases.models import Case, Outcome
from govserve.cases.notifications import notify
from govserve.core import serials
from govserve.signing import seals, signing

from . import documents, selectors, signals
from .errors import LicenceError
from .forms_types import clean_data
from .identifiers import build_identifier
from .models import (
    LICENCE_SERIAL,
    RENEWAL_WINDOW_DAYS,
    Licence,
    LicenceEvent,
    LicenceRenewal,
    LicenceStatus,
    LicenceType,
)

REASON_MAX = 300  # Licence.status_reason
SERIAL_DIGITS = 8
# Events that change an existing licence's status (announced as `licence_status_changed`);
# issue, change and renewal announce the new version (`licence_issued`).
STATUS_EVENTS = {"superseded", "suspended", "resumed", "revoked", "expired"}


def today() -> dt.date:
    return timezone.localdate()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def valid_until_for(licence_type: LicenceType, start: dt.date) -> dt.date | None:
    """The last valid day of a licence starting on `start`; None for 长期 (validity_months 0)."""
    if not licence_type.validity_months:
        return None
    return add_months(start, licence_type.validity_months) - dt.timedelta(days=1)


# -- signed data -----------------------------------------------------------------------------------
def signed_payload(licence: Licence) -> bytes:
    """签名数据: the canonical JSON the SM2 signature covers (sorted keys, no spaces, UTF-8).

    Only what the licence states and cannot change without a new version: identifier, type
    code, holder, issuer credit code, number, dates, data and the signed PDF's digest. The
    status is not in it (it changes without re-signing); names of the issuer and the type are
    not either, so renaming a department does not break old signatures.
    """
    payload = {
        "identifier": licence.identifier,
        "type_code": licence.licence_type.type_code,
        "number": licence.number,
        "version": licence.version,
        "holder_name": licence.holder_name,
        "holder_id_number": licence.holder_id_number,
        "issuer_uscc": licence.issuer.uscc,
        "issued_on": licence.issued_on.isoformat(),
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
        "data": licence.data,
        "pdf_sha256": licence.pdf_sha256,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


# -- notifications, events, signals ----------------------------------------------------------------
def _recipient_ids(licence: Licence) -> list[int]:
    """The holder; for a business, whoever applied for it and its legal representatives."""
    if licence.holder_user_id:
        return [licence.holder_user_id]
    ids: list[int] = []
    if licence.source_case is not None:
        ids.append(licence.source_case.applicant_id)
    assert (
        licence.holder_organisation_id is not None
    )  # licence_has_holder: not a person's, so an organisation's
    now = timezone.now()
    ids += Representation.objects.filter(
        organisation_id=licence.holder_organisation_id,
        kind=Representation.Kind.LEGAL_REPRESENTATIVE,
        revoked_at__isnull=True,
        valid_from__lte=now,
    ).values_list("person_id", flat=True)
    return list(dict.fromkeys(ids))


def _notify(licence: Licence, subject: str, body: str) -> None:
    for recipient_id in _recipient_ids(licence):
        notify(recipient_id, subject, body, case=licence.source_case)


def _event(licence: Licence, action: str, description: str, *, actor=None, reason: str = ""):
    event = LicenceEvent.objects.create(
        licence=licence, action=action, description=description[:300], reason=reason, actor=actor
    )
    if action in STATUS_EVENTS:
        signals.licence_status_changed.send(sender=LicenceEvent, event=event)
    return event


def _announce_issued(licence: Licence) -> None:
    signals.licence_issued.send(sender=Licence, licence=licence)


# -- issuing ---------------------------------------------------------------------------------------
def _next_serial(licence_type: LicenceType, issuer) -> int:
    """The issuer's next serial for the type; call inside a transaction (concurrent issuers
    wait for our commit and count on; a refused issue gives the number back)."""
    return serials.take_next(LICENCE_SERIAL, licence_type.pk, issuer.pk)


def licence_number(licence_type: LicenceType, issuer, serial: str) -> str:
    """证照编号: the type's prefix (e.g. JY), the issuer's county-level region code, the serial."""
    prefix = (licence_type.layout or {}).get("number_prefix", "")
    return f"{prefix}{issuer.region.code[:6]}{serial}"


def _holder(holder_user, holder_organisation, name, id_number) -> tuple[str, str]:
    if holder_user is None and holder_organisation is None:
        raise LicenceError("holder", _("请指定持证人（个人或单位）"))
    if holder_organisation is not None:
        name, id_number = name or holder_organisation.name, id_number or holder_organisation.uscc
    else:
        name = name or holder_user.real_name
        id_number = id_number or holder_user.id_number
    if not (name or "").strip() or not (id_number or "").strip():
        raise LicenceError(
            "holder", _("持证人缺少名称或证件号码（身份证号码或统一社会信用代码），不能签发证照")
        )
    return name.strip(), id_number.strip().upper()


def _check_issuer(issuer) -> None:
    if not issuer.uscc:
        raise LicenceError(
            "issuer",
            _(
                "发证机关“%(name)s”未登记统一社会信用代码，不能签发电子证照（证照标识须含发证机构代码），"
                "请系统管理员先补录"
            )
            % {"name": issuer.name},
            status=409,
        )


def _sign_and_save(licence: Licence) -> Licence:
    """Render, seal and PAdES-sign the PDF, SM2-sign the data, store the row (one INSERT)."""
    issuer = licence.issuer
    seal = seals.department_seal(issuer)
    licence.seal = seal
    unsigned = documents.render_licence_pdf(licence, seal)
    signed = signing.sign_pdf(
        unsigned,
        issuer,
        reason=_("电子证照 %(number)s（第 %(version)d 版）")
        % {"number": licence.number, "version": licence.version},
    )
    licence.pdf_sha256 = hashlib.sha256(signed).hexdigest()
    licence.pdf.save(
        f"{licence.serial}-{licence.version:03d}-{licence.pdf_sha256[:12]}.pdf",
        ContentFile(signed),
        save=False,
    )
    licence.signed_data = signed_payload(licence)
    licence.sm2_signature, licence.sm2_certificate = signing.sm2_sign(licence.signed_data, issuer)
    licence.save()
    return licence


@transaction.atomic
def issue(
    licence_type: LicenceType,
    *,
    issuer,
    holder_user=None,
    holder_organisation=None,
    data: dict,
    source_case: Case | None = None,
    actor=None,
    valid_from: dt.date | None = None,
    holder_name: str | None = None,
    holder_id_number: str | None = None,
) -> Licence:
    """签发: a new licence (version 1), signed, stored, recorded and announced (archived).

    `holder_name` / `holder_id_number` default to the holder's own (organisation name and USCC,
    or the person's real name and ID number); `issue_for_case` passes the case's snapshot.
    """
    if not licence_type.active:
        raise LicenceError(
            "licence_type", _("证照类型“%(name)s”已停用") % {"name": licence_type.name}, 409
        )
    _check_issuer(issuer)
    name, id_number = _holder(holder_user, holder_organisation, holder_name, holder_id_number)
    cleaned, errors = clean_data(licence_type, data)
    if errors:
        raise ValidationError(errors)
    serial = f"{_next_serial(licence_type, issuer):0{SERIAL_DIGITS}d}"
    start = valid_from or today()
    licence = Licence(
        identifier=build_identifier(licence_type.type_code, issuer.uscc, serial, 1),
        licence_type=licence_type,
        serial=serial,
        version=1,
        number=licence_number(licence_type, issuer, serial),
        holder_user=holder_user if holder_organisation is None else None,
        holder_organisation=holder_organisation,
        holder_name=name,
        holder_id_number=id_number,
        issuer=issuer,
        issued_on=today(),
        valid_from=start,
        valid_until=valid_until_for(licence_type, start),
        data=cleaned,
        source_case=source_case,
        status=LicenceStatus.VALID,
    )
    _sign_and_save(licence)
    _event(
        licence,
        "issued",
        _("签发%(type)s（编号 %(number)s）")
        % {"type": licence_type.name, "number": licence.number},
        actor=actor,
    )
    _announce_issued(licence)
    _notify(
        licence,
        _("电子证照已签发：%(type)s") % {"type": licence_type.name},
        _(
            "%(issuer)s已向%(holder)s签发%(type)s，证照编号 %(number)s，有效期%(validity)s。"
            "您可以在“我的证照”中查看、下载和授权使用，下次办事需要时无须再提交。"
        )
        % {
            "issuer": issuer.name,
            "holder": name,
            "type": licence_type.name,
            "number": licence.number,
            "validity": validity_text(licence),
        },
    )
    return licence


def validity_text(licence: Licence) -> str:
    if licence.valid_until is None:
        return _("自 %(start)s 起长期有效") % {"start": licence.valid_from.isoformat()}
    return _("自 %(start)s 至 %(end)s") % {
        "start": licence.valid_from.isoformat(),
        "end": licence.valid_until.isoformat(),
    }


def _case_data(licence_type: LicenceType, case: Case) -> dict[str, str]:
    """The type's fields from the case's application form, key by key (FormField.key = name)."""
    cleaned, errors = clean_data(licence_type, case.form_data or {}, prefix="form_data")
    if errors:
        field, messages = next(iter(errors.items()))
        raise LicenceError(
            field,
            _("不能签发“%(type)s”：申请表中的照面信息有误或缺失——%(problem)s")
            % {"type": licence_type.name, "problem": messages[0]},
        )
    return cleaned


def issue_for_case(case: Case, actor) -> list[Licence]:
    """Issue the licences an approved case produces: for each of its items, one licence of each
    active licence type linked to the item, issued by the item's department to the case's holder
    (the organisation it was filed for, else the applicant). Runs inside the approval's
    transaction; raising refuses the approval."""
    holder: dict[str, Any]
    if case.organisation is not None:
        organisation = case.organisation
        holder = {
            "holder_organisation": organisation,
            "holder_name": organisation.name,
            "holder_id_number": organisation.uscc,
        }
    else:
        holder = {
            "holder_user": case.applicant,
            "holder_name": case.applicant_name,
            "holder_id_number": case.applicant_id_number,
        }
    renewal = LicenceRenewal.objects.filter(case=case).select_related("licence").first()
    if renewal is not None:  # 延续申请: the held licence gets its next version, nothing new
        return [renew(renewal.licence, actor, case=case)]
    # Every licence's data is checked before the first is signed: a refusal then leaves no
    # signed file behind in storage (the database rolls back, files would not).
    planned = [
        (licence_type, case_item.department, _case_data(licence_type, case))
        for case_item in case.case_items.select_related("item", "department", "department__region")
        if case_item.outcome != Outcome.DENIED
        for licence_type in case_item.item.licence_types.filter(active=True).order_by("type_code")
    ]
    return [
        issue(licence_type, issuer=issuer, data=data, source_case=case, actor=actor, **holder)
        for licence_type, issuer, data in planned
    ]


# -- who may see and act --------------------------------------------------------------------------
def log_staff_read(viewer, licence: Licence, *, channel: str) -> None:
    """Record a staff read of a person's licence (name, ID number, data), as cases does for a
    case; a business's licence carries no personal data, the holder reading their own neither."""
    if not licence.holder_user_id or viewer.pk == licence.holder_user_id:
        return
    PersonalDataAccess.objects.create(
        viewer=viewer,
        subject_id=licence.holder_user_id,
        fields="licence:holder_name,holder_id_number(masked),data",
        reason=_("查阅电子证照 %(number)s") % {"number": licence.number},
        channel=channel[:20],
    )


def _lock(licence: Licence) -> Licence:
    return (
        Licence.objects.select_for_update(of=("self",))
        .select_related("licence_type", "issuer", "issuer__region", "source_case")
        .get(pk=licence.pk)
    )


def _check_manage(actor, licence: Licence) -> None:
    if not selectors.can_manage_licence(actor, licence):
        raise LicenceError(
            "licence", _("只有发证部门的审批负责人可以办理证照变更、延续、中止、恢复或撤销"), 403
        )


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise LicenceError("reason", _("请填写原因"))
    if len(reason) > REASON_MAX:
        raise LicenceError("reason", _("原因不能超过 %(n)d 个字") % {"n": REASON_MAX})
    return reason


def _refuse_state(licence: Licence, allowed: Iterable[str], on: dt.date) -> None:
    status = licence.effective_status(on)
    if status in allowed:
        return
    if status == LicenceStatus.SUPERSEDED:
        message = _("该版本已被新版本替代，请对现行版本办理")
    elif status == LicenceStatus.REVOKED:
        message = _("证照已撤销，不能再办理")
    else:
        message = _("证照当前状态为“%(status)s”，不能办理此项") % {
            "status": LicenceStatus(status).label
        }
    raise LicenceError("status", message, 409)


def _set_status(licence: Licence, status: str, reason: str) -> None:
    licence.status, licence.status_reason = status, reason
    licence.status_changed_at = timezone.now()
    licence.save(update_fields=["status", "status_reason", "status_changed_at"])


def _next_version(
    old: Licence, actor, *, action: str, description: str, reason: str, **changes
) -> Licence:
    """Mark `old` superseded and issue its next version with `changes` (one transaction)."""
    if old.version >= 999:
        raise LicenceError("version", _("证照版本号已达上限 999"), 409)
    _set_status(old, LicenceStatus.SUPERSEDED, reason)
    fields = {
        f.name: getattr(old, f.name)
        for f in Licence._meta.concrete_fields
        if f.name
        not in {
            "id",
            "identifier",
            "pdf",
            "pdf_sha256",
            "signed_data",
            "sm2_signature",
            "sm2_certificate",
            "seal",
            "created_at",
            "renewal_reminded_on",
            "status",
            "status_reason",
            "status_changed_at",
            "supersedes",
        }
    }
    fields.update(changes)
    fields["version"] = old.version + 1
    fields["issued_on"] = today()
    new = Licence(**fields, supersedes=old, status=LicenceStatus.VALID)
    new.identifier = build_identifier(
        new.licence_type.type_code, new.issuer.uscc or "", new.serial, new.version
    )
    _sign_and_save(new)
    _event(
        old,
        "superseded",
        _("被第 %(version)d 版替代") % {"version": new.version},
        actor=actor,
        reason=reason,
    )
    _event(new, action, description, actor=actor, reason=reason)
    _announce_issued(new)
    return new


@transaction.atomic
def change(licence: Licence, actor, *, data: dict, reason: str) -> Licence:
    """变更: new data (merged over the current; an empty value clears an optional field) as the
    next version; validity unchanged; the old version is superseded."""
    old = _lock(licence)
    _check_manage(actor, old)
    reason = _reason(reason)
    _refuse_state(old, [LicenceStatus.VALID], today())
    if not isinstance(data, dict):
        raise ValidationError({"data": [_("照面信息应为对象")]})
    unknown = sorted(set(data) - {f.get("name") for f in old.licence_type.fields or []})
    if unknown:
        raise ValidationError(
            {"data": [_("证照类型没有这些照面信息项：%(names)s") % {"names": "、".join(unknown)}]}
        )
    cleaned, errors = clean_data(old.licence_type, {**old.data, **data})
    if errors:
        raise ValidationError(errors)
    if cleaned == old.data:
        raise LicenceError("data", _("照面信息没有变化，无须变更"))
    new = _next_version(
        old,
        actor,
        action="changed",
        description=_("变更照面信息，签发第 %(version)d 版") % {"version": old.version + 1},
        reason=reason,
        data=cleaned,
    )
    _notify(
        new,
        _("电子证照已变更：%(type)s") % {"type": new.licence_type.name},
        _(
            "您的%(type)s（编号 %(number)s）已变更为第 %(version)d 版，原版本同时失效。变更原因：%(reason)s"  # noqa: E501
        )
        % {
            "type": new.licence_type.name,
            "number": new.number,
            "version": new.version,
            "reason": reason,
        },
    )
    return new


def _check_renewable(licence: Licence, on: dt.date) -> None:
    """Valid on `on`, not 长期, and `on` inside the window (30 days before the end, to the end).
    A licence the daily sweep has since marked expired was still valid on an earlier `on`."""
    lapsed_since = licence.status == LicenceStatus.EXPIRED and licence.valid_until
    if not (lapsed_since and licence.valid_until is not None and on <= licence.valid_until):
        _refuse_state(licence, [LicenceStatus.VALID], on)
    if licence.valid_until is None:
        raise LicenceError("licence", _("长期有效的证照无须延续"), 409)
    opens = licence.renewal_opens_on
    assert opens is not None  # valid_until is set
    if on < opens:
        raise LicenceError(
            "licence",
            _("延续自有效期届满前 %(days)d 日（%(date)s）起方可办理")
            % {"days": RENEWAL_WINDOW_DAYS, "date": opens.isoformat()},
            409,
        )


@transaction.atomic
def apply_for_renewal(licence: Licence, actor) -> Case:
    """申请延续: the holder files the renewal with the issuing department — an application for
    the item that issues this licence type there, the licence's data as the form and the
    materials of the case that issued it reused (nothing uploaded again). Approving it renews
    the licence (`issue_for_case`). Retrying returns the same case."""
    licence = _lock(licence)
    if not selectors.is_holder(actor, licence):
        raise LicenceError("licence", _("只有持证人可以申请延续"), 403)
    pending = LicenceRenewal.objects.filter(licence=licence).select_related("case").first()
    if pending is not None:
        return pending.case
    _check_renewable(licence, today())
    item = (
        licence.licence_type.items.published()
        .filter(department=licence.issuer)
        .order_by("pk")
        .first()
    )
    if item is None:
        raise LicenceError("licence", _("发证机关没有可申请延续的在办事项，请到发证机关办理"), 409)
    source = licence.source_case
    reuse = []
    if source is not None:
        given = {
            cm.material.merge_key: cm.pk
            for cm in source.materials.select_related("material", "material__common")
            if cm.material is not None
        }
        reuse = [
            (material.pk, given[key])
            for key, material in case_services.required_materials([item])
            if key in given
        ]
    case, _created = case_services.apply(
        actor,
        idempotency_key=f"licence-renewal-{licence.identifier}"[:100],
        item=item,
        organisation=licence.holder_organisation,
        form_data=dict(licence.data),
        reuse=reuse,
    )
    LicenceRenewal.objects.create(licence=licence, case=case)
    _event(
        licence,
        "renewal_applied",
        _("申请延续：办件 %(number)s") % {"number": case.number},
        actor=actor,
    )
    return case


@transaction.atomic
def renew(licence: Licence, actor, *, case: Case | None = None) -> Licence:
    """延续: within 30 days before the end date (inclusive of it), the next version valid from
    today to the old end date plus one validity period."""
    old = _lock(licence)
    if case is None:  # from a renewal case, the case's decision is the authority (cases.decide)
        _check_manage(actor, old)
    on = today()
    # A renewal applied for in time is decided on what held when it was received, even after
    # the end date (行政许可法 Art 50: the decision is due before expiry).
    asked_on = case.received_on if case is not None and case.received_on else on
    _check_renewable(old, asked_on)
    assert old.valid_until is not None  # _check_renewable refused 长期 licences
    following = old.valid_until + dt.timedelta(days=1)
    new = _next_version(
        old,
        actor,
        action="renewed",
        description=_("延续有效期，签发第 %(version)d 版") % {"version": old.version + 1},
        reason=_("有效期延续"),
        valid_from=on,
        valid_until=valid_until_for(old.licence_type, following),
        source_case=case or old.source_case,
    )
    _notify(
        new,
        _("电子证照已延续：%(type)s") % {"type": new.licence_type.name},
        _("您的%(type)s（编号 %(number)s）已延续，有效期%(validity)s。")
        % {"type": new.licence_type.name, "number": new.number, "validity": validity_text(new)},
    )
    return new


def _status_change(
    licence: Licence,
    actor,
    *,
    reason: str,
    allowed: list[str],
    to: str,
    action: str,
    description: str,
) -> Licence:
    licence = _lock(licence)
    _check_manage(actor, licence)
    reason = _reason(reason)
    _refuse_state(licence, allowed, today())
    _set_status(licence, to, reason)
    _event(licence, action, description, actor=actor, reason=reason)
    subject, body = STATUS_MESSAGES[action]
    params = {"type": licence.licence_type.name, "number": licence.number, "reason": reason}
    _notify(licence, str(subject) % params, str(body) % params)
    return licence


# One whole sentence per action (a verb put into a shared sentence does not translate).
STATUS_MESSAGES = {
    "suspended": (
        gettext_lazy("电子证照已中止：%(type)s"),
        gettext_lazy("您的%(type)s（编号 %(number)s）已中止，中止期间不能使用。原因：%(reason)s"),
    ),
    "resumed": (
        gettext_lazy("电子证照已恢复有效：%(type)s"),
        gettext_lazy("您的%(type)s（编号 %(number)s）已恢复有效。原因：%(reason)s"),
    ),
    "revoked": (
        gettext_lazy("电子证照已撤销：%(type)s"),
        gettext_lazy("您的%(type)s（编号 %(number)s）已被撤销，不能再使用。原因：%(reason)s"),
    ),
}


@transaction.atomic
def suspend(licence: Licence, actor, *, reason: str) -> Licence:
    """中止: a valid licence may not be used until resumed."""
    return _status_change(
        licence,
        actor,
        reason=reason,
        allowed=[LicenceStatus.VALID],
        to=LicenceStatus.SUSPENDED,
        action="suspended",
        description=_("中止"),
    )


@transaction.atomic
def resume(licence: Licence, actor, *, reason: str) -> Licence:
    """恢复: a suspended licence becomes valid again (expired if its end date passed meanwhile)."""
    return _status_change(
        licence,
        actor,
        reason=reason,
        allowed=[LicenceStatus.SUSPENDED],
        to=LicenceStatus.VALID,
        action="resumed",
        description=_("恢复有效"),
    )


@transaction.atomic
def revoke(licence: Licence, actor, *, reason: str) -> Licence:
    """撤销: final; the PDF stays verifiable and says revoked."""
    return _status_change(
        licence,
        actor,
        reason=reason,
        allowed=[LicenceStatus.VALID, LicenceStatus.SUSPENDED, LicenceStatus.EXPIRED],
        to=LicenceStatus.REVOKED,
        action="revoked",
        description=_("撤销"),
    )


# -- daily work (tasks) ----------------------------------------------------------------------------
def expire_due(on: dt.date | None = None) -> int:
    """过期: mark VALID licences whose end date is before `on` EXPIRED; returns how many.
    One transaction per licence (a retried or parallel run skips what is already done)."""
    on = on or today()
    due = Licence.objects.filter(status=LicenceStatus.VALID, valid_until__lt=on)
    count = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            licence = (
                due.select_for_update(of=("self",))
                .select_related("licence_type", "issuer", "source_case")
                .filter(pk=pk)
                .first()
            )
            if licence is None:
                continue
            assert licence.valid_until is not None  # due: valid_until before `on`
            _set_status(licence, LicenceStatus.EXPIRED, _("有效期届满"))
            _event(
                licence,
                "expired",
                _("有效期届满（%(date)s）") % {"date": licence.valid_until.isoformat()},
            )
            body = _(
                "您的%(type)s（编号 %(number)s）已于 %(date)s 有效期届满，不能再作为办事材料使用。"
            ) % {
                "type": licence.licence_type.name,
                "number": licence.number,
                "date": licence.valid_until.isoformat(),
            }
            _notify(
                licence,
                _("电子证照已过期：%(type)s") % {"type": licence.licence_type.name},
                body,
            )
            count += 1
    return count


def send_renewal_reminders(on: dt.date | None = None) -> int:
    """延续提醒: tell holders of valid licences ending within 30 days, once per version."""
    on = on or today()
    due = Licence.objects.filter(
        status=LicenceStatus.VALID,
        renewal_reminded_on__isnull=True,
        valid_until__gte=on,
        valid_until__lte=on + dt.timedelta(days=RENEWAL_WINDOW_DAYS),
    )
    count = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            licence = (
                due.select_for_update(of=("self",))
                .select_related("licence_type", "issuer", "source_case")
                .filter(pk=pk)
                .first()
            )
            if licence is None:
                continue
            assert licence.valid_until is not None  # due: valid_until within the window
            licence.renewal_reminded_on = on
            licence.save(update_fields=["renewal_reminded_on"])
            _event(
                licence,
                "renewal_reminded",
                _("提醒持证人办理延续（%(date)s 届满）")
                % {"date": licence.valid_until.isoformat()},
            )
            body = _(
                "您的%(type)s（编号 %(number)s）将于 %(date)s 有效期届满。需要继续从事相关活动的，"
                "请在届满前向%(issuer)s申请延续。"
            ) % {
                "type": licence.licence_type.name,
                "number": licence.number,
                "date": licence.valid_until.isoformat(),
                "issuer": licence.issuer.name,
            }
            _notify(
                licence,
                _("电子证照即将到期：%(type)s") % {"type": licence.licence_type.name},
                body,
            )
            count += 1
    return count
