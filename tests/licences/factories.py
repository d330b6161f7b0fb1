"""Licence types and licences made directly, without issuing (no PDF rendering, no signing).

A `LicenceFactory` licence is a row as issuing leaves it — GB/T 36904 identifier, number, holder,
dates, data and a stored PDF file with its digest — but it is NOT signed: the file is a stand-in
(`licence_pdf`), the SM2 fields are placeholders and there is no seal or certificate, so
verifying it (by identifier or by file) does not find it authentic. Tests that verify, seal or
read a real licence PDF issue one through an approved case (`tests/licences/worlds.approved_case`).
"""

import datetime as dt
import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from govserve.licences.identifiers import build_identifier
from govserve.licences.models import Licence, LicenceStatus, LicenceType
from tests.accounts.factories import PersonFactory
from tests.regions.factories import DepartmentFactory, make_uscc

# 国家市场监督管理总局 stands in as the defining ministry (a valid USCC, 11 = 机关).
MINISTRY_USCC = make_uscc(10000001)


def licence_pdf(label: str) -> bytes:
    """Stands in for a signed licence PDF: distinct bytes per licence."""
    return b"%PDF-1.7\n% licence " + label.encode() + b"\n%%EOF\n"


class LicenceTypeFactory(factory.django.DjangoModelFactory):
    """食品经营许可证-like types, each with its own type code (ministry USCC + 3 digits).
    `items=[…]` links the items that issue it."""

    class Meta:
        model = LicenceType
        skip_postgeneration_save = True

    name = "食品经营许可证"
    type_code = factory.Sequence(lambda n: f"{MINISTRY_USCC}{(n % 899) + 101:03d}")
    ministry_name = "国家市场监督管理总局"
    validity_months = 60
    fields = factory.LazyFunction(
        lambda: [
            {"name": "business_address", "label": "经营场所", "kind": "text", "required": False},
            {"name": "business_scope", "label": "经营项目", "kind": "text", "required": False},
        ]
    )
    layout = factory.LazyFunction(lambda: {"title": "食品经营许可证", "orientation": "landscape"})

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.items.add(*extracted)


class LicenceFactory(factory.django.DjangoModelFactory):
    """Version `version` of licence `serial` of `licence_type`, issued by `issuer` to
    `holder_user` (a new citizen by default) or to `holder_organisation`; valid today for five
    years. Unsigned (see the module docstring); `pdf_content` chooses the stored file's bytes."""

    class Meta:
        model = Licence

    class Params:
        pdf_content = factory.LazyAttribute(lambda o: licence_pdf(f"{o.serial}.{o.version}"))

    licence_type = factory.SubFactory(LicenceTypeFactory)
    issuer = factory.SubFactory(DepartmentFactory)
    serial = factory.Sequence(lambda n: f"{n + 1:06d}")
    version = 1
    identifier = factory.LazyAttribute(
        lambda o: build_identifier(o.licence_type.type_code, o.issuer.uscc, o.serial, o.version)
    )
    number = factory.LazyAttribute(lambda o: f"JY{o.serial}{o.version:02d}")
    holder_organisation = None
    holder_user = factory.Maybe(
        "holder_organisation",
        yes_declaration=None,
        no_declaration=factory.SubFactory(PersonFactory),
    )
    holder_name = factory.LazyAttribute(
        lambda o: o.holder_organisation.name if o.holder_organisation else o.holder_user.real_name
    )
    holder_id_number = factory.LazyAttribute(
        lambda o: o.holder_organisation.uscc if o.holder_organisation else o.holder_user.id_number
    )
    issued_on = factory.LazyFunction(timezone.localdate)
    valid_from = factory.LazyAttribute(lambda o: o.issued_on)
    valid_until = factory.LazyAttribute(lambda o: o.issued_on + dt.timedelta(days=5 * 365))
    data = factory.LazyFunction(lambda: {"business_address": "广安区北辰街道建设路 1 号"})
    status = LicenceStatus.VALID
    supersedes = None
    pdf = factory.LazyAttribute(
        lambda o: ContentFile(o.pdf_content, name=f"licence-{o.serial}-{o.version}.pdf")
    )
    pdf_sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.pdf_content).hexdigest())
    signed_data = factory.LazyAttribute(lambda o: b'{"licence":"' + o.serial.encode() + b'"}')
    sm2_signature = bytes.fromhex("3044") + bytes(70)  # the shape of a DER signature, not one
