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

# Rows of a bulk write (import, restore), staged before they are applied: found by job, kind and batch.
CREATE_STAGED_INDEX: LiteralString = (
    "CREATE INDEX staged_rows IF NOT EXISTS FOR (s:Staged) ON (s.job, s.kind, s.batch)"
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
    CREATE_STAGED_INDEX,
)

# -- the graph version: one counter node, bumped first in every write transaction ----------------
# Taking this node's write lock first also orders concurrent writers, so they cannot deadlock.

ENSURE_GRAPH_META: LiteralString = """
MERGE (m:GraphMeta {key: 'graph'})
ON CREATE SET m.version = 0
"""

# ``m.version + 1`` reads the property it sets, so Cypher takes the node's write lock before reading
# it: no lost update, and every property read after it in the transaction is the committed one. It
# returns the bulk job that holds the graph, if any (see "bulk writes" below).
BUMP_GRAPH_VERSION: LiteralString = """
MERGE (m:GraphMeta {key: 'graph'})
ON CREATE SET m.version = 0
SET m.version = m.version + 1
RETURN m.version AS version, m.job AS job, m.job_owner AS job_owner, m.job_kind AS job_kind,
       m.job_state AS job_state, m.job_step AS job_step, m.job_by AS job_by, m.job_audit AS job_audit,
       coalesce(m.job_until < datetime(), true) AS job_expired
"""

# Writes outside the graph (accounts) take the same lock without changing the version, so they are
# ordered with bulk writes (a restore replaces accounts too); the lost-update pattern of the Cypher
# manual: a property set and removed, then the job read under the lock.
LOCK_GRAPH_META: LiteralString = """
MERGE (m:GraphMeta {key: 'graph'})
ON CREATE SET m.version = 0
SET m.lock = true
REMOVE m.lock
RETURN m.job AS job, m.job_kind AS job_kind, coalesce(m.job_until < datetime(), true) AS job_expired
"""

# What a consistent read compares before and after it reads: every committed graph write changes
# ``graph``, every audited write ``audit``; ``job_state`` 'applying' means a bulk write is half applied.
READ_VERSIONS: LiteralString = """
OPTIONAL MATCH (g:GraphMeta {key: 'graph'})
OPTIONAL MATCH (a:GraphMeta {key: 'audit'})
RETURN coalesce(g.version, 0) AS graph, coalesce(a.version, 0) AS audit, g.job_state AS job_state
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

# Whole-graph reads stream without ORDER BY (a sort would hold every row in the server's query
# memory, which counts against the transaction limit); the store sorts them.
ALL_ACTORS: LiteralString = """
MATCH (a:Actor)
RETURN a {.*} AS actor
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
WITH u, u {.*} AS before, [(u)-[:HAS_CREDENTIAL]->(c:Credential) | c] AS credentials
FOREACH (c IN credentials | DETACH DELETE c)
DETACH DELETE u
RETURN before
"""

# The credential hangs on its user by a relationship: creating it locks the user node, so a
# concurrent delete of the user either comes first (no user: no credential) or deletes it too.
ADD_CREDENTIAL: LiteralString = """
WITH $credential AS row
MATCH (u:User {name: row.user})
CREATE (u)-[:HAS_CREDENTIAL]->(c:Credential {digest: row.digest})
SET c.kind = row.kind,
    c.user = row.user,
    c.label = row.label,
    c.created = datetime(row.created),
    c.expires = datetime(row.expires)
RETURN c.digest AS digest
"""

# Only through the relationship: a credential left by a deleted user never logs in as a later user
# of the same name.
FIND_CREDENTIAL: LiteralString = """
MATCH (u:User)-[:HAS_CREDENTIAL]->(c:Credential {digest: $digest})
RETURN c {.*} AS credential, u {.*} AS user
"""

# Credentials stored before they hung on their user (schema before HAS_CREDENTIAL): linked once, by
# name, and only to a user created before them — an orphan of an earlier user of that name stays out.
LINK_CREDENTIALS: LiteralString = """
MATCH (c:Credential)
WHERE NOT EXISTS { (:User)-[:HAS_CREDENTIAL]->(c) }
MATCH (u:User {name: c.user})
WHERE u.created <= c.created
CREATE (u)-[:HAS_CREDENTIAL]->(c)
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

# Compare and set: only a proposal still in the expected state is decided. ``SET p.lock`` takes the
# proposal's write lock before its status is read (the Cypher manual's lost-update pattern), so two
# editors accepting at once are serialised and the second sees the first one's status. No row: the
# caller raises, which rolls the transaction (and the lock property) back.
DECIDE_PROPOSAL: LiteralString = """
WITH $proposal AS row
MATCH (p:Proposal {id: row.id})
SET p.lock = true
WITH p, row
WHERE p.status = $expected_status
SET p.status = row.status,
    p.decided_by = row.decided_by,
    p.decided_at = datetime(row.decided_at),
    p.note = row.note,
    p.result_id = row.result_id
REMOVE p.lock
RETURN p.id AS id
"""


# -- backup and restore (Neo4jBackup; the restore is a bulk write, below) ---------------------------

ALL_CREDENTIALS: LiteralString = """
MATCH (c:Credential)
RETURN c {.*} AS credential
"""

ALL_AUDIT_ENTRIES: LiteralString = """
MATCH (e:AuditEntry)
RETURN e {.*} AS entry
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


# -- bulk writes (storage/neo4j/bulk.py): imports, restores and clears in bounded transactions -----
# A bulk job holds the graph through properties of the (:GraphMeta {key: 'graph'}) node: while it
# runs, other graph writes are refused. Its rows are first *staged* as (:Staged) nodes no reader
# looks at, batch by batch; one small transaction then *commits* the job (job_state 'applying');
# from then on the job only moves forward: the staged rows are applied batch by batch, by the
# process that started it or, if that one dies, by whoever finds its lease (job_until) expired.
# Every statement here runs after BUMP_GRAPH_VERSION or LOCK_GRAPH_META in the same transaction,
# so the GraphMeta node is locked when the job's properties are read or set.

BEGIN_JOB: LiteralString = """
MATCH (m:GraphMeta {key: 'graph'})
SET m.job = $job,
    m.job_owner = $owner,
    m.job_kind = $kind,
    m.job_state = 'staging',
    m.job_step = null,
    m.job_by = $by,
    m.job_audit = null,
    m.job_until = datetime() + duration({seconds: $lease})
"""

# No row: the job is no longer this owner's (its lease ran out and another process took it over).
# ``datetime.realtime()``, not ``datetime()``: the latter is the transaction's start, so a renewal at
# the end of a long batch would count the lease from its beginning.
RENEW_JOB: LiteralString = """
MATCH (m:GraphMeta {key: 'graph'})
SET m.lock = true
REMOVE m.lock
WITH m
WHERE m.job = $job AND m.job_owner = $owner
SET m.job_until = datetime.realtime() + duration({seconds: $lease})
RETURN m.job_state AS state, m.job_step AS step
"""

TAKE_OVER_JOB: LiteralString = """
MATCH (m:GraphMeta {key: 'graph'})
SET m.job_owner = $owner,
    m.job_until = datetime() + duration({seconds: $lease})
"""

# Moves the job on (staging → applying, and from step to step); bumps the version so caches and
# consistent reads see that the graph is about to change.
SET_JOB_STATE: LiteralString = """
MATCH (m:GraphMeta {key: 'graph'})
SET m.job_state = $state,
    m.job_step = $step,
    m.job_audit = coalesce($audit, m.job_audit),
    m.version = m.version + 1
"""

END_JOB: LiteralString = """
MATCH (m:GraphMeta {key: 'graph'})
SET m.job = null,
    m.job_owner = null,
    m.job_kind = null,
    m.job_state = null,
    m.job_step = null,
    m.job_by = null,
    m.job_audit = null,
    m.job_until = null,
    m.version = m.version + 1
"""

# Rows keep their parameter names as properties (what the APPLY_STAGED_* statements read), plus
# ``key`` (the object's id, name or digest), ``kind`` and ``batch``, the staging batch they came in.
# Every statement that reads or deletes staged rows finds them by {job, kind, batch} — the properties
# of the staged_rows index — so applying a batch of 5,000 reads those 5,000 rows, not every staged
# row of the job (300,000 initiatives at size L).
STAGE_ROWS: LiteralString = """
UNWIND $rows AS row
CREATE (s:Staged)
SET s += row,
    s.job = $job,
    s.kind = $kind,
    s.batch = $batch
"""

# The lowest batch number left (no row: none left). Equality on job and kind and a predicate on batch,
# ordered by batch, let the planner read the first entry of the staged_rows index instead of them all.
NEXT_STAGED_BATCH: LiteralString = """
MATCH (s:Staged {job: $job, kind: $kind})
WHERE s.batch IS NOT NULL
RETURN s.batch AS batch
ORDER BY s.batch
LIMIT 1
"""

STAGED_KEYS: LiteralString = """
MATCH (s:Staged {job: $job, kind: $kind, batch: $batch})
RETURN s.key AS key
"""

DELETE_STAGED: LiteralString = """
MATCH (s:Staged {job: $job, kind: $kind, batch: $batch})
DELETE s
"""

# An abandoned job's rows, a batch at a time (the caller repeats until none are left).
DELETE_STAGED_BATCH: LiteralString = """
MATCH (s:Staged {job: $job})
WITH s
LIMIT $limit
DELETE s
RETURN count(*) AS deleted
"""

# What ``graphsvc jobs status`` shows: the job on the GraphMeta node (no lock: a plain read).
JOB_STATUS: LiteralString = """
OPTIONAL MATCH (m:GraphMeta {key: 'graph'})
RETURN m.job AS job, m.job_kind AS kind, m.job_state AS state, m.job_step AS step, m.job_by AS by,
       toString(m.job_until) AS until, coalesce(m.job_until < datetime(), true) AS expired
"""

# Staged rows of one job, by kind (found through the staged_rows index's first property).
STAGED_COUNTS: LiteralString = """
MATCH (s:Staged {job: $job})
RETURN s.kind AS kind, count(*) AS rows
ORDER BY kind
"""

# Other actors that already hold the identity keys of a batch being staged.
ACTORS_WITH_IDENTITIES: LiteralString = """
UNWIND $rows AS row
MATCH (a:Actor {identity_key: row.identity_key})
WHERE a.id <> row.id
RETURN row.id AS id, a.id AS other, a.name AS name
"""

APPLY_STAGED_ACTORS: LiteralString = """
MATCH (s:Staged {job: $job, kind: 'actor', batch: $batch})
MERGE (a:Actor {id: s.id})
SET a.name = s.name,
    a.name_key = s.name_key,
    a.kind = s.kind_of,
    a.sector = s.sector,
    a.sector_key = s.sector_key,
    a.municipality = s.municipality,
    a.municipality_key = s.municipality_key,
    a.municipality_number = s.municipality_number,
    a.org_number = s.org_number,
    a.service_model = s.service_model,
    a.registered = date(s.registered),
    a.tags = s.tags,
    a.identity_key = s.identity_key
"""

APPLY_STAGED_INITIATIVES: LiteralString = """
MATCH (s:Staged {job: $job, kind: 'initiative', batch: $batch})
MERGE (i:Initiative {id: s.id})
SET i.title = s.title,
    i.category = s.category,
    i.category_key = s.category_key,
    i.started = date(s.started),
    i.ended = date(s.ended),
    i.location = s.location,
    i.initiator = s.initiator
"""

# After DELETE_PARTNERS of the same ids: the staged partner lists become PARTNER_IN relationships.
CREATE_STAGED_PARTNERS: LiteralString = """
MATCH (s:Staged {job: $job, kind: 'initiative', batch: $batch})
MATCH (i:Initiative {id: s.id})
UNWIND range(0, size(s.partner_actors) - 1) AS position
MATCH (a:Actor {id: s.partner_actors[position]})
CREATE (a)-[:PARTNER_IN {role: s.partner_roles[position], position: position}]->(i)
RETURN count(*) AS created
"""

APPLY_STAGED_USERS: LiteralString = """
MATCH (s:Staged {job: $job, kind: 'user', batch: $batch})
CREATE (u:User {name: s.name})
SET u.role = s.role,
    u.password_hash = s.password_hash,
    u.disabled = s.disabled,
    u.created = datetime(s.created)
"""

APPLY_STAGED_CREDENTIALS: LiteralString = """
MATCH (s:Staged {job: $job, kind: 'credential', batch: $batch})
MATCH (u:User {name: s.user})
CREATE (u)-[:HAS_CREDENTIAL]->(c:Credential {digest: s.digest})
SET c.kind = s.kind_of,
    c.user = s.user,
    c.label = s.label,
    c.created = datetime(s.created),
    c.expires = datetime(s.expires)
"""

APPLY_STAGED_PROPOSALS: LiteralString = """
MATCH (s:Staged {job: $job, kind: 'proposal', batch: $batch})
CREATE (p:Proposal {id: s.id})
SET p.kind = s.kind_of,
    p.data = s.data,
    p.proposer = s.proposer,
    p.created = datetime(s.created),
    p.status = s.status,
    p.decided_by = s.decided_by,
    p.decided_at = datetime(s.decided_at),
    p.note = s.note,
    p.result_id = s.result_id
"""

# Restored entries keep their sequence numbers; RESTORE_AUDIT_SEQUENCE then moves the counter past them.
APPLY_STAGED_AUDIT_ENTRIES: LiteralString = """
MATCH (s:Staged {job: $job, kind: 'audit', batch: $batch})
CREATE (e:AuditEntry {id: s.id})
SET e.seq = s.seq,
    e.at = datetime(s.at),
    e.user = s.user,
    e.action = s.action,
    e.object_kind = s.object_kind,
    e.object_id = s.object_id,
    e.before = s.before,
    e.after = s.after
"""

# A clear or a restore empties the store a batch at a time (the caller repeats until none are left).
# Only graphsvc's own nodes; the GraphMeta counters stay, so versions keep increasing.
DELETE_GRAPH_BATCH: LiteralString = """
MATCH (n)
WHERE n:Actor OR n:Initiative
WITH n
LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
"""

DELETE_ACCOUNTS_BATCH: LiteralString = """
MATCH (n)
WHERE n:User OR n:Credential OR n:Proposal OR n:AuditEntry
WITH n
LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
"""
