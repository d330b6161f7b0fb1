"""The English catalog is complete, keeps every placeholder, is compiled, and is used.

Chinese is the platform's first language and every msgid is Chinese; English comes from
src/govserve/locale/en/LC_MESSAGES/django.po (and the committed django.mo, so a fresh
machine needs no gettext tools). The catalog is parsed here in plain Python.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from rest_framework.test import APIClient

import govserve
from govserve.catalog.codetables import CaseType, ItemType
from govserve.catalog.models import ImplementationItem
from govserve.catalog.rules import check_item

LC_MESSAGES = Path(govserve.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# %(name)s and friends, bare %s/%d, a literal %%, {name} (python-brace-format) and HTML tags.
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|%%"
    r"|\{[A-Za-z_][A-Za-z0-9_]*\}"
    r"|</?[a-zA-Z][^>]*>"
)


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def forms(self) -> list[str]:
        return [self.msgstr[k] for k in sorted(self.msgstr)]


def _unquote(text: str) -> str:
    """A PO string literal ("…" with C escapes) as Python text."""
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a PO file (obsolete #~ entries are skipped); the header is msgid ""."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # which string a continuation line extends

    def finish():
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if current is not None and (current.msgid or current.msgstr):
                finish()
            current = current or Entry(line=number)
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            assert current is not None and target is not None, f"{path}:{number}: stray string"
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and current is not None and current.msgstr:
            finish()  # a new entry started without a blank line
        current = current or Entry(line=number)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, _unquote(rest))
            target = (keyword, None)
        elif keyword == "msgstr":
            current.msgstr[0] = _unquote(rest)
            target = ("msgstr", 0)
        elif m := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            current.msgstr[int(m[1])] = _unquote(rest)
            target = ("msgstr", int(m[1]))
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def catalog() -> list[Entry]:
    return parse_po(PO_PATH)


@pytest.fixture(scope="module")
def messages(catalog) -> list[Entry]:
    """Every entry but the header."""
    return [e for e in catalog if e.msgid]


def where(entry: Entry) -> str:
    return f"django.po:{entry.line} {entry.msgid!r}"


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_catalog_is_english_with_two_plural_forms(catalog):
    header = next(e for e in catalog if not e.msgid and e.msgctxt is None)
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == "en"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"].startswith("nplurals=2;")


def test_catalog_covers_the_platform(messages):
    assert len(messages) > 100


def test_no_untranslated_entries(messages):
    untranslated = [
        where(e)
        for e in messages
        if not e.forms
        or any(not form.strip() for form in e.forms)
        or (e.msgid_plural is not None and sorted(e.msgstr) != [0, 1])
    ]
    assert untranslated == []


def test_no_fuzzy_entries(catalog):
    assert [where(e) for e in catalog if "fuzzy" in e.flags] == []


def test_translations_are_english(messages):
    assert [where(e) for e in messages if any(HAN.search(form) for form in e.forms)] == []


def test_every_translation_keeps_the_placeholders(messages):
    broken = []
    for entry in messages:
        expected = placeholders(entry.msgid)
        if entry.msgid_plural is not None:
            expected |= placeholders(entry.msgid_plural)
        for form in entry.forms:
            if placeholders(form) != expected:
                broken.append(f"{where(entry)}: {sorted(placeholders(form))} != {sorted(expected)}")
    assert broken == []


def test_compiled_catalog_matches_the_po(messages):
    """django.mo is committed; it must be compiled from the current django.po."""
    with MO_PATH.open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = []
    for entry in messages:
        if entry.msgctxt is not None:
            continue
        if entry.msgid_plural is None:
            if mo.gettext(entry.msgid) != entry.msgstr[0]:
                stale.append(where(entry))
        elif (
            mo.ngettext(entry.msgid, entry.msgid_plural, 1) != entry.msgstr[0]
            or mo.ngettext(entry.msgid, entry.msgid_plural, 2) != entry.msgstr[1]
        ):
            stale.append(where(entry))
    assert stale == [], "run: cd src/govserve && govserve compilemessages -l en"


def test_key_messages_in_english():
    message = "承诺办结时限（%(promised)s个工作日）不能超过法定办结时限（%(statutory)s个工作日）"
    with translation.override("en"):
        english = translation.gettext(message) % {"promised": 30, "statutory": 20}
        errors = check_item({"statutory_limit_days": 20, "promised_limit_days": 30})
        fully_online = str(ImplementationItem._meta.get_field("fully_online").verbose_name)
        licensing = str(ItemType.LICENSING.label)
        immediate = str(CaseType.IMMEDIATE.label)
        one = translation.ngettext("%(counter)s 次", "%(counter)s 次", 1) % {"counter": 1}
        two = translation.ngettext("%(counter)s 次", "%(counter)s 次", 2) % {"counter": 2}
    assert "statutory" in english.lower() and "30" in english and "20" in english
    assert not HAN.search(english)
    assert any("statutory" in m.lower() for m in errors["promised_limit_days"])
    assert fully_online.lower() == "fully online"
    assert "licens" in licensing.lower()
    assert "spot" in immediate.lower()
    assert not HAN.search(one + two) and one != two


def test_chinese_stays_the_default():
    message = "承诺办结时限（%(promised)s个工作日）不能超过法定办结时限（%(statutory)s个工作日）"
    with translation.override("zh-hans"):
        assert translation.gettext(message) == message
        assert str(ItemType.LICENSING.label) == "行政许可"


def _title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "page has a <title>"
    return match[1].strip()


@pytest.mark.django_db
def test_home_page_in_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    title = _title(response)
    assert title and not HAN.search(title)
    assert '<html lang="en">' in response.content.decode()

    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert HAN.search(_title(chinese))


@pytest.mark.django_db
def test_api_field_errors_in_english():
    user = get_user_model().objects.create_superuser(
        "i18n-admin", "i18n@example.invalid", "pw-Str0ng!"
    )
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/items/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert isinstance(body, dict) and body
    texts = [m for value in body.values() for m in (value if isinstance(value, list) else [value])]
    assert all(isinstance(t, str) for t in texts)
    assert "This field is required." in texts
    assert "This field is required." in body.get("name", [])
    assert not any(HAN.search(t) for t in texts)
