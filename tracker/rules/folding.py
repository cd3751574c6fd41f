"""Folding Vietnamese names for matching: "Phòng Cải cách hành chính" typed as "phong cai cach hanh chinh",
"Số hoá" as "Số hóa", "Ban Thi đua - Khen thưởng" as "Ban Thi đua, khen thưởng".

Why fold so far: the same unit is written a dozen ways across documents (case, doubled spaces, tone
marks placed on the other vowel — "hoá"/"hóa" — or left out by a keyboard without Vietnamese input).
Folding drops case, every diacritic (tone and vowel marks, "đ" → "d") and punctuation, so all these
spellings give one key. Used by the import (units and issuing bodies) and meant for search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

_MARKS = re.compile(r"[\u0300-\u036f]")
_NOT_WORD = re.compile(r"[^0-9a-z&]+")


def fold(text: str) -> str:
    """Lower case, no diacritics, ``đ`` → ``d``, punctuation → one space, trimmed. ``&`` is kept
    ("TT&TT")."""
    decomposed = unicodedata.normalize("NFD", text or "")
    bare = _MARKS.sub("", decomposed).replace("đ", "d").replace("Đ", "D")
    bare = unicodedata.normalize("NFC", bare).casefold()
    return _NOT_WORD.sub(" ", bare).strip()


# Words a written unit name carries that the list's name leaves out: "phòng CCVC Sở", "Văn phòng Sở
# Nội vụ", "Trung tâm Lưu trữ lịch sử tỉnh".
_TRAILING = re.compile(r"(?: (?:thuoc|cua|truc thuoc) so(?: \w+)*| so)$")
_PLACE = re.compile(r" (?:tinh|thanh pho|tp) [a-z ]+$")


def name_keys(name: str) -> set[str]:
    """The keys a listed name is found under: the folded name, and without a trailing place ("Sở Nội vụ
    tỉnh Bắc Giang" is also "Sở Nội vụ")."""
    key = fold(name)
    keys = {key} if key else set()
    bare = _PLACE.sub("", key)
    if bare and bare != key:
        keys.add(bare)
    return keys


def lookup_keys(text: str) -> list[str]:
    """The keys a written name is looked up under, most exact first."""
    key = fold(text)
    if not key:
        return []
    keys = [key]
    for variant in (_TRAILING.sub("", key), _PLACE.sub("", key), _PLACE.sub("", _TRAILING.sub("", key))):
        if variant and variant not in keys:
            keys.append(variant)
    return keys


@dataclass(frozen=True)
class Named:
    """One listed thing (a unit, an issuing body) and every name it goes by."""

    id: int
    names: tuple[str, ...]


@dataclass
class NameIndex:
    """Folded key → id. A key two things share is ambiguous and matches neither: we never guess."""

    keys: dict[str, int] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, items: Iterable[Named]) -> NameIndex:
        index = cls()
        for item in items:
            for name in item.names:
                for key in name_keys(name):
                    index.add(key, item.id)
        return index

    def add(self, key: str, ident: int) -> None:
        if key in self.ambiguous:
            return
        current = self.keys.get(key)
        if current is None:
            self.keys[key] = ident
        elif current != ident:
            del self.keys[key]
            self.ambiguous.add(key)

    def find(self, text: str) -> int | None:
        for key in lookup_keys(text):
            if key in self.keys:
                return self.keys[key]
        return None
