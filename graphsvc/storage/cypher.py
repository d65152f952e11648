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
# Listing actors sorts by name; listing initiatives sorts and filters by start date.
CREATE_ACTOR_NAME_INDEX: LiteralString = (
    "CREATE INDEX actor_name IF NOT EXISTS FOR (a:Actor) ON (a.name)"
)
CREATE_INITIATIVE_STARTED_INDEX: LiteralString = (
    "CREATE INDEX initiative_started IF NOT EXISTS FOR (i:Initiative) ON (i.started)"
)
# Derived CO_CREATES ties are found by their initiative when an initiative changes.
CREATE_CO_CREATES_INITIATIVE_INDEX: LiteralString = (
    "CREATE INDEX co_creates_initiative IF NOT EXISTS FOR ()-[c:CO_CREATES]-() ON (c.initiative)"
)

SCHEMA_STATEMENTS: tuple[LiteralString, ...] = (
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
ORDER BY a.name, a.id
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
    a.tags = row.tags
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
    a.tags = row.tags
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
    a.tags = row.tags
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
