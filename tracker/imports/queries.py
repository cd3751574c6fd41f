"""Reads for the import: the lists a document is matched against, drafts, sources kept with plans."""

from __future__ import annotations

from sqlalchemy import select

from tracker.accounts.models import Unit, UnitKind, User
from tracker.extensions import db
from tracker.imports.models import DraftStatus, ImportDraft, UnitAlias
from tracker.imports.parse_units import GroupKind
from tracker.imports.resolve import Catalog
from tracker.plans.models import Issuer, Plan
from tracker.rules.folding import Named, NameIndex, fold


def active_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.position, Unit.name)))


def catalog() -> Catalog:
    units = active_units()
    aliases: dict[int, list[str]] = {}
    for alias in db.session.scalars(select(UnitAlias)):
        aliases.setdefault(alias.unit_id, []).append(alias.alias)
    named = []
    for u in units:
        names = [u.name, *aliases.get(u.id, [])]
        if u.short_name:
            names += [u.short_name, f"{u.kind.label} {u.short_name}"]
        named.append(Named(u.id, tuple(names)))
    members = [u for u in units if u.kind is not UnitKind.DEPARTMENT]
    issuers = list(db.session.scalars(select(Issuer).where(Issuer.active.is_(True))))
    codes: dict[str, int] = {}
    dupes: set[str] = set()
    for i in issuers:
        key = fold(i.code)
        if key in codes:
            dupes.add(key)
        codes[key] = i.id
    people = list(db.session.scalars(select(User).where(User.active.is_(True), User.unit_id.is_not(None))))
    plans = db.session.execute(select(Plan.number, Plan.id)).all()
    by_number: dict[str, int] = {}
    for number, plan_id in plans:
        by_number.setdefault(number, plan_id)
    return Catalog(
        units=NameIndex.build(named),
        unit_names={u.id: u.name for u in units},
        group_units={
            GroupKind.ALL.value: [u.id for u in members],
            GroupKind.DIVISIONS.value: [u.id for u in members if u.kind in (UnitKind.DIVISION, UnitKind.OFFICE)],
        },
        issuers=NameIndex.build(Named(i.id, (i.name,)) for i in issuers),
        issuer_codes={k: v for k, v in codes.items() if k and k not in dupes},
        people=NameIndex.build(Named(p.id, (p.full_name,)) for p in people),
        person_units={p.id: p.unit_id for p in people if p.unit_id},
        plans_by_number=by_number,
        office_unit=offices[0] if len(offices := [u.id for u in units if u.kind is UnitKind.OFFICE]) == 1 else None,
    )


def plans_with_number(number: str) -> list[Plan]:
    if not number:
        return []
    return list(db.session.scalars(select(Plan).where(Plan.number == number)))


def source_of(plan_id: int) -> ImportDraft | None:
    return db.session.scalar(
        select(ImportDraft).where(ImportDraft.plan_id == plan_id, ImportDraft.status == DraftStatus.CONFIRMED)
    )


def recent_drafts(user: User, limit: int = 20) -> list[ImportDraft]:
    return list(
        db.session.scalars(
            select(ImportDraft)
            .where(ImportDraft.created_by_id == user.id)
            .order_by(ImportDraft.created_at.desc(), ImportDraft.id.desc())
            .limit(limit)
        )
    )


def aliases() -> list[UnitAlias]:
    return list(db.session.scalars(select(UnitAlias).join(UnitAlias.unit).order_by(Unit.name, UnitAlias.alias)))


def issuers() -> list[Issuer]:
    return list(db.session.scalars(select(Issuer).where(Issuer.active.is_(True)).order_by(Issuer.name)))


def plans() -> list[Plan]:
    return list(db.session.scalars(select(Plan).order_by(Plan.issued_on.desc(), Plan.id.desc()).limit(500)))
