"""Once only (免提交): a material whose source is a licence type is taken from the holder's
electronic licence instead of being asked of the applicant (State Council Decree 716).

`cases` cannot import this app; it calls `held_licence_materials` through the setting
``GOVSERVE["HELD_LICENCES"]`` (see cases/services.py): once to know which materials need no
upload (and why a licence the holder has cannot serve), and once more at submission with
``record_use=True``, when it attaches every returned licence and this side records the use.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from govserve.cases.models import Case
from govserve.catalog.models import ImplementationItem, Material

from .models import Licence, LicenceStatus, LicenceType, LicenceUse


class HeldLicences(list):
    """The usable ``(material, licence)`` pairs, one per material; `notes` maps a material's
    merge key to why the holder's licence of that type cannot be used (expired, revoked …)."""

    def __init__(self, pairs: Iterable[tuple[Material, Licence]] = (), notes=None) -> None:
        super().__init__(pairs)
        self.notes: dict[str, str] = dict(notes or {})


def licence_type_code(material: Material) -> str:
    """The licence type a material is (its standard material's 电子证照类型代码), or ""."""
    return (material.common.licence_type_code or "").strip() if material.common is not None else ""


def holder_licences(case: Case):
    """The licences of the case's holder: its organisation when it is filed for one, else the
    applicant's own (never a licence of someone else, nor a business's for a personal case)."""
    if case.organisation_id:
        return Licence.objects.filter(holder_organisation_id=case.organisation_id)
    return Licence.objects.filter(
        holder_user_id=case.applicant_id, holder_organisation__isnull=True
    )


def _note(case: Case, licence: Licence, status: str) -> str:
    params = {"name": str(licence)}
    if status == LicenceStatus.EXPIRED:
        text = _("您持有的电子证照“%(name)s”已过期，请上传材料或先办理延续")
    elif status == LicenceStatus.SUSPENDED:
        text = _("您持有的电子证照“%(name)s”已中止，请上传材料")
    else:
        text = _("您持有的电子证照“%(name)s”已撤销或失效，请上传材料")
    return text % params


def held_licence_materials(
    case: Case, materials: Iterable[Material], *, record_use: bool = False
) -> HeldLicences:
    """For each material with a licence type, the holder's current licence of that type if it
    `is_usable()` (valid today: not expired, suspended, revoked or superseded).

    `record_use=True`: the caller attaches every returned licence to the case (as its
    material); each is recorded as a use by the case's department (用证记录, visible to the
    holder) in the same transaction.
    """
    wanted = [(m, licence_type_code(m)) for m in materials]
    wanted = [(m, code) for m, code in wanted if code]
    if not wanted or not (case.applicant_id or case.organisation_id):
        return HeldLicences()
    # Newest first: the current version of each licence comes before older ones.
    rows = (
        holder_licences(case)
        .filter(licence_type__type_code__in={code for _m, code in wanted})
        .exclude(status=LicenceStatus.SUPERSEDED)
        .select_related("licence_type")
        .order_by("-issued_on", "-version", "-pk")
    )
    usable: dict[str, Licence] = {}
    unusable: dict[str, Licence] = {}
    for licence in rows:
        code = licence.licence_type.type_code
        if licence.is_usable():
            usable.setdefault(code, licence)
        else:
            unusable.setdefault(code, licence)
    found = HeldLicences()
    for material, code in wanted:
        if code in usable:
            found.append((material, usable[code]))
        elif code in unusable:
            licence = unusable[code]
            found.notes[material.merge_key] = _note(case, licence, licence.effective_status())
    if record_use:
        purpose = _("办件 %(number)s 申请材料") % {"number": case.number or case.pk}
        LicenceUse.objects.bulk_create(
            [
                LicenceUse(
                    licence=licence,
                    department_id=case.department_id,
                    channel=LicenceUse.Channel.CASE_MATERIAL,
                    purpose=purpose,
                    case=case,
                )
                for _material, licence in found
            ]
        )
    return found


def licences_issued_by(items: Iterable[ImplementationItem]) -> dict[str, set[int]]:
    """Licence type code → ids of those `items` that issue it (GOVSERVE["LICENCE_RESULTS"])."""
    issued: dict[str, set[int]] = {}
    links = LicenceType.items.through.objects.filter(
        implementationitem_id__in=[item.pk for item in items], licencetype__active=True
    ).values_list("licencetype__type_code", "implementationitem_id")
    for code, item_id in links:
        issued.setdefault(code, set()).add(item_id)
    return issued
