"""Every Cypher statement the Neo4j store sends, as constants (linted by tests/test_cypher_lint.py).

Values always travel as ``$parameters``; labels, relationship types and property keys are
written out here and never come from input. The schema these statements build is documented
in docs/neo4j-schema.md: keep the two in step, and add new labels, relationship types and
property keys to the lint schema in tests/cypher_lint/lint.mjs.

Conventions: statements that take many rows ``UNWIND`` a list parameter (``$actors``,
``$initiatives``, ``$partners``, ``$ids``); dates travel as ISO strings and are stored as
Neo4j ``date`` values via ``date(...)`` (``date(null)`` is ``null``, which removes a property).
"""

from __future__ import annotations

from typing import LiteralString

# -- schema (each statement runs in its own transaction) ---------------------------------------

CREATE_ACTOR_ID_CONSTRAINT: LiteralString = (
    "CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE"
)
CREATE_INITIATIVE_ID_CONSTRAINT: LiteralString = (
    "CREATE CONSTRAINT initiative_id IF NOT EXISTS FOR (i:Initiative) REQUIRE i.id IS UNIQUE"
)
CREATE_GRAPH_META_KEY_CONSTRAINT: LiteralString = (
    "CREATE CONSTRAINT graph_meta_key IF NOT EXISTS FOR (m:GraphMeta) REQUIRE m.key IS UNIQUE"
)
# Listing actors sorts by normalised name; listing initiatives sorts and filters by start date.
CREATE_ACTOR_NAME_INDEX: LiteralString = (
    "CREATE INDEX actor_name_key IF NOT EXISTS FOR (a:Actor) ON (a.name_key)"
)
CREATE_INITIATIVE_STARTED_INDEX: LiteralString = (
    "CREATE INDEX initiative_started IF NOT EXISTS FOR (i:Initiative) ON (i.started)"
)
# Derived CO_CREATES ties are found by their initiative when an initiative changes.
CREATE_CO_CREATES_INITIATIVE_INDEX: LiteralString = (
    "CREATE INDEX co_creates_initiative IF NOT EXISTS FOR ()-[c:CO_CREATES]-() ON (c.initiative)"
)

# One actor per kind, municipality and normalised name (identity_key: the JSON list
# [kind, municipality_key, name_key], unambiguous whatever the names contain):
# two librarians adding the same partner at once get one actor and a Conflict.
CREATE_ACTOR_IDENTITY_CONSTRAINT: LiteralString = (
    "CREATE CONSTRAINT actor_identity IF NOT EXISTS FOR (a:Actor) REQUIRE a.identity_key IS UNIQUE"
)
CREATE_USER_NAME_CONSTRAINT: LiteralString = (
    "CREATE CONSTRAINT user_name IF NOT EXISTS FOR (u:User) REQUIRE u.name IS UNIQUE"
)
CREATE_CREDENTIAL_DIGEST_CONSTRAINT: LiteralString = (
    "CREATE CONSTRAINT credential_digest IF NOT EXISTS FOR (c:Credential) REQUIRE c.digest IS UNIQUE"
)
CREATE_PROPOSAL_ID_CONSTRAINT: LiteralString = (
    "CREATE CONSTRAINT proposal_id IF NOT EXISTS FOR (p:Proposal) REQUIRE p.id IS UNIQUE"
)
CREATE_AUDIT_OBJECT_INDEX: LiteralString = (
    "CREATE INDEX audit_object IF NOT EXISTS FOR (e:AuditEntry) ON (e.object_kind, e.object_id)"
)

SCHEMA_STATEMENTS: tuple[LiteralString, ...] = (
    CREATE_ACTOR_IDENTITY_CONSTRAINT,
    CREATE_USER_NAME_CONSTRAINT,
    CREATE_CREDENTIAL_DIGEST_CONSTRAINT,
    CREATE_PROPOSAL_ID_CONSTRAINT,
    CREATE_AUDIT_OBJECT_INDEX,
    CREATE_ACTOR_ID_CONSTRAINT,
    CREATE_INITIATIVE_ID_CONSTRAINT,
    CREATE_GRAPH_META_KEY_CONSTRAINT,
    CREATE_ACTOR_NAME_INDEX,
    CREATE_INITIATIVE_STARTED_INDEX,
    CREATE_CO_CREATES_INITIATIVE_INDEX,
)

# -- the graph version: one counter node, bumped first in every write transaction ----------------
# Taking this node's write lock first also orders concurrent writers, so they cannot deadlock.

ENSURE_GRAPH_META: LiteralString = """
MERGE (m:GraphMeta {key: 'graph'})
ON CREATE SET m.version = 0
"""

BUMP_GRAPH_VERSION: LiteralString = """
MERGE (m:GraphMeta {key: 'graph'})
ON CREATE SET m.version = 0
SET m.version = m.version + 1
RETURN m.version AS version
"""

GRAPH_VERSION: LiteralString = """
OPTIONAL MATCH (m:GraphMeta {key: 'graph'})
RETURN coalesce(m.version, 0) AS version
"""

SERVER_COMPONENTS: LiteralString = """
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions, edition
"""

# -- actors ------------------------------------------------------------------------------------

GET_ACTOR: LiteralString = """
MATCH (a:Actor {id: $id})
RETURN a {.*} AS actor
"""

# Filters are "any" when their parameter is null; keys are normalise_key() of the filter text.
LIST_ACTORS: LiteralString = """
MATCH (a:Actor)
WHERE ($kind IS NULL OR a.kind = $kind)
  AND ($sector_key IS NULL OR a.sector_key = $sector_key)
  AND ($municipality_key IS NULL OR a.municipality_key = $municipality_key)
  AND ($q IS NULL OR a.name_key CONTAINS $q)
RETURN a {.*} AS actor
ORDER BY a.name_key, a.id
SKIP $offset
LIMIT $limit
"""

COUNT_ACTORS: LiteralString = """
MATCH (a:Actor)
WHERE ($kind IS NULL OR a.kind = $kind)
  AND ($sector_key IS NULL OR a.sector_key = $sector_key)
  AND ($municipality_key IS NULL OR a.municipality_key = $municipality_key)
  AND ($q IS NULL OR a.name_key CONTAINS $q)
RETURN count(a) AS total
"""

ALL_ACTORS: LiteralString = """
MATCH (a:Actor)
RETURN a {.*} AS actor
ORDER BY a.id
"""

GET_ACTORS: LiteralString = """
UNWIND $ids AS actor_id
MATCH (a:Actor {id: actor_id})
RETURN a {.*} AS actor
"""

# Another actor with this (kind, municipality, normalised name): create and update refuse it.
ACTOR_WITH_IDENTITY: LiteralString = """
MATCH (a:Actor {identity_key: $identity_key})
WHERE a.id <> $id
RETURN a.id AS id, a.name AS name
LIMIT 1
"""

EXISTING_ACTOR_IDS: LiteralString = """
UNWIND $ids AS actor_id
MATCH (a:Actor {id: actor_id})
RETURN DISTINCT a.id AS id
"""

# Every stored property is written, so a null in the row removes it: an update replaces the actor.
CREATE_ACTOR: LiteralString = """
WITH $actor AS row
CREATE (a:Actor {id: row.id})
SET a.name = row.name,
    a.name_key = row.name_key,
    a.kind = row.kind,
    a.sector = row.sector,
    a.sector_key = row.sector_key,
    a.municipality = row.municipality,
    a.municipality_key = row.municipality_key,
    a.municipality_number = row.municipality_number,
    a.org_number = row.org_number,
    a.service_model = row.service_model,
    a.registered = date(row.registered),
    a.tags = row.tags,
    a.identity_key = row.identity_key
RETURN a.id AS id
"""

UPDATE_ACTOR: LiteralString = """
WITH $actor AS row
MATCH (a:Actor {id: row.id})
SET a.name = row.name,
    a.name_key = row.name_key,
    a.kind = row.kind,
    a.sector = row.sector,
    a.sector_key = row.sector_key,
    a.municipality = row.municipality,
    a.municipality_key = row.municipality_key,
    a.municipality_number = row.municipality_number,
    a.org_number = row.org_number,
    a.service_model = row.service_model,
    a.registered = date(row.registered),
    a.tags = row.tags,
    a.identity_key = row.identity_key
RETURN a.id AS id
"""

UPSERT_ACTORS: LiteralString = """
UNWIND $actors AS row
MERGE (a:Actor {id: row.id})
SET a.name = row.name,
    a.name_key = row.name_key,
    a.kind = row.kind,
    a.sector = row.sector,
    a.sector_key = row.sector_key,
    a.municipality = row.municipality,
    a.municipality_key = row.municipality_key,
    a.municipality_number = row.municipality_number,
    a.org_number = row.org_number,
    a.service_model = row.service_model,
    a.registered = date(row.registered),
    a.tags = row.tags,
    a.identity_key = row.identity_key
"""

# No row: the actor does not exist. One row: the ids of the initiatives it is a partner in.
ACTOR_INITIATIVE_IDS: LiteralString = """
MATCH (a:Actor {id: $id})
RETURN [(a)-[:PARTNER_IN]->(i:Initiative) | i.id] AS initiative_ids
"""

# DETACH also removes the actor's PARTNER_IN and CO_CREATES relationships.
DELETE_ACTOR: LiteralString = """
MATCH (a:Actor {id: $id})
DETACH DELETE a
"""

# -- initiatives -------------------------------------------------------------------------------

GET_INITIATIVE: LiteralString = """
MATCH (i:Initiative {id: $id})
RETURN i {.*} AS initiative,
       [(p:Actor)-[r:PARTNER_IN]->(i) | {actor: p.id, role: r.role, position: r.position}] AS partners
"""

LIST_INITIATIVES: LiteralString = """
MATCH (i:Initiative)
WHERE ($actor IS NULL OR EXISTS { (:Actor {id: $actor})-[:PARTNER_IN]->(i) })
  AND ($category_key IS NULL OR i.category_key = $category_key)
  AND ($started_from IS NULL OR i.started >= date($started_from))
  AND ($started_to IS NULL OR i.started <= date($started_to))
  AND ($active_at IS NULL OR (i.started <= date($active_at) AND (i.ended IS NULL OR i.ended >= date($active_at))))
RETURN i {.*} AS initiative,
       [(p:Actor)-[r:PARTNER_IN]->(i) | {actor: p.id, role: r.role, position: r.position}] AS partners
ORDER BY i.started, i.id
SKIP $offset
LIMIT $limit
"""

COUNT_INITIATIVES: LiteralString = """
MATCH (i:Initiative)
WHERE ($actor IS NULL OR EXISTS { (:Actor {id: $actor})-[:PARTNER_IN]->(i) })
  AND ($category_key IS NULL OR i.category_key = $category_key)
  AND ($started_from IS NULL OR i.started >= date($started_from))
  AND ($started_to IS NULL OR i.started <= date($started_to))
  AND ($active_at IS NULL OR (i.started <= date($active_at) AND (i.ended IS NULL OR i.ended >= date($active_at))))
RETURN count(i) AS total
"""

ALL_INITIATIVES: LiteralString = """
MATCH (i:Initiative)
RETURN i {.*} AS initiative,
       [(p:Actor)-[r:PARTNER_IN]->(i) | {actor: p.id, role: r.role, position: r.position}] AS partners
ORDER BY i.id
"""

GET_INITIATIVES: LiteralString = """
UNWIND $ids AS initiative_id
MATCH (i:Initiative {id: initiative_id})
RETURN i {.*} AS initiative,
       [(p:Actor)-[r:PARTNER_IN]->(i) | {actor: p.id, role: r.role, position: r.position}] AS partners
"""

EXISTING_INITIATIVE_IDS: LiteralString = """
UNWIND $ids AS initiative_id
MATCH (i:Initiative {id: initiative_id})
RETURN DISTINCT i.id AS id
"""

CREATE_INITIATIVE: LiteralString = """
WITH $initiative AS row
CREATE (i:Initiative {id: row.id})
SET i.title = row.title,
    i.category = row.category,
    i.category_key = row.category_key,
    i.started = date(row.started),
    i.ended = date(row.ended),
    i.location = row.location,
    i.initiator = row.initiator
RETURN i.id AS id
"""

UPDATE_INITIATIVE: LiteralString = """
WITH $initiative AS row
MATCH (i:Initiative {id: row.id})
SET i.title = row.title,
    i.category = row.category,
    i.category_key = row.category_key,
    i.started = date(row.started),
    i.ended = date(row.ended),
    i.location = row.location,
    i.initiator = row.initiator
RETURN i.id AS id
"""

UPSERT_INITIATIVES: LiteralString = """
UNWIND $initiatives AS row
MERGE (i:Initiative {id: row.id})
SET i.title = row.title,
    i.category = row.category,
    i.category_key = row.category_key,
    i.started = date(row.started),
    i.ended = date(row.ended),
    i.location = row.location,
    i.initiator = row.initiator
"""

DELETE_PARTNERS: LiteralString = """
UNWIND $ids AS initiative_id
MATCH (:Actor)-[r:PARTNER_IN]->(:Initiative {id: initiative_id})
DELETE r
"""

# ``position`` keeps the order of the partner list, so export → import → export is identical.
CREATE_PARTNERS: LiteralString = """
UNWIND $partners AS row
MATCH (a:Actor {id: row.actor})
MATCH (i:Initiative {id: row.initiative})
CREATE (a)-[:PARTNER_IN {role: row.role, position: row.position}]->(i)
RETURN count(*) AS created
"""

# -- derived ties: who co-creates with whom, for Neo4j Browser -------------------------------------

DELETE_CO_CREATES: LiteralString = """
UNWIND $ids AS initiative_id
MATCH (:Actor)-[c:CO_CREATES {initiative: initiative_id}]->(:Actor)
DELETE c
"""

# One tie per pair of partners of each initiative, rebuilt from PARTNER_IN: initiator → partner
# when one end is the initiator ("who invited whom"), otherwise from the smaller id to the larger.
CREATE_CO_CREATES: LiteralString = """
UNWIND $ids AS initiative_id
MATCH (i:Initiative {id: initiative_id})
MATCH (a:Actor)-[:PARTNER_IN]->(i)<-[:PARTNER_IN]-(b:Actor)
WHERE CASE
        WHEN a.id = i.initiator THEN true
        WHEN b.id = i.initiator THEN false
        ELSE a.id < b.id
      END
CREATE (a)-[:CO_CREATES {initiative: i.id, title: i.title, category: i.category,
                         started: i.started, ended: i.ended}]->(b)
"""

DELETE_INITIATIVES: LiteralString = """
UNWIND $ids AS initiative_id
MATCH (i:Initiative {id: initiative_id})
DETACH DELETE i
"""

# -- whole graph -------------------------------------------------------------------------------

# Only graphsvc's own nodes; the GraphMeta counter stays so graph_version keeps increasing.
CLEAR_GRAPH: LiteralString = """
MATCH (n)
WHERE n:Actor OR n:Initiative
DETACH DELETE n
"""


# -- merging two actors (Neo4jGraph.merge_actors) ---------------------------------------------

# The survivor takes the merged actor's place where it was not a partner already (else keeps its role).
MOVE_PARTNERSHIPS: LiteralString = """
MATCH (m:Actor {id: $merged})-[r:PARTNER_IN]->(i:Initiative)
MATCH (s:Actor {id: $survivor})
WHERE NOT EXISTS { (s)-[:PARTNER_IN]->(i) }
CREATE (s)-[:PARTNER_IN {role: r.role, position: r.position}]->(i)
"""

MOVE_INITIATOR: LiteralString = """
MATCH (i:Initiative {initiator: $merged})
SET i.initiator = $survivor
"""

# -- the audit trail: one node per change, numbered by a counter node, written in the change's transaction --

CREATE_AUDIT_ENTRY: LiteralString = """
MERGE (m:GraphMeta {key: 'audit'})
ON CREATE SET m.version = 0
SET m.version = m.version + 1
WITH m, $entry AS row
CREATE (e:AuditEntry {id: row.id})
SET e.seq = m.version,
    e.at = datetime(row.at),
    e.user = row.user,
    e.action = row.action,
    e.object_kind = row.object_kind,
    e.object_id = row.object_id,
    e.before = row.before,
    e.after = row.after
"""

LIST_AUDIT: LiteralString = """
MATCH (e:AuditEntry)
WHERE ($object_kind IS NULL OR e.object_kind = $object_kind)
  AND ($object_id IS NULL OR e.object_id = $object_id)
RETURN e {.*} AS entry
ORDER BY e.seq DESC
SKIP $offset
LIMIT $limit
"""

COUNT_AUDIT: LiteralString = """
MATCH (e:AuditEntry)
WHERE ($object_kind IS NULL OR e.object_kind = $object_kind)
  AND ($object_id IS NULL OR e.object_id = $object_id)
RETURN count(e) AS total
"""

# -- users and their credentials (sessions, API tokens); only digests of credentials are stored --

CREATE_USER: LiteralString = """
WITH $user AS row
CREATE (u:User {name: row.name})
SET u.role = row.role,
    u.password_hash = row.password_hash,
    u.disabled = row.disabled,
    u.created = datetime(row.created)
"""

GET_USER: LiteralString = """
MATCH (u:User {name: $name})
RETURN u {.*} AS user
"""

LIST_USERS: LiteralString = """
MATCH (u:User)
RETURN u {.*} AS user
ORDER BY u.name
"""

UPDATE_USER: LiteralString = """
WITH $user AS row
MATCH (u:User {name: row.name})
WITH u, row, u {.*} AS before
SET u.role = row.role,
    u.password_hash = row.password_hash,
    u.disabled = row.disabled
RETURN before
"""

DELETE_USER: LiteralString = """
MATCH (u:User {name: $name})
WITH u, u {.*} AS before
DETACH DELETE u
RETURN before
"""

ADD_CREDENTIAL: LiteralString = """
WITH $credential AS row
MATCH (u:User {name: row.user})
CREATE (c:Credential {digest: row.digest})
SET c.kind = row.kind,
    c.user = row.user,
    c.label = row.label,
    c.created = datetime(row.created),
    c.expires = datetime(row.expires)
RETURN c.digest AS digest
"""

FIND_CREDENTIAL: LiteralString = """
MATCH (c:Credential {digest: $digest})
MATCH (u:User {name: c.user})
RETURN c {.*} AS credential, u {.*} AS user
"""

LIST_CREDENTIALS: LiteralString = """
MATCH (c:Credential {user: $user, kind: $kind})
RETURN c {.*} AS credential
ORDER BY c.created
"""

# Filters are "any" when null; the caller gives at least one.
DELETE_CREDENTIALS: LiteralString = """
MATCH (c:Credential)
WHERE ($digest IS NULL OR c.digest = $digest)
  AND ($user IS NULL OR c.user = $user)
  AND ($kind IS NULL OR c.kind = $kind)
  AND ($label IS NULL OR c.label = $label)
DELETE c
RETURN count(*) AS deleted
"""

# -- proposals (a viewer's new actor or initiative waiting for an editor) -------------------------

CREATE_PROPOSAL: LiteralString = """
WITH $proposal AS row
CREATE (p:Proposal {id: row.id})
SET p.kind = row.kind,
    p.data = row.data,
    p.proposer = row.proposer,
    p.created = datetime(row.created),
    p.status = row.status
"""

GET_PROPOSAL: LiteralString = """
MATCH (p:Proposal {id: $id})
RETURN p {.*} AS proposal
"""

LIST_PROPOSALS: LiteralString = """
MATCH (p:Proposal)
WHERE ($status IS NULL OR p.status = $status)
  AND ($proposer IS NULL OR p.proposer = $proposer)
RETURN p {.*} AS proposal
ORDER BY p.created DESC, p.id
"""

# Compare and set: only a proposal still in the expected state is decided.
DECIDE_PROPOSAL: LiteralString = """
WITH $proposal AS row
MATCH (p:Proposal {id: row.id})
WHERE p.status = $expected_status
SET p.status = row.status,
    p.decided_by = row.decided_by,
    p.decided_at = datetime(row.decided_at),
    p.note = row.note,
    p.result_id = row.result_id
RETURN p.id AS id
"""


# -- backup and restore (Neo4jStore.dump_all / restore_all: each in one transaction) ----------------

ALL_CREDENTIALS: LiteralString = """
MATCH (c:Credential)
RETURN c {.*} AS credential
ORDER BY c.user, c.kind, c.digest
"""

ALL_AUDIT_ENTRIES: LiteralString = """
MATCH (e:AuditEntry)
RETURN e {.*} AS entry
ORDER BY e.seq
"""

# Everything but the graph (CLEAR_GRAPH) and the GraphMeta counters, which only move forward.
CLEAR_ACCOUNTS: LiteralString = """
MATCH (n)
WHERE n:User OR n:Credential OR n:Proposal OR n:AuditEntry
DETACH DELETE n
"""

RESTORE_USERS: LiteralString = """
UNWIND $users AS row
CREATE (u:User {name: row.name})
SET u.role = row.role,
    u.password_hash = row.password_hash,
    u.disabled = row.disabled,
    u.created = datetime(row.created)
"""

RESTORE_CREDENTIALS: LiteralString = """
UNWIND $credentials AS row
CREATE (c:Credential {digest: row.digest})
SET c.kind = row.kind,
    c.user = row.user,
    c.label = row.label,
    c.created = datetime(row.created),
    c.expires = datetime(row.expires)
"""

RESTORE_PROPOSALS: LiteralString = """
UNWIND $proposals AS row
CREATE (p:Proposal {id: row.id})
SET p.kind = row.kind,
    p.data = row.data,
    p.proposer = row.proposer,
    p.created = datetime(row.created),
    p.status = row.status,
    p.decided_by = row.decided_by,
    p.decided_at = datetime(row.decided_at),
    p.note = row.note,
    p.result_id = row.result_id
"""

# Entries keep their sequence numbers; RESTORE_AUDIT_SEQUENCE then moves the counter past them.
RESTORE_AUDIT_ENTRIES: LiteralString = """
UNWIND $entries AS row
CREATE (e:AuditEntry {id: row.id})
SET e.seq = row.seq,
    e.at = datetime(row.at),
    e.user = row.user,
    e.action = row.action,
    e.object_kind = row.object_kind,
    e.object_id = row.object_id,
    e.before = row.before,
    e.after = row.after
"""

RESTORE_AUDIT_SEQUENCE: LiteralString = """
MERGE (m:GraphMeta {key: 'audit'})
ON CREATE SET m.version = 0
SET m.version = CASE WHEN m.version > $seq THEN m.version ELSE $seq END
"""

# The backup's graph version, or one more than the store's if that is higher: it never goes back.
RESTORE_GRAPH_VERSION: LiteralString = """
MERGE (m:GraphMeta {key: 'graph'})
ON CREATE SET m.version = 0
SET m.version = CASE WHEN m.version + 1 > $version THEN m.version + 1 ELSE $version END
RETURN m.version AS version
"""
