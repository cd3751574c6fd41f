"""What the preview and the JSON show of a draft's state, computed once here so that the template and
the command line only print it: rows in tree order with their depth, names and flags; counts; the
document as the ``--json`` shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.imports.parse_deadlines import FLAG_LABELS
from tracker.imports.resolve import coop_units, lead_units, pending_groups
from tracker.rules.deadlines import DeadlineKind


def fmt_iso(iso: str | None) -> str:
    if not iso:
        return ""
    d = date.fromisoformat(iso)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


@dataclass
class PreviewRow:
    key: str
    depth: int
    row: dict[str, Any]
    lead_names: list[str]
    heading_default: bool
    coop_names: list[str]
    pending_groups: list[str]
    deadline_label: str
    deadline_date: str
    flags: list[str] = field(default_factory=list)
    split: bool = False

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def tree_order(tasks: list[dict]) -> list[tuple[int, dict]]:
    keys = {t["key"] for t in tasks}
    children: dict[str | None, list[dict]] = {}
    for t in tasks:
        children.setdefault(t.get("parent") if t.get("parent") in keys else None, []).append(t)
    out: list[tuple[int, dict]] = []

    def walk(parent: str | None, depth: int) -> None:
        for t in children.get(parent, []):
            out.append((depth, t))
            walk(t["key"], depth + 1)

    walk(None, 0)
    return out


def preview_rows(state: dict[str, Any], unit_names: dict[int, str]) -> list[PreviewRow]:
    groups = state["groups"]
    with_children = {t.get("parent") for t in state["tasks"]}
    rows: list[PreviewRow] = []
    for depth, row in tree_order(state["tasks"]):
        is_heading = row["key"] in with_children
        lead = lead_units(row, groups, state["header"].get("monitoring_unit_id") if is_heading else None)
        coop = coop_units(row, groups, lead)
        pending = pending_groups(row, groups)
        flags: list[str] = []
        if not lead and not pending:
            flags.append(
                "Chưa xác định đơn vị chủ trì"
                + (
                    f" (“{', '.join(row.get('unresolved_lead') or [])}” không có trong danh mục)"
                    if row.get("unresolved_lead")
                    else ""
                )
            )
        unknown_coop = [n for n in row.get("unresolved") or [] if n not in (row.get("unresolved_lead") or [])]
        if unknown_coop:
            flags.append(f"Đơn vị không có trong danh mục: {', '.join(unknown_coop)}")
        if pending:
            flags.append(f"Nhóm đơn vị cần xác nhận: {', '.join(dict.fromkeys(pending))}")
        d = row["deadline"]
        if d["flag"]:
            flags.append(FLAG_LABELS.get(d["flag"], d["note"]) if d["flag"] != "invalid" else d["note"])
        kind = DeadlineKind(d["kind"])
        rows.append(
            PreviewRow(
                key=row["key"],
                depth=depth,
                row=row,
                lead_names=[unit_names.get(u, f"#{u}") for u in lead],
                heading_default=is_heading and not row.get("lead_unit_id") and not lead_units(row, groups),
                coop_names=[unit_names.get(u, f"#{u}") for u in coop],
                pending_groups=list(dict.fromkeys(pending)),
                deadline_label=kind.label,
                deadline_date=fmt_iso(d.get("date")),
                flags=flags,
                split=len(lead) > 1 and row["key"] not in with_children,
            )
        )
    return rows


@dataclass
class Counts:
    tasks: int
    duties: int
    split_children: int
    flagged: int
    indicators: int
    skipped: int


def counts(rows: list[PreviewRow], state: dict[str, Any]) -> Counts:
    return Counts(
        tasks=sum(1 for r in rows if not r.row.get("duty")),
        duties=sum(1 for r in rows if r.row.get("duty")),
        split_children=sum(len(r.lead_names) for r in rows if r.split),
        flagged=sum(1 for r in rows if r.flagged),
        indicators=len(state["indicators"]),
        skipped=len(state["skipped"]),
    )


def as_json(state: dict[str, Any], unit_names: dict[int, str], issuer_names: dict[int, str]) -> dict[str, Any]:
    """The parse as the command line's and the API's JSON."""
    rows = preview_rows(state, unit_names)
    header = state["header"]
    nodes: dict[str, dict] = {}
    roots: list[dict] = []
    duties: list[dict] = []
    unresolved: list[dict] = []
    for r in rows:
        d = r.row["deadline"]
        node = {
            "key": r.key,
            "ordinal": r.row.get("ordinal") or "",
            "title": r.row["title"],
            "lead_unit": r.lead_names[0] if len(r.lead_names) == 1 else None,
            "lead_units": r.lead_names,
            "cooperating_units": r.coop_names,
            "deadline": {"kind": d["kind"], "date": d.get("date"), "phrase": d["phrase"], "flag": d["flag"] or None},
            "start_date": d.get("start_date"),
            "product": r.row.get("product") or "",
            "source": r.row["source"],
            "children": [],
        }
        nodes[r.key] = node
        for flag in r.flags:
            unresolved.append({"key": r.key, "source": r.row["source"], "title": r.row["title"][:80], "problem": flag})
        if r.row.get("duty"):
            duties.append(node)
        elif r.row.get("parent") in nodes:
            nodes[r.row["parent"]]["children"].append(node)
        else:
            roots.append(node)
    for s in state["skipped"]:
        unresolved.append({"key": None, "source": s["source"], "title": s["text"][:80], "problem": s["reason"]})
    return {
        "number": header.get("number") or None,
        "doc_type": header.get("doc_type"),
        "title": header.get("title"),
        "issuer": issuer_names.get(header.get("issuer_id")) if header.get("issuer_id") else None,
        "issuer_text": header.get("issuer_text") or None,
        "issued_on": header.get("issued_on"),
        "parent_plan_numbers": header.get("parent_numbers") or [],
        "tasks": roots,
        "reporting_duties": duties,
        "indicator_candidates": state["indicators"],
        "unresolved": unresolved,
        "warnings": state["warnings"],
    }
