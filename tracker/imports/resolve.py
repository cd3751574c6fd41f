"""Turning what a document says into the tracker's things: units, issuing body, deadline dates.

Pure: the lists it matches against come in as ``Catalog`` (built by ``queries.catalog``). The result is
the preview's state — plain JSON, kept server-side in the draft and edited there until confirmed.
Nothing is guessed: a name that matches no unit, a group phrase, an unread deadline each leave a flag
the preview shows with the line or cell it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.imports.parse_deadlines import read_deadline
from tracker.imports.parse_model import ParsedDocument, ParsedTask
from tracker.imports.parse_units import GroupKind, group_kind, split_lead, split_units
from tracker.rules.folding import NameIndex, fold


@dataclass
class Catalog:
    units: NameIndex
    unit_names: dict[int, str]
    group_units: dict[str, list[int]]  # GroupKind value -> unit ids it expands to
    issuers: NameIndex
    issuer_codes: dict[str, int]  # folded code -> issuer id (unique codes only)
    people: NameIndex  # full name -> user id
    person_units: dict[int, int]  # user id -> unit id
    plans_by_number: dict[str, int] = field(default_factory=dict)  # parent plans we track
    office_unit: int | None = None  # the Văn phòng, the usual đơn vị theo dõi, đôn đốc


STATUS_WORDS = [
    ("da hoan thanh", "done"),
    ("hoan thanh", "done"),
    ("xong", "done"),
    ("dang thuc hien", "in_progress"),
    ("dang trien khai", "in_progress"),
    ("chua thuc hien", "not_started"),
    ("chua trien khai", "not_started"),
    ("huy", "cancelled"),
]


def read_status(text: str) -> str:
    key = fold(text)
    for word, status in STATUS_WORDS:
        if key.startswith(word) or key == word:
            return status
    return ""


def read_date(text: str) -> date | None:
    from tracker.rules.deadlines import DeadlineError, DeadlineKind, parse_deadline

    if not text.strip():
        return None
    try:
        rule = parse_deadline(text)
    except DeadlineError:
        return None
    if rule.kind is DeadlineKind.FIXED and rule.due and "/" in text:
        return rule.due
    return None


def _units(text: str, catalog: Catalog, groups: dict[str, Any]) -> tuple[list[int], list[str], list[str]]:
    """(unit ids, group keys, names that match nothing) a cell names."""
    ids: list[int] = []
    group_keys: list[str] = []
    unresolved: list[str] = []
    for name in split_units(text):
        kind = group_kind(name)
        unit_id = catalog.units.find(name)
        if unit_id is not None:
            if unit_id not in ids:
                ids.append(unit_id)
        elif kind is not None:
            key = fold(name)
            if key not in groups:
                groups[key] = {
                    "phrase": name,
                    "kind": kind.value,
                    "unit_ids": list(catalog.group_units.get(kind.value, [])) if kind is not GroupKind.RELATED else [],
                    "confirmed": False,
                }
            if key not in group_keys:
                group_keys.append(key)
        else:
            unresolved.append(name)
    return ids, group_keys, unresolved


def resolve_task(task: ParsedTask | dict[str, Any], catalog: Catalog, groups: dict[str, Any], year: int | None) -> dict[str, Any]:
    row = dict(task.__dict__ if isinstance(task, ParsedTask) else task)
    split = split_lead(row.get("lead_text", ""))
    lead_ids, lead_groups, lead_unresolved = _units(split.lead, catalog, groups)
    coop_text = "; ".join(t for t in (split.coop, row.get("coop_text", "")) if t)
    coop_ids, coop_groups, coop_unresolved = _units(coop_text, catalog, groups)
    assignee_id = None
    if row.get("person"):
        assignee_id = catalog.people.find(row["person"])
        if assignee_id is not None and not lead_ids and not lead_groups:
            lead_ids = [catalog.person_units[assignee_id]] if assignee_id in catalog.person_units else []
        elif assignee_id is None:
            lead_unresolved.append(row["person"])
    row.update(
        lead_unit_id=lead_ids[0] if len(lead_ids) == 1 and not lead_groups else None,
        lead_units=lead_ids if len(lead_ids) > 1 or lead_groups else [],
        lead_groups=lead_groups,
        coop_unit_ids=[u for u in coop_ids if u not in lead_ids],
        coop_groups=coop_groups,
        unresolved=lead_unresolved + coop_unresolved,
        unresolved_lead=lead_unresolved,
        assignee_id=assignee_id,
        status=read_status(row.get("status_text", "")),
        completed_on=(d.isoformat() if (d := read_date(row.get("completed_text", ""))) else None),
    )
    row["deadline"] = deadline_state(row.get("deadline_text", ""), year)
    return row


def deadline_state(phrase: str, year: int | None) -> dict[str, Any]:
    read = read_deadline(phrase, year)
    return {
        "phrase": read.phrase,
        "kind": read.kind.value,
        "date": read.due.isoformat() if read.due else None,
        "start_date": read.start.isoformat() if read.start else None,
        "explicit": read.explicit_due.isoformat() if read.explicit_due else None,
        "flag": read.flag,
        "note": read.note,
    }


def resolve(doc: ParsedDocument, catalog: Catalog, *, filename: str, kind: str) -> dict[str, Any]:
    year = int(doc.issued_on[:4]) if doc.issued_on else _year_from(doc)
    groups: dict[str, Any] = {}
    issuer_id = catalog.issuers.find(doc.issuer_text) if doc.issuer_text else None
    if issuer_id is None and doc.issuer_code:
        issuer_id = catalog.issuer_codes.get(fold(doc.issuer_code))
    parent_id = next((catalog.plans_by_number[n] for n in doc.parent_numbers if n in catalog.plans_by_number), None)
    tasks = [resolve_task(t, catalog, groups, year) for t in doc.tasks]
    return {
        "filename": filename,
        "kind": kind,
        "header": {
            "doc_type": doc.doc_type or "plan",
            "number": doc.number,
            "title": doc.title,
            "issuer_text": doc.issuer_text,
            "issuer_code": doc.issuer_code,
            "issuer_id": issuer_id,
            "issued_on": doc.issued_on,
            "issued_text": doc.issued_text,
            "year": year,
            "parent_numbers": doc.parent_numbers,
            "parent_id": parent_id,
            "parent_reference": doc.parent_text[:300],
            # Văn phòng by default, shown and changeable in the preview: it also answers for the
            # heading rows ("I. Công tác chỉ đạo") that group tasks of different units.
            "monitoring_unit_id": catalog.office_unit,
        },
        "tasks": tasks,
        "groups": groups,
        "indicators": [i.__dict__ for i in doc.indicators],
        "skipped": [s.__dict__ for s in doc.skipped],
        "warnings": list(doc.warnings),
    }


def _year_from(doc: ParsedDocument) -> int | None:
    import re

    for text in (doc.issued_text, doc.title, doc.number):
        m = re.search(r"\b(20\d\d)\b", text or "")
        if m:
            return int(m.group(1))
    return None


def lead_units(row: dict[str, Any], groups: dict[str, Any], heading_unit: int | None = None) -> list[int]:
    """The unit(s) a row is assigned to: the one picked, or those its text names (confirmed groups
    included); several: one sub-task per unit. A heading row over tasks of different units names
    none of its own: it is given ``heading_unit`` (the plan's monitoring unit), when there is one."""
    if row.get("lead_unit_id"):
        return [row["lead_unit_id"]]
    ids = list(row.get("lead_units") or [])
    for key in row.get("lead_groups") or []:
        group = groups.get(key)
        if group and group["confirmed"]:
            ids += [u for u in group["unit_ids"] if u not in ids]
    if not ids and heading_unit and not row.get("lead_text") and not row.get("lead_groups"):
        return [heading_unit]
    return ids


def coop_units(row: dict[str, Any], groups: dict[str, Any], lead: list[int]) -> list[int]:
    ids = list(row.get("coop_unit_ids") or [])
    for key in row.get("coop_groups") or []:
        group = groups.get(key)
        if group and group["confirmed"]:
            ids += [u for u in group["unit_ids"] if u not in ids]
    return [u for u in ids if u not in lead]


def pending_groups(row: dict[str, Any], groups: dict[str, Any]) -> list[str]:
    """The group phrases of a row still waiting for the user to say which units they mean."""
    keys = list(row.get("coop_groups") or [])
    if not row.get("lead_unit_id"):
        keys = list(row.get("lead_groups") or []) + keys
    return list(dict.fromkeys(groups[k]["phrase"] for k in keys if k in groups and not groups[k]["confirmed"]))
