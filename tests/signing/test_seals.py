"""Department seals (电子印章): made once, drawn as a 42 mm red seal, bound to the department's SM2
certificate and signed by the platform's SM2 root; any change to the seal is found."""

import datetime as dt
import hashlib
import io
import shutil
import subprocess

import pytest
from PIL import Image

from govserve.signing import pki, seals
from govserve.signing.models import Algorithm, Seal, SealKind

pytestmark = pytest.mark.django_db


def test_a_department_seal_is_made_once_with_its_certificates(world):
    seal = seals.department_seal(world.market)
    assert seals.department_seal(world.market) == seal
    assert seal.name == "广安市广安区市场监督管理局行政审批专用章"
    assert seal.kind == SealKind.LICENSING
    assert seal.code.startswith(world.county.code[:6] + SealKind.LICENSING)
    assert seal.certificate == pki.signing_certificate(world.market, Algorithm.SM2)
    assert seal.maker_certificate == pki.root_certificate(Algorithm.SM2)
    assert seal.valid_from <= dt.date.today() <= seal.valid_until
    assert seal.valid_until.year - seal.valid_from.year == 3
    assert seals.verify_seal(seal) == []
    other = seals.department_seal(world.health)
    assert other.code != seal.code
    assert Seal.objects.count() == 2


def test_the_picture_is_a_transparent_red_42mm_round_seal(world):
    seal = seals.department_seal(world.market)
    picture = bytes(seal.picture)
    assert hashlib.sha256(picture).hexdigest() == seal.picture_sha256
    image = Image.open(io.BytesIO(picture))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.size == (496, 496)  # 42 mm at 300 dpi
    assert round(image.info["dpi"][0]) == 300
    assert image.getpixel((0, 0))[3] == 0, "transparent outside the ring"
    assert image.getpixel((248, 12))[:3] == (204, 0, 0), "red ring at the top"
    assert image.getpixel((248, 248))[:3] == (204, 0, 0), "the star in the centre"
    # The name along the arc: the upper half holds far more red than the star alone.
    red = sum(
        1 for x in range(40, 456, 4) for y in range(30, 180, 4) if image.getpixel((x, y))[3] > 128
    )
    assert red > 300


def test_a_changed_picture_or_validity_no_longer_verifies(world):
    seal = seals.department_seal(world.market)
    seal.picture = bytes(seal.picture)[:-10] + b"0123456789"
    assert "印章图片与印章信息不符（图片被替换或损坏）" in seals.verify_seal(seal)
    seal.refresh_from_db()
    seal.valid_until = seal.valid_until + dt.timedelta(days=3650)
    assert seals.verify_seal(seal) == ["制章者签名无效：印章信息被改动，或不是平台制作的印章"]
    seal.refresh_from_db()
    seal.picture = seals.seal_picture("伪造局")
    seal.picture_sha256 = hashlib.sha256(seal.picture).hexdigest()
    assert seals.verify_seal(seal) == ["制章者签名无效：印章信息被改动，或不是平台制作的印章"]


def test_validity_and_revocation_are_checked(world):
    seal = seals.department_seal(world.market)
    assert "印章已过有效期" in seals.verify_seal(seal, on=seal.valid_until + dt.timedelta(days=1))
    pki.revoke(seal.certificate, "印章注销")
    problems = seals.verify_seal(seal)
    assert any("吊销" in p for p in problems)
    # The department gets a new seal on a new certificate at its next use.
    fresh = seals.department_seal(world.market)
    assert fresh != seal and fresh.certificate != seal.certificate
    assert seals.verify_seal(fresh) == []


def test_rotation_gives_a_new_seal_and_the_old_one_stays_sound(world):
    old = seals.department_seal(world.market)
    pki.rotate(world.market, Algorithm.SM2)
    new = seals.department_seal(world.market)
    assert new != old and new.code != old.code
    assert seals.verify_seal(old) == [] and seals.verify_seal(new) == []


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl CLI not installed")
def test_the_maker_signature_verifies_with_openssl(world, tmp_path):
    seal = seals.department_seal(world.market)
    (tmp_path / "info.json").write_bytes(seals.seal_info(seal))
    (tmp_path / "sig").write_bytes(bytes(seal.maker_signature))
    (tmp_path / "maker.pem").write_bytes(pki.public_key_pem(seal.maker_certificate))
    out = subprocess.run(
        ["openssl", "dgst", "-sm3", "-verify", str(tmp_path / "maker.pem"),
         "-sigopt", "distid:1234567812345678", "-signature", str(tmp_path / "sig"),
         str(tmp_path / "info.json")],
        capture_output=True, check=False,
    )  # fmt: skip
    assert out.returncode == 0 and b"Verified OK" in out.stdout
