"""自然人注册 and profile changes: every bad input refused with a field message, nothing written."""

import pytest
from django.core.exceptions import ValidationError

from govserve.accounts import services
from govserve.accounts.models import AccountType, AssuranceLevel, SecurityEvent, User
from tests.accounts.factories import PersonFactory, make_resident_id

pytestmark = pytest.mark.django_db

ID = make_resident_id(1)


def register(**overrides):
    data = {
        "real_name": "王五",
        "id_number": ID,
        "mobile": "13812345678",
        "password": "Ga2024-service",
    }
    return services.register_person(**{**data, **overrides})


def errors(**overrides) -> dict:
    before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        register(**overrides)
    assert User.objects.count() == before, "nothing is written"
    return exc.value.message_dict


def test_register_person_self_declared():
    user = register(id_number=ID.lower()[:-1] + ID[-1].lower())
    assert (user.real_name, user.id_number, user.mobile) == ("王五", ID, "13812345678")
    # The login name is generated, not the mobile number: it shows unmasked in lists and logs.
    assert (
        user.username.startswith("u")
        and len(user.username) == 11
        and "13812345678" not in user.username
    )
    assert user.account_type == AccountType.PERSON
    assert user.assurance_level == AssuranceLevel.SELF_DECLARED
    assert user.check_password("Ga2024-service") and not user.is_staff


def test_register_with_own_username():
    assert register(username="wangwu").username == "wangwu"


def test_every_field_error_at_once():
    found = errors(real_name=" ", id_number="511602", mobile="123", password="123")
    assert found["real_name"] == ["请填写姓名"]
    assert "长度应为18位" in found["id_number"][0]
    assert "11位数字" in found["mobile"][0]
    assert found["password"]  # Django's validators: too short, entirely numeric


@pytest.mark.parametrize("password", ["12345678", "password", "Ga2"])
def test_weak_passwords_refused(password):
    assert "password" in errors(password=password)


def test_duplicate_id_number_refused():
    PersonFactory(id_number=ID)
    assert errors(mobile="13900000000")["id_number"] == ["该身份证号码已注册"]


def test_duplicate_mobile_refused():
    register()
    found = errors(id_number=make_resident_id(2), username="other")
    assert found == {"mobile": ["该手机号码已注册"]}


def test_duplicate_username_refused():
    register(username="wangwu")
    assert errors(id_number=make_resident_id(2), mobile="13900000000", username="WangWu") == {
        "username": ["该用户名已被使用"]
    }


def test_bad_birth_date_refused():
    from stdnum.cn import ric

    body = "51160219900230123"
    assert (
        "出生日期无效" in errors(id_number=body + ric.calc_check_digit(body + "0"))["id_number"][0]
    )


def test_update_profile(citizen):
    services.update_profile(citizen, mobile="139 0000 0000", email="a@example.invalid")
    citizen.refresh_from_db()
    assert (citizen.mobile, citizen.email) == ("13900000000", "a@example.invalid")
    with pytest.raises(ValidationError) as exc:
        services.update_profile(citizen, mobile="12", email="nope")
    assert set(exc.value.message_dict) == {"mobile", "email"}
    citizen.refresh_from_db()
    assert citizen.mobile == "13900000000"


def test_verified_name_cannot_be_changed_by_its_owner(citizen):
    citizen.assurance_level = AssuranceLevel.COUNTER_VERIFIED
    citizen.save()
    with pytest.raises(ValidationError) as exc:
        services.update_profile(citizen, real_name="别人")
    assert exc.value.message_dict == {"real_name": ["已核验身份的账户不能自行修改姓名"]}


def test_counter_verification(places, citizen):
    from django.core.exceptions import PermissionDenied

    from tests.accounts.worlds import make_staff

    clerk = make_staff("clerk", "clerk", places.county)
    reviewer = make_staff("reviewer", "reviewer", places.county, department=places.market)
    with pytest.raises(PermissionDenied, match="只有综合窗口受理人员"):
        services.verify_identity_at_counter(citizen, clerk=reviewer)
    person = services.verify_identity_at_counter(citizen, clerk=clerk)
    assert (
        person.assurance_level == AssuranceLevel.COUNTER_VERIFIED
        and person.assurance_verified_by == clerk
    )
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.IDENTITY_VERIFIED)
    assert (event.user, event.actor, event.detail["level_after"]) == (citizen, clerk, 2)
    with pytest.raises(ValidationError):
        services.verify_identity_at_counter(clerk, clerk=clerk)
