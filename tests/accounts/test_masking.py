from django.template import Context, Template

from govserve.accounts.masking import mask_id_number, mask_mobile, mask_name


def test_masks():
    assert mask_id_number("110101199003071234") == "1101**********1234"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_id_number(None) == mask_mobile("") == mask_name(None) == ""
    assert mask_id_number("1234") == "****"


def test_template_filters():
    html = Template(
        "{% load masking %}{{ id|mask_id }} {{ m|mask_mobile }} {{ n|mask_name }}"
    ).render(Context({"id": "110101199003071234", "m": "13812345678", "n": "张三"}))
    assert html == "1101**********1234 138****5678 张*"


def test_login_names_that_are_numbers_are_masked():
    from govserve.accounts.masking import mask_login_name

    assert mask_login_name("13812345678") == "138****5678"
    assert mask_login_name("11010119900307123X") == "1101**********123X"
    assert mask_login_name("zhangsan") == "zhangsan"
