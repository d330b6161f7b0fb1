"""法人注册 and who may act for an organisation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govserve.accounts import policies, services
from govserve.accounts.models import AssuranceLevel, Organisation, Representation, SecurityEvent
from tests.accounts.factories import PersonFactory, StaffFactory, make_company_uscc

pytestmark = pytest.mark.django_db

USCC = make_company_uscc(42)


@pytest.fixture
def company(places, citizen):
    return services.register_organisation(
        uscc=USCC, name="广安某某食品有限公司", kind="2", representative=citizen
    )


def test_register_organisation_with_legal_representative(places, citizen, company):
    assert company.region == places.county  # characters 3-8 of the code
    rep = Representation.objects.get(organisation=company)
    assert (rep.person, rep.kind, rep.granted_by) == (citizen, "legal", citizen)
    assert policies.is_legal_representative(citizen, company)
    assert policies.represented_organisation_ids(citizen) == {company.pk}
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.REPRESENTATION)
    assert (event.user, event.actor, event.detail["action"], event.detail["uscc"]) == (
        citizen,
        citizen,
        "registered",
        USCC,
    )


def test_register_organisation_as_agent(citizen):
    org = services.register_organisation(
        uscc=USCC, name="某公司", kind="2", representative=citizen, as_kind="agent"
    )
    assert org.representations.get().kind == "agent"
    assert not policies.is_legal_representative(citizen, org)


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"uscc": USCC[:-1] + ("0" if USCC[-1] != "0" else "1")}, "uscc", "校验码错误"),
        ({"uscc": "91511602"}, "uscc", "长度应为18位"),
        ({"name": " "}, "name", "请填写名称"),
        ({"kind": "9"}, "kind", "法人类型无效"),
        ({"as_kind": "boss"}, "as_kind", "身份应为"),
    ],
)
def test_register_organisation_refuses_bad_input(citizen, overrides, field, text):
    data = {"uscc": USCC, "name": "某公司", "kind": "2", "representative": citizen, **overrides}
    with pytest.raises(ValidationError) as exc:
        services.register_organisation(**data)
    assert text in " ".join(exc.value.message_dict[field])
    assert not Organisation.objects.exists() and not SecurityEvent.objects.exists()


def test_duplicate_organisation_refused(company, other_citizen):
    with pytest.raises(ValidationError) as exc:
        services.register_organisation(
            uscc=USCC.lower(), name="另一家", kind="2", representative=other_citizen
        )
    assert exc.value.message_dict == {"uscc": ["该统一社会信用代码已登记"]}


@pytest.mark.parametrize("who", ["staff", "unverified"])
def test_representative_must_be_a_registered_citizen(places, who):
    person = (
        StaffFactory() if who == "staff" else PersonFactory(assurance_level=AssuranceLevel.NONE)
    )
    with pytest.raises(ValidationError) as exc:
        services.register_organisation(uscc=USCC, name="某公司", kind="2", representative=person)
    assert exc.value.message_dict == {"representative": ["应为已实名注册的自然人"]}


def test_legal_representative_authorises_and_revokes_an_agent(company, citizen, other_citizen):
    until = timezone.now() + dt.timedelta(days=30)
    rep = services.authorise_agent(company, by=citizen, agent=other_citizen, valid_until=until)
    assert policies.represented_organisation_ids(other_citizen) == {company.pk}
    with pytest.raises(ValidationError, match="已是该法人的授权代理人"):
        services.authorise_agent(company, by=citizen, agent=other_citizen)
    services.revoke_representation(rep, by=citizen)
    assert policies.represented_organisation_ids(other_citizen) == set()
    with pytest.raises(ValidationError, match="该授权已撤销"):
        services.revoke_representation(rep, by=citizen)
    actions = list(
        SecurityEvent.objects.order_by("at", "id").values_list("detail__action", flat=True)
    )
    assert actions == ["registered", "authorised", "revoked"]


def test_only_the_legal_representative_authorises(company, citizen, other_citizen):
    agent = services.authorise_agent(company, by=citizen, agent=other_citizen)
    third = PersonFactory()
    with pytest.raises(PermissionDenied, match="只有该法人的现任法定代表人可以授权代理人"):
        services.authorise_agent(
            company, by=other_citizen, agent=third
        )  # an agent cannot sub-authorise
    with pytest.raises(PermissionDenied):
        services.authorise_agent(company, by=third, agent=third)
    with pytest.raises(PermissionDenied, match="只有该法人的现任法定代表人或代理人本人"):
        services.revoke_representation(agent, by=third)
    services.revoke_representation(agent, by=other_citizen)  # an agent may give it up


def test_agent_rules(company, citizen, places):
    with pytest.raises(ValidationError, match="法定代表人无需授权自己"):
        services.authorise_agent(company, by=citizen, agent=citizen)
    with pytest.raises(ValidationError) as exc:
        services.authorise_agent(company, by=citizen, agent=StaffFactory())
    assert exc.value.message_dict == {"agent": ["应为已实名注册的自然人"]}
    with pytest.raises(ValidationError) as exc:
        services.authorise_agent(
            company, by=citizen, agent=PersonFactory(), valid_until=timezone.now()
        )
    assert "valid_until" in exc.value.message_dict
    legal = Representation.objects.get(organisation=company, kind="legal")
    with pytest.raises(PermissionDenied, match="法定代表人变更须到窗口办理"):
        services.revoke_representation(legal, by=citizen)


def test_expired_agent_acts_no_more(company, citizen, other_citizen):
    rep = services.authorise_agent(
        company, by=citizen, agent=other_citizen, valid_until=timezone.now() + dt.timedelta(days=1)
    )
    Representation.objects.filter(pk=rep.pk).update(
        valid_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert policies.represented_organisation_ids(other_citizen) == set()
