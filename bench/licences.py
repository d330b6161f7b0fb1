"""Electronic licences (电子证照签发与核验): issues and verifications per second, as ratios.

Run by hand, on the embedded SQLite default or on PostgreSQL:

    .venv/bin/python bench/licences.py --issue 200 --verify 500
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/licences.py --issue 200 --verify 500

Everything runs in this process, one call at a time, through the licences services (no HTTP).
On SQLite the database is a throwaway file; on PostgreSQL a separate database (`--database`,
default govserve_bench_licences) is dropped and created on the server of DATABASE_URL. Files
(licence PDFs) go to a temporary GOVSERVE_VAR, the key-encryption key is a random one made for
the run (unless GOVSERVE_KEY_ENCRYPTION_KEY is set), e-mail goes to memory, DEBUG is off.

The data is made here: a county with one department (USCC, region), a citizen, a licence type
with two fields (one required) and a landscape layout. A warm-up issues a few licences first
(the platform CA's root, the department's ECDSA and SM2 certificates and its seal are made on
first use) and runs every operation a few times.

Then, in `--rounds` interleaved rounds (every operation in each round, so load from other
processes falls on all alike; ratios are taken within a round, the median is reported):

- baseline: `documents.render_licence_pdf(licence, seal)` — the same licence's PDF, unsigned
  (reportlab, the embedded CJK font subset, the vector QR code, the seal picture);
- issuing: `services.issue(...)` — serial under a row lock, identifier, render, PAdES signature
  (pyHanko, ECDSA P-256), SM2 signature of the signed payload (OpenSSL 3), the row, the PDF
  file, the event, the holder's notification, the archive entry, the commit;
- `verification.verify_identifier(identifier, token)` — what the QR code's page runs (the stored
  PDF's PAdES signature, SM2 signature, payload, certificate chains, seal, status);
- `verification.verify_pdf(pdf_bytes)` — an uploaded copy of an issued licence;
- `sm2.sign` and `sm2.verify` alone on a licence's signed payload, for reference.

`--issue` and `--verify` are totals over the rounds (the baseline runs `--verify` renders, the
SM2 lines `--sm2` each). Each issue and verification is broken down into its steps (p50 ms):
the functions the services call are wrapped with a timer for the run. Process RSS is printed
after the warm-up and after every round: it must stay flat. Afterwards, for comparison, the
same render with reportlab's `rl_config.useA85` off (GovServe leaves it on), and with
`--profile N` a cProfile of N issues and verifications (functions by own time).
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # _benchlib when run from elsewhere
from _benchlib import percentile, prepare_database, rss_mb, setup_django

POOL = 20  # licences the verifications cycle over
REST = "the rest"  # what no timer covers: for issuing, the rows, the event, the commit …
# Step timers: (module attribute path, label); filled while an operation runs.
ISSUE_STEPS = [
    ("documents.render_licence_pdf", "render PDF"),
    ("documents.qr_matrix", "QR code matrix (qrcode)"),
    ("signing.sign_pdf", "PAdES sign (pyHanko)"),
    ("signing.sm2_sign", "SM2 sign"),
    ("pki.signing_certificate", "certificate lookup"),
    ("pki.private_key_pem", "key unwrap (AES-GCM)"),
    ("FileSystemStorage._save", "PDF file write"),
    ("archive.append_licence", "archive entry"),
]
RENDER_STEPS = ISSUE_STEPS[:2]
VERIFY_STEPS = [
    ("signing.validate_pdf", "PAdES validation (pyHanko)"),
    ("signing.sm2_verify", "SM2 verify"),
    ("seals.verify_seal", "seal (maker signature)"),
    ("pki.check_chain", "certificate chains"),
]


class StepTimer:
    """Wraps functions so each call's time is added to the running operation's steps.

    Exclusive times: a wrapped call inside another (the chain check inside the seal check) is
    taken out of the outer one, so the steps and "the rest" add up to the total."""

    def __init__(self) -> None:
        self.current: dict[str, float] | None = None
        self.stack: list[list[float]] = []  # per open wrapped call: [time of nested calls]
        self.samples: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            if self.current is None:
                return original(*args, **kwargs)
            self.stack.append([0.0])
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                (nested,) = self.stack.pop()
                self.current[label] = self.current.get(label, 0.0) + elapsed - nested
                if self.stack:
                    self.stack[-1][0] += elapsed

        setattr(owner, name, timed)

    def run(self, op: str, function: Callable[[], object]) -> float:
        """Run `function`, record its total and its steps under `op`; return the seconds."""
        self.current, self.stack = {}, []
        started = time.perf_counter()
        try:
            function()
        finally:
            total = time.perf_counter() - started
            steps, self.current = self.current, None
        record = self.samples[op]
        record["total"].append(total)
        for label, seconds in steps.items():
            record[label].append(seconds)
        record[REST].append(total - sum(steps.values()))
        return total


def measure(label: str, op: Callable[[], object], n: int) -> dict:
    started = time.perf_counter()
    for _ in range(n):
        op()
    elapsed = time.perf_counter() - started
    return {"label": label, "count": n, "rate": n / elapsed}


def build_world():
    """A county department that issues, a citizen who holds, a licence type."""
    from govserve.licences.models import LicenceType
    from tests.accounts.factories import PersonFactory
    from tests.regions.factories import DepartmentFactory, make_uscc, sichuan_tree

    _province, _city, county, _town = sichuan_tree()
    department = DepartmentFactory(
        name="广安市广安区市场监督管理局",
        short_name="区市场监管局",
        region=county,
        uscc=make_uscc(30000001),
    )
    holder = PersonFactory(username="13900000001", real_name="王小明")
    licence_type = LicenceType.objects.create(
        name="食品经营许可证",
        type_code=make_uscc(10000001) + "001",
        ministry_name="国家市场监督管理总局",
        validity_months=60,
        fields=[
            {"name": "business_address", "label": "经营场所", "kind": "text", "required": True},
            {"name": "business_scope", "label": "经营项目", "kind": "text", "required": False},
        ],
        layout={
            "title": "食品经营许可证",
            "orientation": "landscape",
            "number_prefix": "JY",
            "note": "本证照依法签发，与纸质证照具有同等法律效力。",
        },
    )
    return department, holder, licence_type


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--issue", type=int, default=200, help="licences issued, all rounds")
    parser.add_argument(
        "--verify", type=int, default=500, help="verifications of each kind (and renders)"
    )
    parser.add_argument("--sm2", type=int, default=2000, help="SM2 signs and verifies")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up runs of each operation")
    parser.add_argument(
        "--database", default="govserve_bench_licences", help="PostgreSQL: database to (re)create"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        help="afterwards, cProfile this many issues and verifications (top functions printed)",
    )
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="govserve-bench-licences-")
    os.environ["GOVSERVE_VAR"] = tmp.name  # the licence PDFs, thrown away at the end
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("GOVSERVE_KEY_ENCRYPTION_KEY", base64.b64encode(os.urandom(32)).decode())
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        database, _existed = prepare_database(url, args.database)
    elif not url:
        database = f"sqlite:///{tmp.name}/bench.sqlite3"
    else:
        sys.exit("DATABASE_URL: PostgreSQL (postgres://…) or unset for SQLite")
    setup_django(database)

    import django
    from django.core.management import call_command
    from django.db import connection

    from govserve.audit import archive
    from govserve.licences import documents, qrlinks, services, verification
    from govserve.licences.models import Licence
    from govserve.signing import pki, seals, signing, sm2
    from govserve.signing.models import Algorithm

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        number = connection.cursor().connection.info.server_version
        version = f"PostgreSQL {number // 10000}.{number % 10000}"
    else:
        version = f"SQLite {connection.Database.sqlite_version} (file)"
    from importlib.metadata import version as package_version

    openssl = sm2._lib.OpenSSL_version_num()  # the libcrypto SM2 runs on (0xMNN00PP0)
    print(
        f"database {version}; {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"Django {django.get_version()}, pyHanko {package_version('pyhanko')}, "
        f"reportlab {package_version('reportlab')}, "
        f"OpenSSL {openssl >> 28}.{(openssl >> 20) & 0xFF}.{(openssl >> 4) & 0xFF} (SM2); "
        "DEBUG off; one process, one call at a time"
    )

    department, holder, licence_type = build_world()
    data = {
        "business_address": "广安市广安区北辰街道建设路 8 号",
        "business_scope": "预包装食品销售",
    }

    def issue() -> Licence:
        return services.issue(licence_type, issuer=department, holder_user=holder, data=dict(data))

    from django.core.files.storage import FileSystemStorage

    timer = StepTimer()
    modules = {
        "documents": documents,
        "signing": signing,
        "archive": archive,
        "pki": pki,
        "seals": seals,
        "FileSystemStorage": FileSystemStorage,
    }
    for path, label in dict.fromkeys(ISSUE_STEPS + VERIFY_STEPS):
        module, name = path.split(".")
        timer.wrap(modules[module], name, label)
    render = documents.render_licence_pdf  # the wrapped one: the baseline's own time is its total

    started = time.perf_counter()
    first = issue()  # the root, the department's certificates and its seal are made here
    print(
        f"first licence (CA root, department certificates, seal made): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
    reference = Licence.objects.select_related("licence_type", "issuer__region", "seal").get(
        pk=first.pk
    )
    sm2_certificate = pki.signing_certificate(department, Algorithm.SM2)
    sm2_private = pki.private_key_pem(sm2_certificate)
    sm2_public = pki.public_key_pem(sm2_certificate)
    payload = bytes(reference.signed_data)
    signature = sm2.sign(sm2_private, payload)

    # The verifications cycle over a fixed pool (the first licence and the warm-up's), read
    # once: keeping every issued PDF in memory would make the bench itself grow.
    issued: list[tuple[str, str, bytes]] = []  # identifier, QR token, PDF bytes

    def keep(licence: Licence) -> None:
        if len(issued) < POOL:
            with licence.pdf.open("rb") as handle:
                pdf = handle.read()
            issued.append((licence.identifier, qrlinks.token(licence.identifier), pdf))

    keep(reference)
    cursor = {"identifier": 0, "pdf": 0}

    def by_identifier() -> None:
        identifier, token, _pdf = issued[cursor["identifier"] % len(issued)]
        cursor["identifier"] += 1
        result = verification.verify_identifier(identifier, token)
        assert result.outcome == "authentic" and result.verdict == "ok", result.headline

    def by_pdf() -> None:
        _identifier, _token, pdf = issued[cursor["pdf"] % len(issued)]
        cursor["pdf"] += 1
        result = verification.verify_pdf(pdf)
        assert result.outcome == "authentic" and result.verdict == "ok", result.headline

    def sm2_verify() -> None:
        assert sm2.verify(sm2_public, payload, signature)

    ops: list[tuple[str, Callable[[], object], int]] = [
        (
            "baseline: render the licence PDF, unsigned",
            lambda: timer.run("render", lambda: render(reference, reference.seal)),
            args.verify,
        ),
        (
            "issue: services.issue (PDF + PAdES + SM2 + DB + archive)",
            lambda: timer.run("issue", lambda: keep(issue())),
            args.issue,
        ),
        (
            "verify by identifier (QR link)",
            lambda: timer.run("identifier", by_identifier),
            args.verify,
        ),
        ("verify an uploaded PDF", lambda: timer.run("pdf", by_pdf), args.verify),
        ("sm2.sign alone (signed payload)", lambda: sm2.sign(sm2_private, payload), args.sm2),
        ("sm2.verify alone", sm2_verify, args.sm2),
    ]

    # Warm-up: every operation, then forget its samples (and the issues' cost of the first).
    for _label, op, _n in ops:
        for _ in range(args.warmup):
            op()
    timer.samples.clear()
    rss = [rss_mb()]
    rounds = []
    for _ in range(args.rounds):
        rounds.append([measure(label, op, max(1, n // args.rounds)) for label, op, n in ops])
        rss.append(rss_mb())

    width = max(len(label) for label, _op, _n in ops) + 2
    print(
        f"\n{args.rounds} interleaved rounds; rates are medians over the rounds, ratios are "
        "taken within a round (rate / baseline rate)"
    )
    print(
        f"{'measurement':<{width}}  {'calls':>6}  {'per second':>10}  {'ms each':>8}  {'ratio':>7}"
    )
    for i, (label, _op, _n) in enumerate(ops):
        runs = [r[i] for r in rounds]
        rate = statistics.median(x["rate"] for x in runs)
        ratio = statistics.median(r[i]["rate"] / r[0]["rate"] for r in rounds)
        count = sum(x["count"] for x in runs)
        print(f"{label:<{width}}  {count:>6}  {rate:>10.1f}  {1000 / rate:>8.2f}  {ratio:>7.3f}")

    for op, title, steps in (
        ("render", "baseline render", RENDER_STEPS),
        ("issue", "issuing", ISSUE_STEPS),
        ("identifier", "verify by identifier", VERIFY_STEPS),
        ("pdf", "verify an uploaded PDF", VERIFY_STEPS),
    ):
        record = timer.samples[op]
        total = statistics.median(record["total"])
        print(
            f"\n{title}: p50 {total * 1000:.1f} ms, p95 "
            f"{percentile(record['total'], 95) * 1000:.1f} ms over {len(record['total'])} calls"
        )
        for _path, label in [*steps, (None, REST)]:
            if label not in record:
                continue
            values = record[label]
            p50 = statistics.median(values)
            print(
                f"  {label:<28} p50 {p50 * 1000:>7.2f} ms  ({p50 / total:>5.1%} of the p50)"
                f"{'' if len(values) == len(record['total']) else f', {len(values)} calls'}"
            )

    # For comparison (not what GovServe does): reportlab writes every stream ASCII85-encoded by
    # default (rl_config.useA85), in pure Python unless its optional C accelerator is installed.
    from reportlab import rl_config

    n = max(1, args.verify // args.rounds)
    plain = render(reference, reference.seal)
    baseline = measure("", lambda: render(reference, reference.seal), n)["rate"]
    rl_config.useA85 = 0
    try:
        binary = render(reference, reference.seal)
        without = measure("", lambda: render(reference, reference.seal), n)["rate"]
    finally:
        rl_config.useA85 = 1
    print(
        f"\nfor comparison, {n} renders each: {baseline:.1f}/s as GovServe renders "
        f"({len(plain) / 1024:.0f} KB), {without:.1f}/s with reportlab's useA85 off "
        f"({len(binary) / 1024:.0f} KB): ×{without / baseline:.2f}"
    )

    if args.profile:
        import cProfile
        import pstats

        for label, op, _n in ops[1:4]:
            profile = cProfile.Profile()
            profile.runcall(lambda op=op: [op() for _ in range(args.profile)])
            print(f"\ncProfile, {args.profile} × {label} (own time, top 20):")
            pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(20)

    print(f"\nlicences in the table: {Licence.objects.count()}")
    print(
        "RSS (MB) after the warm-up, then after each round: " + ", ".join(f"{x:.1f}" for x in rss)
    )
    connection.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
