import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc

from govserve.regions.admin import DepartmentForm
from govserve.regions.validators import validate_uscc
from tests.regions.factories import DepartmentFactory, sichuan_tree

REAL = "11511301008778183N"  # a real 机关 code from Sichuan


def with_gb32100_check(body17: str) -> str:
    return body17 + stdnum_uscc.calc_check_digit(body17)


def test_a_real_code_passes():
    assert validate_uscc(REAL) == REAL
    assert validate_uscc(REAL.lower()) == REAL


def test_wrong_check_character_is_reported_in_chinese():
    with pytest.raises(ValidationError) as exc:
        validate_uscc(REAL[:-1] + "M")
    assert exc.value.messages == [f"统一社会信用代码“{REAL[:-1]}M”无效：校验码错误"]


def test_wrong_length_is_reported():
    with pytest.raises(ValidationError, match="长度应为18位"):
        validate_uscc(REAL[:-1])


def test_organisation_code_check_digit_is_checked():
    # Characters 9-17 are 00877818 + check digit 3; a 4 there with a correct GB 32100
    # check character passes python-stdnum but not GB 11714.
    forged = with_gb32100_check(REAL[:16] + "4")
    assert stdnum_uscc.is_valid(forged)
    with pytest.raises(ValidationError) as exc:
        validate_uscc(forged)
    assert exc.value.code == "invalid_uscc_org"
    assert "组织机构代码校验位错误" in exc.value.messages[0]


@pytest.mark.django_db
def test_department_model_validates_its_code():
    department = DepartmentFactory.build(region=sichuan_tree()[2], uscc=REAL[:-1] + "M")
    with pytest.raises(ValidationError) as exc:
        department.full_clean()
    assert "校验码错误" in exc.value.message_dict["uscc"][0]


@pytest.mark.django_db
def test_admin_form_compacts_good_codes_and_reports_bad_ones():
    county = sichuan_tree()[2]
    data = {"name": "广安市广安区人民政府办公室", "region": county.pk, "level": 4}
    form = DepartmentForm(data={**data, "uscc": REAL.lower()})
    assert form.is_valid(), form.errors
    assert form.save().uscc == REAL

    form = DepartmentForm(
        data={**data, "name": "另一个部门", "uscc": with_gb32100_check(REAL[:16] + "4")}
    )
    assert not form.is_valid()
    assert "组织机构代码校验位错误" in form.errors["uscc"][0]

    form = DepartmentForm(data={**data, "name": "无代码部门", "uscc": ""})
    assert form.is_valid(), form.errors
    assert form.save().uscc is None
