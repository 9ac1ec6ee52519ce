"""Parse, quote and compare entity tags: pure, standard library only."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Final

__all__ = [
    "ANY",
    "EntityTag",
    "Wildcard",
    "parse_etag",
    "parse_etag_list",
    "quote_etag",
    "strong_match",
    "weak_match",
]

# etagc = %x21 / %x23-7E / obs-text, the entity-tag grammar. Header values reach us as latin-1
# decoded str (PEP 3333), so obs-text (%x80-FF) is the code points U+0080-U+00FF.
_ETAGC: Final = r"\x21\x23-\x7e\x80-\xff"
_OPAQUE_RE: Final = re.compile(f"[{_ETAGC}]*")
# "W/" is case-sensitive (%s"W/"), so no re.IGNORECASE; the char class star keeps matching linear.
_ENTITY_TAG_RE: Final = re.compile(f'(W/)?"([{_ETAGC}]*)"')
# OWS = *( SP / HTAB ) (RFC 9110 §5.6.3); other whitespace is not part of the grammar.
_OWS: Final = " \t"


class Wildcard(enum.Enum):
    """The "*" member of If-Match / If-None-Match: any current representation."""

    ANY = "*"


ANY: Final = Wildcard.ANY


@dataclass(frozen=True, slots=True)
class EntityTag:
    """An entity-tag, `[W/]"opaque"`, as defined by RFC 9110 §8.8.3."""

    opaque: str
    weak: bool = False

    def __post_init__(self) -> None:
        """Reject an opaque-tag outside etagc so str() is a valid field."""
        _check_opaque(self.opaque)

    def __str__(self) -> str:
        """Serialize as the field value `"opaque"` or `W/"opaque"`."""
        return _quoted(self.opaque, self.weak)


def _check_opaque(opaque: str) -> None:
    if _OPAQUE_RE.fullmatch(opaque) is None:
        raise ValueError(
            f"opaque-tag {opaque!r} has a character outside etagc (%x21 / %x23-7E / %x80-FF)"
        )


def _quoted(opaque: str, weak: bool) -> str:
    return f'W/"{opaque}"' if weak else f'"{opaque}"'


def quote_etag(opaque: str, *, weak: bool = False) -> str:
    """Build an ETag field value; ValueError on a char outside the entity-tag's etagc."""
    # str(EntityTag(opaque, weak=weak)), checked as EntityTag checks it, without making one:
    # a list asks this of each item.
    _check_opaque(opaque)
    return _quoted(opaque, weak)


def parse_etag(value: str) -> EntityTag | None:
    """Parse one entity-tag (an ETag field value), None when malformed."""
    match = _ENTITY_TAG_RE.fullmatch(value.strip(_OWS))
    if match is None:
        return None
    return EntityTag(match.group(2), weak=match.group(1) is not None)


def parse_etag_list(value: str) -> tuple[EntityTag, ...] | Wildcard | None:
    """Parse If-Match / If-None-Match by their grammar: ANY, 1#entity-tag, None if malformed."""
    stripped = value.strip(_OWS)
    if stripped == "*":
        return ANY
    # Not split on ",": etagc includes ",", so a comma may sit inside an opaque-tag.
    tags: list[EntityTag] = []
    position = 0
    end = len(stripped)
    while position < end:
        position = _skip_ows(stripped, position)
        if position < end and stripped[position] == ",":
            # Recipients must accept and skip empty list elements (RFC 9110 §5.6.1.2).
            position += 1
            continue
        if position == end:
            break
        match = _ENTITY_TAG_RE.match(stripped, position)
        if match is None:
            # Also catches "*" among tags: "*" is only valid as the whole field value.
            return None
        tags.append(EntityTag(match.group(2), weak=match.group(1) is not None))
        position = _skip_ows(stripped, match.end())
        if position < end and stripped[position] != ",":
            return None
    # An empty value is not "#entity-tag with no members" here: a sender that means nothing
    # omits the field, so an empty one is a broken client and must not pass as a condition.
    return tuple(tags) if tags else None


def _skip_ows(value: str, position: int) -> int:
    end = len(value)
    while position < end and value[position] in _OWS:
        position += 1
    return position


def strong_match(a: EntityTag, b: EntityTag) -> bool:
    """Strong comparison: neither tag weak and the opaque-tags equal (RFC 9110 §8.8.3.2)."""
    return not a.weak and not b.weak and a.opaque == b.opaque


def weak_match(a: EntityTag, b: EntityTag) -> bool:
    """Weak comparison: the opaque-tags equal, weakness ignored."""
    return a.opaque == b.opaque
