"""What a Báo cáo says apart from its figures: the lines Nghị định 30/2020/NĐ-CP fixes, the period codes
the command line takes, the narrative văn phòng types, and the difference between an issued report's
figures and today's count of the same scope.

Pure: no Flask, no database. The figures themselves come from ``tasks.queries.summarize_by``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from tracker.rules.periods import Period, PeriodKind

# --------------------------------------------------------------------------- Nghị định 30 lines


def nd30_date(day: date) -> str:
    """ "ngày 05 tháng 02 năm 2024": a day below 10 and the months 1 and 2 take a leading zero (Nghị định
    30/2020, Phụ lục I, mục II.5), other months do not ("tháng 3", "tháng 12")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date_line(place: str, day: date) -> str:
    """ "Bắc Giang, ngày 05 tháng 02 năm 2024" (printed in italic under the national motto)."""
    return f"{place.strip()}, {nd30_date(day)}"


def number_line(serial: str, office_code: str, kind: str = "BC") -> str:
    """ "Số: 12/BC-SNV"; a draft leaves the serial blank for văn thư to fill in: "Số:      /BC-SNV"."""
    code = office_code.strip()
    suffix = f"/{kind}-{code}" if code else f"/{kind}"
    # No-break spaces: the blank văn thư writes the number in must not collapse.
    return f"Số: {serial.strip()}{suffix}" if serial.strip() else f"Số:{NBSP * 8}{suffix}"


def document_number(serial: str, office_code: str, kind: str = "BC") -> str:
    """The number as cited elsewhere: "12/BC-SNV" ("…/BC-SNV" while it has none)."""
    code = office_code.strip()
    return f"{serial.strip() or '…'}/{kind}-{code}" if code else f"{serial.strip() or '…'}/{kind}"


NBSP = "\u00a0"
SERIAL = re.compile(r"\d{1,6}")


def check_serial(serial: str) -> str | None:
    """Why a typed report serial cannot be used, or None. Serials are numbers (Nghị định 30: "số thứ tự
    đăng ký được đánh liên tục"), at most six digits."""
    text = (serial or "").strip()
    if not text:
        return "Vui lòng nhập số của báo cáo (ví dụ 12)."
    if not SERIAL.fullmatch(text):
        return f"Số báo cáo “{text}” không hợp lệ: chỉ gồm chữ số, ví dụ 12 (ký hiệu /BC-… được thêm tự động)."
    if int(text) == 0:
        return "Số báo cáo phải lớn hơn 0."
    return None


def recipient_lines(recipients: list[str], archive: str = "VT") -> list[str]:
    """The "Nơi nhận:" list: each "- …;", the last "- Lưu: VT, …." (Nghị định 30, Phụ lục I).

    Lines typed with or without the dash and the trailing punctuation come out the same; a typed
    "Lưu: …" line becomes the last one instead of a second one being added.
    """
    cleaned: list[str] = []
    keep = ""
    for raw in recipients:
        text = unicodedata.normalize("NFC", raw).strip().lstrip("-–•+* ").rstrip(" ;.,")
        if not text:
            continue
        if text.casefold().startswith("lưu"):
            keep = text.split(":", 1)[1].strip() if ":" in text else ""
            continue
        cleaned.append(f"- {text};")
    archive_text = keep or archive.strip() or "VT"
    return [*cleaned, f"- Lưu: {archive_text}."]


def signature_lines(title: str, deputy: bool, head_title: str = "GIÁM ĐỐC") -> list[str]:
    """The authority lines over the signature: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" when a deputy signs for
    the head (ký thay), else the signer's title alone ("GIÁM ĐỐC")."""
    title = title.strip().upper()
    if deputy:
        return [f"KT. {head_title.strip().upper()}", title]
    return [title]


# --------------------------------------------------------------------------- period codes

_CODE = re.compile(
    r"(?:(?P<q>Q|QUÝ)(?P<qi>[1-4])|(?P<m>M|T|THÁNG)(?P<mi>\d{1,2})|(?P<h>H1|6T|6M)|(?P<n>9T|9M)|(?P<y>Y|N|NĂM))"
    r"[-/ ]?(?P<year>\d{4})"
)


def parse_period_code(text: str) -> tuple[PeriodKind, int, int]:
    """(kind, year, index) from what the command line and the API take: "Q3-2024", "M05-2024" (or
    "T5-2024"), "H1-2024" (6 tháng), "9T-2024" (9 tháng), "Y-2024" or just "2024" (năm)."""
    raw = unicodedata.normalize("NFC", (text or "").strip()).upper()
    if re.fullmatch(r"\d{4}", raw):
        return PeriodKind.YEAR, int(raw), 1
    m = _CODE.fullmatch(raw)
    if m is None:
        raise ValueError(
            f"Kỳ báo cáo “{text}” không hợp lệ; dùng Q3-2024 (quý), M05-2024 (tháng), H1-2024 (6 tháng), "
            "9T-2024 (9 tháng) hoặc 2024 (năm)."
        )
    year = int(m["year"])
    if m["q"]:
        return PeriodKind.QUARTER, year, int(m["qi"])
    if m["m"]:
        month = int(m["mi"])
        if not 1 <= month <= 12:
            raise ValueError(f"Tháng {month} không tồn tại.")
        return PeriodKind.MONTH, year, month
    if m["h"]:
        return PeriodKind.HALF_YEAR, year, 1
    if m["n"]:
        return PeriodKind.NINE_MONTHS, year, 1
    return PeriodKind.YEAR, year, 1


def period_code(p: Period) -> str:
    """The inverse of ``parse_period_code``."""
    match p.kind:
        case PeriodKind.QUARTER:
            return f"Q{p.index}-{p.year}"
        case PeriodKind.MONTH:
            return f"M{p.index:02d}-{p.year}"
        case PeriodKind.HALF_YEAR:
            return f"H1-{p.year}"
        case PeriodKind.NINE_MONTHS:
            return f"9T-{p.year}"
    return f"Y-{p.year}"


def cutoff_errors(as_of: date | None, today: date, p: Period | None) -> dict[str, str]:
    """Why a cut-off (ngày chốt số liệu) cannot be used: missing, in the future (figures not yet known),
    or outside the chosen period (a report for Quý III is not counted on 20/10)."""
    if as_of is None:
        return {"as_of": "Vui lòng nhập ngày chốt số liệu (dd/mm/yyyy)."}
    if as_of > today:
        return {"as_of": f"Ngày chốt số liệu {as_of:%d/%m/%Y} ở sau ngày hôm nay ({today:%d/%m/%Y}): số liệu chưa có."}
    if p is not None and not p.start <= as_of <= p.end:
        return {
            "as_of": f"Ngày chốt số liệu {as_of:%d/%m/%Y} không nằm trong kỳ {p.label}; "
            "hãy chọn một ngày trong kỳ, hoặc bỏ chọn kỳ."
        }
    return {}


# --------------------------------------------------------------------------- narrative sections

BULLETS = ("-", "+", "•", "*", "–")
MAX_SECTION = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# A leaf of a report's figures as JSON holds it.
Scalar = int | float | str | None


@dataclass(frozen=True)
class Block:
    """One paragraph of a narrative section; ``marker`` is the bullet it was typed with ("-", "+"), or
    "" for a plain paragraph."""

    text: str
    marker: str = ""

    @property
    def line(self) -> str:
        return f"{self.marker} {self.text}" if self.marker else self.text


def clean_text(text: str) -> str:
    """NFC (so "ộ" typed as o + combining marks prints as one glyph), no control characters, Windows and
    old Mac line ends made plain."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def parse_narrative(text: str) -> list[Block]:
    """Plain paragraphs and bullet lists, as văn phòng types them: each line is a paragraph; a line
    starting with "-", "+", "•", "*" or "–" and a space is a list item (printed with "-" or "+" as
    typed, "•" and "*" as "-"); blank lines only separate."""
    blocks: list[Block] = []
    for raw in clean_text(text).split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        if len(line) > 1 and line[0] in BULLETS and line[1] == " ":
            marker = "+" if line[0] == "+" else "-"
            body = line[2:].strip()
            if body:
                blocks.append(Block(body, marker))
            continue
        blocks.append(Block(line))
    return blocks


def narrative_error(label: str, text: str) -> str | None:
    if len(clean_text(text)) > MAX_SECTION:
        return f"Mục “{label}” quá dài (tối đa {MAX_SECTION:,} ký tự).".replace(",", ".")
    return None


# --------------------------------------------------------------------------- changes after issue


@dataclass(frozen=True)
class Change:
    key: str
    issued: Scalar
    now: Scalar


def flatten(figures: Mapping[str, object], prefix: str = "") -> dict[str, Scalar]:
    """{"totals": {"done_on_time": 36}} -> {"totals.done_on_time": 36}; lists of rows are keyed by their
    ``key`` field (a unit's or plan's name), so a reordered table is not a change."""
    out: dict[str, Scalar] = {}
    for name, value in figures.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            out.update(flatten(value, key + "."))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    label = str(item.get("key", i))
                    out.update(flatten({k: v for k, v in item.items() if k != "key"}, f"{key}[{label}]."))
                else:
                    out[f"{key}[{i}]"] = _scalar(item)
        else:
            out[key] = _scalar(value)
    return out


def _scalar(value: object) -> Scalar:
    """A snapshot's leaf as JSON gave it: a number, a string or null (anything else compared as text)."""
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def changes(issued: Mapping[str, object], now: Mapping[str, object]) -> list[Change]:
    """Every figure that differs between the issued snapshot and a recount of the same scope and
    cut-off, in a stable order; a figure present on one side only is a change too."""
    a, b = flatten(issued), flatten(now)
    return [Change(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
