"""What editors do beyond create and update: spot duplicates, merge actors, end initiatives, review proposals.

Pure domain code on a store: called by the form pages and the CLI, never importing Flask.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date
from difflib import SequenceMatcher

from graphsvc.model import messages as msg
from graphsvc.model.accounts import PROPOSAL_KINDS, Proposal, new_id, now
from graphsvc.model.entities import Actor, Initiative, Page
from graphsvc.model.errors import Conflict, Invalid, Problem
from graphsvc.model.serialize import initiative_to_dict
from graphsvc.model.validation import MAX_TEXT, parse_actor, parse_date_param, parse_initiative
from graphsvc.services import graph as svc
from graphsvc.storage.base import ActorFilter, InitiativeFilter, Store

#: Suggestions below this score are not shown; at or above LIKELY, saving asks for confirmation.
SUGGEST_AT = 0.6
LIKELY_DUPLICATE_AT = 0.8
_WORD = re.compile(r"\w+")


def name_tokens(name: str) -> list[str]:
    """Words of a name, case- and accent-folded: ``"Drammen Bibliotek, hovedbiblioteket"`` →
    ``["drammen", "bibliotek", "hovedbiblioteket"]``."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return _WORD.findall(folded)


def similarity(a: str, b: str) -> float:
    """How alike two actor names are, 0–1: the better of a character ratio and word containment.

    A name whose every word is in the other (``"Drammen bibliotek"`` in
    ``"Drammen bibliotek, hovedbiblioteket"``) scores at least 0.85.

    >>> round(similarity("Drammen Bibliotek", "Drammen bibliotek, hovedbiblioteket"), 2)
    0.85
    >>> similarity("Røde Kors Drammen", "Røde kors  drammen")
    1.0
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return 0.0
    ratio = SequenceMatcher(None, " ".join(ta), " ".join(tb)).ratio()
    short, long_ = (set(ta), set(tb)) if len(set(ta)) <= len(set(tb)) else (set(tb), set(ta))
    contained = 0.85 if short <= long_ and (len(short) >= 2 or len(long_) == 1) else 0.0
    return max(ratio, contained)


def similar_actors(store: Store, name: str, *, municipality: str | None = None, exclude: str | None = None,
                   limit: int = 5) -> list[tuple[Actor, float]]:
    """Stored actors whose names look like ``name``, best first, each with its score.

    Candidates are the actors sharing a word of three letters or more with the name (the store's
    name filter), so this stays fast on large networks; the same municipality breaks ties. A name
    longer than a name may be (``MAX_TEXT``) is no one's: nothing is compared (``SequenceMatcher``
    is quadratic, and a form is posted before it is validated).
    """
    if len(name) > MAX_TEXT and len(" ".join(name.split())) > MAX_TEXT:  # as validation counts it
        return []
    words = sorted({w for w in name_tokens(name) if len(w) >= 3}, key=len, reverse=True)[:4]
    candidates: dict[str, Actor] = {}
    for word in words:
        for actor in store.list_actors(ActorFilter(q=word), limit=200).items:
            candidates[actor.id] = actor
    scored = []
    for actor in candidates.values():
        if actor.id == exclude:
            continue
        score = similarity(name, actor.name)
        if score >= SUGGEST_AT:
            same_place = bool(municipality and " ".join(municipality.casefold().split()) == " ".join(
                actor.municipality.casefold().split()))
            scored.append((score, same_place, actor))
    scored.sort(key=lambda t: (-t[0], not t[1], t[2].name))
    return [(actor, score) for score, _, actor in scored[:limit]]


# -- initiatives ------------------------------------------------------------------------------
def end_initiative(store: Store, initiative_id: str, ended: str | date | None, *, by: str | None = None) -> Initiative:
    """Set (or clear, with None) the end date; the same rules as any update apply."""
    current = store.get_initiative(initiative_id)
    if isinstance(ended, str):
        ended = parse_date_param(ended, "ended")
    data = initiative_to_dict(current)
    data["ended"] = ended.isoformat() if ended else None
    return svc.update_initiative(store, initiative_id, data, by=by)


def duplicate_initiatives(store: Store, data) -> list[Initiative]:
    """``same_initiatives`` for raw input (a form's or the API's dict); [] while it is not valid yet."""
    known = store.existing_actor_ids(svc.partner_ids(data))
    try:
        initiative = parse_initiative(data, known_actor_ids=known, require_id=False)
    except Invalid:
        return []
    return svc.same_initiatives(store, initiative, exclude=initiative.id or None)


def find_initiatives(store: Store, flt: InitiativeFilter = InitiativeFilter(), *, q: str = "",
                     ended: bool | None = None, limit: int = 50, offset: int = 0) -> Page:
    """Initiatives for the list page: the store's filter, plus words of the title (``q``, case- and
    accent-folded, all must occur) and ongoing (``ended=False``) or ended (``ended=True``) today."""
    words = name_tokens(q)
    if not words and ended is None:
        return store.list_initiatives(flt, limit=limit, offset=offset)
    today = date.today()
    if ended is False and flt.active_at is None:
        flt = replace(flt, active_at=today)
    found = []
    for initiative in store.list_initiatives(flt, limit=1_000_000).items:
        title = " ".join(name_tokens(initiative.title))
        if words and not all(w in title for w in words):
            continue
        if ended is True and not (initiative.ended and initiative.ended < today):
            continue
        found.append(initiative)
    return Page(found[offset:offset + limit], len(found), limit, offset)


# -- merging ---------------------------------------------------------------------------------------
def combined(survivor: Actor, merged: Actor) -> Actor:
    """The survivor with what only the merged actor knew: missing fields filled, tags joined."""
    fill = {name: getattr(merged, name) for name in ("sector", "municipality_number", "org_number", "service_model")
            if getattr(survivor, name) is None and getattr(merged, name) is not None}
    registered = min((d for d in (survivor.registered, merged.registered) if d), default=None)
    tags = tuple(dict.fromkeys(survivor.tags + merged.tags))
    return replace(survivor, **fill, registered=registered, tags=tags)


def merge_actors(store: Store, survivor_id: str, merged_id: str, *, by: str | None = None) -> tuple[Actor, list[str]]:
    """Merge ``merged_id`` into ``survivor_id``: its initiatives move to the survivor, nothing is lost.

    Refused (``Conflict``) when an initiative would be left with fewer than two partners, which
    happens when the two actors are its only partners.
    """
    if survivor_id == merged_id:
        raise Invalid([Problem("merged", msg.MERGE_CHOOSE_TWO())])
    survivor, merged = store.get_actor(survivor_id), store.get_actor(merged_id)
    shared = store.list_initiatives(InitiativeFilter(actor=merged_id), limit=10_000).items
    too_small = [i.id for i in shared if survivor_id in i.actor_ids and len(i.partners) <= 2]
    if too_small:
        raise Conflict(msg.MERGE_ONLY_PARTNERS(initiatives=too_small[:5]), field="merged")
    new = combined(survivor, merged)
    moved = store.merge_actors(new, merged_id, by=by)
    return new, moved


# -- proposals --------------------------------------------------------------------------------------
def propose(store: Store, kind: str, data: dict, *, proposer: str, today: date | None = None) -> Proposal:
    """A viewer's new actor or initiative, checked by the same validation, stored for review."""
    if kind not in PROPOSAL_KINDS:
        raise Invalid([Problem("kind", msg.CHOICE_INVALID_PLAIN(legal=PROPOSAL_KINDS))])
    if kind == "actor":
        parse_actor(data, today=today or date.today(), require_id=False)
    else:
        known = store.existing_actor_ids(svc.partner_ids(data))
        parse_initiative(data, known_actor_ids=known, require_id=False)
    return store.add_proposal(Proposal(new_id(), kind, dict(data), proposer, now()))


def accept(store: Store, proposal_id: str, data: dict | None = None, *, by: str,
           allow_duplicate: bool = False) -> tuple[Proposal, str]:
    """Create what a proposal describes (``data``: the editor's corrected version) and mark it accepted.

    The proposal is claimed first (compare and set), so two editors cannot both accept it; if the
    creation then fails the claim is undone and the error raised.
    """
    proposal = store.get_proposal(proposal_id)
    data = proposal.data if data is None else data
    claimed = store.decide_proposal(replace(proposal, status="accepted", decided_by=by, decided_at=now()))
    try:
        if proposal.kind == "actor":
            result_id = svc.create_actor(store, data, by=by).id
        else:
            result_id = svc.create_initiative(store, data, by=by, allow_duplicate=allow_duplicate).id
    except Exception:
        store.decide_proposal(replace(proposal, status="pending"), expected_status="accepted")
        raise
    done = replace(claimed, data=data, result_id=result_id)
    store.decide_proposal(done, expected_status="accepted")
    return done, result_id


def reject(store: Store, proposal_id: str, note: str | None, *, by: str) -> Proposal:
    proposal = store.get_proposal(proposal_id)
    return store.decide_proposal(replace(proposal, status="rejected", decided_by=by, decided_at=now(),
                                         note=(note or "").strip()[:500] or None))
