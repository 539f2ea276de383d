"""The public directory's search: every published listing, read once per change of what is
published and kept in the cache, filtered in memory by the visitor's choices. The cache key
carries the sum of the profiles' `public_version`s and their number, so a publication or a
withdrawal shows at once on every server process."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Sum

from ketacare.directory.listing import LANGUAGE_LABELS, ROUTE_LABELS, Listing
from ketacare.directory.models import ClinicProfile

CACHE_SECONDS = 3600
FLAGS = {
    "accepting": "accepting_new_patients",
    "telehealth": "telehealth",
    "rems": "rems_certified",
}
TEXT_MAX = 80


class SearchRefused(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Search:
    """What a visitor asked for; empty values ask for nothing."""

    state: str = ""
    city: str = ""
    route: str = ""
    language: str = ""
    accepting: bool = False
    telehealth: bool = False
    rems: bool = False

    def matches(self, listing: "Card") -> bool:
        return (
            (not self.state or listing.state.casefold() == self.state.casefold())
            and (not self.city or listing.city.casefold() == self.city.casefold())
            and (not self.route or self.route in listing.routes)
            and (not self.language or self.language in listing.languages)
            and all(getattr(listing, flag) for name, flag in FLAGS.items() if getattr(self, name))
        )


def _choice(params: Mapping[str, str], name: str, allowed: dict[str, str]) -> str:
    value = params.get(name, "")
    if value and value not in allowed:
        raise SearchRefused(name, f"{name}: allowed values are {', '.join(allowed)}.")
    return value


def _text(params: Mapping[str, str], name: str) -> str:
    value = params.get(name, "").strip()
    if len(value) > TEXT_MAX:
        raise SearchRefused(name, f"{name}: at most {TEXT_MAX} characters.")
    return value


def _flag(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name, "")
    if value not in ("", "1"):
        raise SearchRefused(name, f"{name}: allowed values are 1 (or leave it out).")
    return value == "1"


def search_from(params: Mapping[str, str]) -> Search:
    """The visitor's search from the query string; a value outside the choices is refused,
    naming the field and what it allows."""
    return Search(
        state=_text(params, "state"),
        city=_text(params, "city"),
        route=_choice(params, "route", ROUTE_LABELS),
        language=_choice(params, "language", LANGUAGE_LABELS),
        **{name: _flag(params, name) for name in FLAGS},
    )


def _version() -> str:
    # Every publication or withdrawal raises its profile's `public_version` in its own
    # transaction, so the sum moves with every change committed, whatever the clocks say.
    seen = ClinicProfile.objects.aggregate(versions=Sum("public_version"), n=Count("pk"))
    return f"directory:{seen['versions'] or 0}:{seen['n']}"


@dataclass(frozen=True, slots=True)
class Card:
    """What the directory shows and searches of a listing (kept small: the cache holds one
    for every published clinic, read on each search)."""

    name: str
    slug: str
    city: str
    state: str
    routes: tuple[str, ...]
    languages: tuple[str, ...]
    accepting_new_patients: bool
    telehealth: bool
    rems_certified: bool

    @property
    def route_labels(self) -> list[str]:
        return [ROUTE_LABELS[route] for route in self.routes]

    @property
    def language_labels(self) -> list[str]:
        return [LANGUAGE_LABELS[code] for code in self.languages]


def _card(live: dict[str, Any]) -> tuple[Any, ...]:
    listing = Listing.from_facts(live)
    return (listing.name, listing.slug, listing.city, listing.state, tuple(listing.routes),
            tuple(listing.languages), listing.accepting_new_patients, listing.telehealth,
            listing.rems_certified)  # fmt: skip


def all_listings() -> list[Card]:
    """Every published listing by name: one query when the cache holds them, two when not."""
    key = _version()
    cards = cache.get(key)
    if cards is None:
        rows = ClinicProfile.objects.filter(live__isnull=False).values_list("live", flat=True)
        cards = sorted(
            (_card(live) for live in rows if live), key=lambda c: (c[0].casefold(), c[1])
        )
        cache.set(key, cards, CACHE_SECONDS)
    return [Card(*card) for card in cards]


def places(listings: list[Card]) -> list[tuple[str, list[str]]]:
    """The states listed, each with its cities, for the search form's choices."""
    by_state: dict[str, set[str]] = {}
    for listing in listings:
        if listing.state:
            by_state.setdefault(listing.state, set()).add(listing.city)
    return [(state, sorted(c for c in cities if c)) for state, cities in sorted(by_state.items())]
