"""What librarians and editors do beyond create and update: save or propose, spot duplicates, merge
actors, end initiatives, review proposals.

Pure domain code on a store: called by the form pages and the CLI, never importing Flask. The
forms ask the same of everybody; whether a submission is stored or becomes a proposal for an
editor is decided here (:func:`may_save`), not in the views.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache

from confusable_homoglyphs import categories, confusables

from graphsvc.model import messages as msg
from graphsvc.model.accounts import PROPOSAL_KINDS, Proposal, User, new_id, now
from graphsvc.model.entities import Actor, Initiative, Page, normalise_key, slugify
from graphsvc.model.errors import Conflict, Invalid, NotFound, Problem
from graphsvc.model.serialize import initiative_to_dict
from graphsvc.model.validation import MAX_TEXT, parse_actor, parse_date_param, parse_initiative
from graphsvc.services import graph as svc
from graphsvc.storage.base import ActorFilter, InitiativeFilter, Store

#: Suggestions below this score are not shown; at or above LIKELY, saving asks for confirmation.
SUGGEST_AT = 0.6
LIKELY_DUPLICATE_AT = 0.8
_WORD = re.compile(r"\w+")
#: Characters that show nothing (soft hyphen, zero-width space/joiners, word joiner, BOM).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
#: The data model may leave these unknown (a study's data); the forms always ask for them.
FORM_REQUIRED_ACTOR_FIELDS = ("municipality",)
FORM_REQUIRED_INITIATIVE_FIELDS = ("initiator", "location")
#: Where a proposal keeps the new partners it brings (each with a provisional id).
NEW_PARTNERS = "new_partners"


@lru_cache(maxsize=4096)
def _latin_lookalike(ch: str) -> str:
    """``ch`` itself, or the Latin letter it looks like when it is a letter of another script
    (Cyrillic ``а`` → ``a``, Greek ``ο`` → ``o``), from Unicode's confusables table (UTS #39, via
    ``confusable_homoglyphs``). Norwegian letters (æ, ø, å) are Latin and stay as they are."""
    if ch.isascii() or not ch.isalpha() or categories.alias(ch) in ("LATIN", "COMMON"):
        return ch
    found = confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=True)
    for glyph in (found[0]["homoglyphs"] if found else []):
        if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalpha():
            return glyph["c"]
    return ch


def name_key(name: str | None) -> str:
    """The key under which two names count as the same name: compatibility forms unified (NFKC),
    invisible characters dropped, letters of other scripts that look Latin read as Latin, case
    folded, punctuation and spacing ignored.

    >>> name_key("drammen  Sjakklubb") == name_key("Drammen sjakklubb")
    True
    >>> name_key("Drаmmen sjakklubb") == name_key("Drammen sjakklubb")  # a Cyrillic а
    True
    >>> name_key("Røde Kors") == name_key("Rode Kors")
    False
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()
    text = "".join(map(_latin_lookalike, text)).casefold()
    return " ".join(_WORD.findall(text))


def name_tokens(name: str) -> list[str]:
    """Words of a name, folded as :func:`name_key` folds them: ``"Drammen Bibliotek, hovedbiblioteket"``
    → ``["drammen", "bibliotek", "hovedbiblioteket"]``."""
    return name_key(name).split()


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
            same_place = bool(municipality) and normalise_key(municipality) == normalise_key(actor.municipality)
            scored.append((score, same_place, actor))
    scored.sort(key=lambda t: (-t[0], not t[1], t[2].name))
    return [(actor, score) for score, _, actor in scored[:limit]]


def same_name(store: Store, name: str, municipality: str | None, *, exclude: str | None = None) -> list[Actor]:
    """Stored actors with the same name (:func:`name_key`: case, spacing and look-alike letters
    aside) in the same municipality: saving another would register the partner twice."""
    key, place = name_key(name), normalise_key(municipality)
    return [a for a, _ in similar_actors(store, name, municipality=municipality, exclude=exclude, limit=50)
            if name_key(a.name) == key and normalise_key(a.municipality) == place]


def _free_id(taken, base: str) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever ``taken(id)`` says is free."""
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# -- saving or proposing ---------------------------------------------------------------------------
def may_save(user: User) -> bool:
    """Editors save what they submit in the forms; viewers propose it for an editor to review."""
    return user.can("editor")


@dataclass(frozen=True)
class Outcome:
    """What became of a form submission.

    ``status`` is ``"saved"`` (``saved`` is the stored Actor or Initiative), ``"proposed"``
    (``proposal`` waits for an editor; ``new_partner`` is a partner a viewer attached to a
    proposal, not stored) or ``"confirm"``: nothing was stored because the submission looks
    like what is already registered (``duplicates``); submit again with ``confirmed=True`` to
    store it anyway.
    """

    status: str
    saved: Actor | Initiative | None = None
    proposal: Proposal | None = None
    duplicates: list = field(default_factory=list)
    new_partner: dict | None = None

    @property
    def actor(self) -> Actor:
        """The stored actor of a ``"saved"`` actor submission."""
        if not isinstance(self.saved, Actor):
            raise TypeError(f"no actor was saved ({self.status})")
        return self.saved

    @property
    def initiative(self) -> Initiative:
        """The stored initiative of a ``"saved"`` initiative submission."""
        if not isinstance(self.saved, Initiative):
            raise TypeError(f"no initiative was saved ({self.status})")
        return self.saved

    @property
    def provisional(self) -> dict:
        """The partner a viewer attached to a proposal, with its provisional id."""
        if self.new_partner is None:
            raise TypeError(f"no new partner was attached ({self.status})")
        return self.new_partner


def _required(data, fields, problems: list[Problem]) -> None:
    """Problems for the fields the forms always ask for (the data model may leave them unknown)."""
    for name in fields:
        value = data.get(name) if isinstance(data, dict) else None
        missing = value is None or (isinstance(value, str) and not value.strip())
        if missing and not any(p.path == name for p in problems):
            problems.append(Problem(name, msg.REQUIRED()))


def actor_problems(data, *, today: date | None = None) -> list[Problem]:
    """Every problem of a partner submitted in a form (the data model's, and the fields forms require)."""
    problems: list[Problem] = []
    try:
        parse_actor(data, today=today or date.today(), require_id=False)
    except Invalid as exc:
        problems = list(exc.problems)
    _required(data, FORM_REQUIRED_ACTOR_FIELDS, problems)
    return problems


def _check_actor(data) -> None:
    problems = actor_problems(data)
    if problems:
        raise Invalid(problems)


def _refuse_same_name(store: Store, data, *, exclude: str | None = None) -> None:
    same = same_name(store, data["name"], data.get("municipality"), exclude=exclude)
    if same:
        raise Conflict(msg.ACTOR_EXISTS_AS(name=same[0].name, id=same[0].id, kind=same[0].kind,
                                           municipality=same[0].municipality or "–"), field="name")


def submit_actor(store: Store, data: dict, *, user: User, confirmed: bool = False,
                 today: date | None = None) -> Outcome:
    """A partner from the form, saved (editors) or proposed (viewers).

    The same name in the same municipality — case, spacing and look-alike letters aside — is a
    ``Conflict`` naming the stored partner: there is nothing to confirm. A similar name asks for
    confirmation (``status="confirm"``) unless ``confirmed``.
    """
    _check_actor(data)
    _refuse_same_name(store, data)
    if not confirmed:
        likely = [(a, s) for a, s in similar_actors(store, data["name"], municipality=data.get("municipality"))
                  if s >= LIKELY_DUPLICATE_AT]
        if likely:
            return Outcome("confirm", duplicates=likely)
    if not may_save(user):
        return Outcome("proposed", proposal=propose(store, "actor", data, proposer=user.name, today=today))
    return Outcome("saved", saved=svc.create_actor(store, data, today=today, by=user.name))


def update_actor(store: Store, actor_id: str, data: dict, *, user: User, confirmed: bool = False) -> Outcome:
    """The edit form of a registered partner: the same checks as :func:`submit_actor`, against the others."""
    current = store.get_actor(actor_id)
    _check_actor(data)
    renamed = name_key(data["name"]) != name_key(current.name) or \
        normalise_key(data.get("municipality")) != normalise_key(current.municipality)
    if renamed:
        _refuse_same_name(store, data, exclude=actor_id)
        if not confirmed:
            likely = [(a, s) for a, s in similar_actors(store, data["name"], municipality=data.get("municipality"),
                                                        exclude=actor_id) if s >= LIKELY_DUPLICATE_AT]
            if likely:
                return Outcome("confirm", duplicates=likely)
    return Outcome("saved", saved=svc.update_actor(store, actor_id, data, by=user.name))


def new_partner_for_form(store: Store, data: dict, *, user: User, confirmed: bool = False,
                         taken: tuple[str, ...] = ()) -> Outcome:
    """A partner registered from inside the initiative form.

    Editors store it at once (``Outcome("saved")``). A viewer's is not stored: it travels with
    the initiative proposal and is reviewed with it (``Outcome("proposed")``, ``new_partner`` its
    data with a provisional id, free in the store and not among ``taken``, the ids of other new
    partners of the same form). Same-name conflicts and likely duplicates are answered as in
    :func:`submit_actor`.
    """
    _check_actor(data)
    _refuse_same_name(store, data)
    if not confirmed:
        likely = [(a, s) for a, s in similar_actors(store, data["name"], municipality=data.get("municipality"))
                  if s >= LIKELY_DUPLICATE_AT]
        if likely:
            return Outcome("confirm", duplicates=likely)
    if may_save(user):
        return Outcome("saved", saved=svc.create_actor(store, data, by=user.name))
    provisional = _free_id(lambda c: c in taken or bool(store.existing_actor_ids([c])), slugify(data["name"]))
    return Outcome("proposed", new_partner={**data, "id": provisional})


def initiative_problems(store: Store, data: dict, *, new_partners: Sequence[dict] = ()) -> list[Problem]:
    """Every problem of an initiative submitted in a form, all at once: the data model's
    (partners must be registered — or among ``new_partners`` a proposal brings) and the fields
    the forms require."""
    known = store.existing_actor_ids(svc.partner_ids(data)) | {p["id"] for p in new_partners}
    problems: list[Problem] = []
    try:
        parse_initiative(data, known_actor_ids=known, require_id=False)
    except Invalid as exc:
        problems = list(exc.problems)
    _required(data, FORM_REQUIRED_INITIATIVE_FIELDS, problems)
    return problems


def _fresh_provisional_ids(store: Store, data: dict, new_partners: list[dict]) -> tuple[dict, list[dict]]:
    """New partners whose provisional id was registered by someone else meanwhile get another one."""
    taken = {p.get("id") for p in new_partners}
    renamed = {}
    fresh = []
    for partner in new_partners:
        old = partner.get("id")
        if isinstance(old, str) and store.existing_actor_ids([old]):
            new = _free_id(lambda c: c in taken or bool(store.existing_actor_ids([c])), old)
            taken.add(new)
            renamed[old] = new
            partner = {**partner, "id": new}
        fresh.append(partner)
    if not renamed:
        return data, fresh
    return _pointing_at(data, renamed), fresh


def _pointing_at(initiative: dict, renamed: dict[str, str]) -> dict:
    """The initiative with partners and initiator renamed (``renamed``: old id → new id)."""
    def new(actor_id):
        return renamed.get(actor_id, actor_id) if isinstance(actor_id, str) else actor_id

    partners = [{**p, "actor": new(p.get("actor"))} if isinstance(p, dict) else p
                for p in initiative.get("partners") or []]
    return {**initiative, "partners": partners, "initiator": new(initiative.get("initiator"))}


def similar_initiatives(store: Store, initiative: Initiative, *, exclude: str | None = None) -> list[Initiative]:
    """Stored initiatives that are probably the same as ``initiative``: the same title (as
    :func:`name_key` compares names), the same start date, and at least half of the partners
    shared (of the larger partner list). The same title and date with 2 of 3 partners is one."""
    if not initiative.partners:
        return []
    day = initiative.started
    candidates = store.list_initiatives(InitiativeFilter(started_from=day, started_to=day), limit=1000).items
    key, mine = name_key(initiative.title), set(initiative.actor_ids)
    return [i for i in candidates if i.id != exclude and i.started == day and name_key(i.title) == key
            and 2 * len(mine & set(i.actor_ids)) >= max(len(mine), len(i.actor_ids))]


def duplicate_initiatives(store: Store, data, *, known: set[str] | None = None) -> list[Initiative]:
    """:func:`similar_initiatives` for raw input (a form's or the API's dict); [] while it is not valid yet."""
    known = store.existing_actor_ids(svc.partner_ids(data)) if known is None else known
    try:
        initiative = parse_initiative(data, known_actor_ids=known, require_id=False)
    except Invalid:
        return []
    return similar_initiatives(store, initiative, exclude=initiative.id or None)


def submit_initiative(store: Store, data: dict, *, user: User, new_partners: Sequence[dict] = (),
                      confirmed: bool = False) -> Outcome:
    """An initiative from the form: saved (editors) or proposed (viewers), with every problem at once.

    A viewer's proposal may bring ``new_partners`` (partner dicts with provisional ids, from
    :func:`new_partner_for_form`), reviewed and created with it. An initiative that looks like one
    already registered (:func:`similar_initiatives`) asks for confirmation unless ``confirmed``.
    """
    new_partners = list(new_partners)
    if new_partners and may_save(user):
        raise Invalid([Problem("partners", msg.NEW_PARTNERS_ONLY_PROPOSED())])
    data, new_partners = _fresh_provisional_ids(store, data, new_partners)
    problems = initiative_problems(store, data, new_partners=new_partners)
    if problems:
        raise Invalid(problems)
    known = store.existing_actor_ids(svc.partner_ids(data)) | {p["id"] for p in new_partners}
    if not confirmed:
        duplicates = duplicate_initiatives(store, data, known=known)
        if duplicates:
            return Outcome("confirm", duplicates=duplicates)
    if not may_save(user):
        body = {**data, NEW_PARTNERS: new_partners} if new_partners else data
        return Outcome("proposed", proposal=propose(store, "initiative", body, proposer=user.name))
    return Outcome("saved", saved=svc.create_initiative(store, data, by=user.name, allow_duplicate=True))


# -- initiatives ------------------------------------------------------------------------------
def end_initiative(store: Store, initiative_id: str, ended: str | date | None, *, by: str | None = None) -> Initiative:
    """Set (or clear, with None) the end date; the same rules as any update apply."""
    current = store.get_initiative(initiative_id)
    if isinstance(ended, str):
        ended = parse_date_param(ended, "ended")
    data = initiative_to_dict(current)
    data["ended"] = ended.isoformat() if ended else None
    return svc.update_initiative(store, initiative_id, data, by=by)


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
    """A viewer's new actor or initiative, checked by the same validation, stored for review.

    An initiative may bring new partners under ``data["new_partners"]`` (actor dicts with
    provisional ids); its partners may name them.
    """
    if kind not in PROPOSAL_KINDS:
        raise Invalid([Problem("kind", msg.CHOICE_INVALID_PLAIN(legal=PROPOSAL_KINDS))])
    if kind == "actor":
        parse_actor(data, today=today or date.today(), require_id=False)
    else:
        initiative, new_partners = split_new_partners(data)
        problems: list[Problem] = []
        for index, partner in enumerate(new_partners):
            try:
                parse_actor(partner, path=f"{NEW_PARTNERS}[{index}]", today=today or date.today())
            except Invalid as exc:
                problems.extend(exc.problems)
        known = store.existing_actor_ids(svc.partner_ids(initiative)) | {
            p["id"] for p in new_partners if isinstance(p.get("id"), str)}
        try:
            parse_initiative(initiative, known_actor_ids=known, require_id=False)
        except Invalid as exc:
            problems.extend(exc.problems)
        if problems:
            raise Invalid(problems)
    return store.add_proposal(Proposal(new_id(), kind, dict(data), proposer, now()))


def split_new_partners(data: dict) -> tuple[dict, list[dict]]:
    """An initiative proposal's data as (the initiative, the new partners it brings)."""
    new_partners = data.get(NEW_PARTNERS) or []
    if not isinstance(new_partners, list) or not all(isinstance(p, dict) for p in new_partners):
        raise Invalid([Problem(NEW_PARTNERS, msg.NOT_A_LIST())])
    return {k: v for k, v in data.items() if k != NEW_PARTNERS}, new_partners


def _create_new_partners(store: Store, initiative: dict, new_partners: list[dict], *, by: str
                         ) -> tuple[dict, list[str]]:
    """Store a proposal's new partners (each under its provisional id when still free, else a
    new one) and return the initiative with its partners pointing at them, and the created ids."""
    renamed: dict[str, str] = {}
    created: list[str] = []
    try:
        for partner in new_partners:
            provisional = partner.get("id")
            data = dict(partner)
            if isinstance(provisional, str) and store.existing_actor_ids([provisional]):
                data.pop("id")
            actor = svc.create_actor(store, data, by=by)
            created.append(actor.id)
            if isinstance(provisional, str):
                renamed[provisional] = actor.id
    except Exception:
        _remove(store, created, by=by)
        raise
    return _pointing_at(initiative, renamed), created


def _remove(store: Store, actor_ids: list[str], *, by: str) -> None:
    for actor_id in reversed(actor_ids):
        with contextlib.suppress(NotFound):  # already gone: nothing to undo
            store.delete_actor(actor_id, by=by)


def accept(store: Store, proposal_id: str, data: dict | None = None, *, by: str,
           allow_duplicate: bool = False) -> tuple[Proposal, str]:
    """Create what a proposal describes (``data``: the editor's corrected version) and mark it accepted.

    The proposal is claimed first (compare and set), so two editors cannot both accept it; if the
    creation then fails the claim is undone and the error raised. New partners an initiative
    proposal brings are created first; if the initiative then fails, they are removed again.
    """
    proposal = store.get_proposal(proposal_id)
    data = proposal.data if data is None else data
    claimed = store.decide_proposal(replace(proposal, status="accepted", decided_by=by, decided_at=now()))
    try:
        if proposal.kind == "actor":
            result_id = svc.create_actor(store, data, by=by).id
        else:
            initiative, new_partners = split_new_partners(data)
            initiative, created = _create_new_partners(store, initiative, new_partners, by=by)
            try:
                result_id = svc.create_initiative(store, initiative, by=by, allow_duplicate=allow_duplicate).id
            except Exception:
                _remove(store, created, by=by)
                raise
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


def update_initiative_from_form(store: Store, initiative_id: str, data: dict, *, user: User,
                                confirmed: bool = False) -> Outcome:
    """The edit form of a registered initiative (editors only): every problem at once; an edit
    that makes it look like another registered initiative asks for confirmation first."""
    problems = initiative_problems(store, {**data, "id": initiative_id})
    if problems:
        raise Invalid(problems)
    if not confirmed:
        duplicates = [i for i in duplicate_initiatives(store, {**data, "id": initiative_id}) if i.id != initiative_id]
        if duplicates:
            return Outcome("confirm", duplicates=duplicates)
    return Outcome("saved", saved=svc.update_initiative(store, initiative_id, data, by=user.name))
