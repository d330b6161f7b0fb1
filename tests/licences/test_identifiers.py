"""GB/T 36904 licence identifiers: built, parsed, and every wrong part named in Chinese."""

import random

import pytest
from django.core.exceptions import ValidationError
from stdnum.iso7064 import mod_37_36

from govserve.licences.identifiers import (
    ALPHABET,
    PREFIX,
    LicenceIdentifier,
    build_identifier,
    parse_identifier,
    validate_identifier,
)
from tests.regions.factories import make_uscc

MINISTRY = make_uscc(1)  # the ministry that defines the licence type
ISSUER = make_uscc(2)  # the department that issues it
TYPE_CODE = MINISTRY + "001"


def _bad_check_digit(uscc: str) -> str:
    return uscc[:-1] + ("0" if uscc[-1] != "0" else "1")


def _messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def _codes(excinfo) -> set[str]:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return set(error.error_dict)
    return {e.code for e in error.error_list}


def test_build_then_parse_round_trip():
    identifier = build_identifier(TYPE_CODE, ISSUER, "A0001", 1)
    assert identifier.startswith(PREFIX + TYPE_CODE + "." + ISSUER + ".A0001.001.")
    validate_identifier(identifier)
    parsed = parse_identifier(identifier)
    assert parsed == LicenceIdentifier(TYPE_CODE, ISSUER, "A0001", 1, identifier[-1])
    assert parsed.ministry_uscc == MINISTRY and parsed.type_sequence == "001"
    assert str(parsed) == identifier


def test_a_change_increases_the_version_and_the_check_character_follows():
    first = parse_identifier(build_identifier(TYPE_CODE, ISSUER, "A0001", 1))
    second = parse_identifier(build_identifier(TYPE_CODE, ISSUER, "A0001", 2))
    assert (first.version_code, second.version_code) == ("001", "002")
    assert second.check != first.check  # MOD 37,36 detects every single-character change


def test_spaces_and_lower_case_are_read_as_capitals():
    identifier = build_identifier(TYPE_CODE, ISSUER, "B7", 12)
    assert str(parse_identifier("  " + identifier.lower() + " ")) == identifier


def test_wrong_check_character_is_refused_naming_the_check_character():
    identifier = build_identifier(TYPE_CODE, ISSUER, "A0001", 1)
    wrong = ALPHABET[(ALPHABET.index(identifier[-1]) + 1) % 36]
    with pytest.raises(ValidationError) as excinfo:
        validate_identifier(identifier[:-1] + wrong)
    assert _codes(excinfo) == {"check"}
    assert f"校验位“{wrong}”不正确" in _messages(excinfo)
    assert f"应为“{identifier[-1]}”" in _messages(excinfo)


def test_altered_serial_is_caught_by_the_check_character():
    identifier = build_identifier(TYPE_CODE, ISSUER, "A0001", 1)
    with pytest.raises(ValidationError) as excinfo:
        validate_identifier(identifier.replace(".A0001.", ".A0002."))
    assert _codes(excinfo) == {"check"}


@pytest.mark.parametrize(
    ("mutate", "code", "words"),
    [
        (
            lambda s: s.replace("1.2.156.3005.2.", "1.2.156.3005.1.", 1),
            "prefix", "应以 1.2.156.3005.2. 开头",
        ),
        (lambda s: s + ".X", "format", "格式不正确"),
        (lambda s: s.rsplit(".", 1)[0], "format", "格式不正确"),
        (lambda s: s.replace(TYPE_CODE, MINISTRY + "01"), "type_code", "3 位顺序号"),
        (lambda s: s.replace(TYPE_CODE, MINISTRY + "0A1"), "type_code", "3 位顺序号"),
        (
            lambda s: s.replace(TYPE_CODE, _bad_check_digit(MINISTRY) + "001"),
            "type_code", "制定部门的统一社会信用代码有误",
        ),
        (
            lambda s: s.replace("." + ISSUER + ".", "." + ISSUER[:-1] + ".", 1),
            "issuer_uscc", "发证机构统一社会信用代码有误：应为 18 位",
        ),
        (
            lambda s: s.replace(ISSUER, _bad_check_digit(ISSUER), 1),
            "issuer_uscc", "不是有效的统一社会信用代码",
        ),
        (lambda s: s.replace(".A0001.", ".A-1.", 1), "serial", "证照序号"),
        (lambda s: s.replace(".A0001.", "..", 1), "serial", "证照序号"),
        (lambda s: s.replace(".001.", ".1.", 1), "version", "版本号"),
        (lambda s: s.replace(".001.", ".000.", 1), "version", "版本号"),
    ],
    ids=[
        "prefix", "extra-part", "missing-part", "type-short", "type-letter", "ministry-uscc",
        "issuer-short", "issuer-checksum", "serial-char", "serial-empty", "version-1-digit",
        "version-000",
    ],
)  # fmt: skip
def test_each_wrong_part_is_named(mutate, code, words):
    identifier = build_identifier(TYPE_CODE, ISSUER, "A0001", 1)
    with pytest.raises(ValidationError) as excinfo:
        validate_identifier(mutate(identifier))
    assert code in _codes(excinfo)
    assert words in _messages(excinfo)


@pytest.mark.parametrize("value", ["", "   ", None, 12345])
def test_empty_or_non_text_is_refused(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_identifier(value)
    assert _codes(excinfo) == {"prefix"}


def test_build_refuses_bad_parts_by_field():
    with pytest.raises(ValidationError) as excinfo:
        build_identifier(MINISTRY, ISSUER[:10], "A/1", 1000)
    assert _codes(excinfo) == {"type_code", "issuer_uscc", "serial", "version"}
    with pytest.raises(ValidationError) as excinfo:
        build_identifier(TYPE_CODE, ISSUER, "A1", 0)
    assert _codes(excinfo) == {"version"}


def test_property_random_serials_and_versions():
    rng = random.Random(36904)
    issuers = [make_uscc(n) for n in range(3, 13)]
    for _ in range(500):
        issuer = rng.choice(issuers)
        type_code = MINISTRY + f"{rng.randrange(1000):03d}"
        serial = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 32)))
        version = rng.randint(1, 999)
        identifier = build_identifier(type_code, issuer, serial, version)
        parsed = parse_identifier(identifier)
        assert (parsed.type_code, parsed.issuer_uscc, parsed.serial, parsed.version) == (
            type_code, issuer, serial, version,
        )  # fmt: skip
        body = type_code + issuer + serial + f"{version:03d}"
        assert mod_37_36.is_valid(body + parsed.check)
        # Any other check character is refused.
        other = rng.choice(ALPHABET.replace(parsed.check, ""))
        assert not mod_37_36.is_valid(body + other)
        with pytest.raises(ValidationError):
            validate_identifier(identifier[:-1] + other)
