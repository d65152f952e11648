// Lints Cypher statements with Neo4j's own analyzer (@neo4j-cypher/language-support), offline.
//
// stdin:  a JSON list of {"name": ..., "query": ...}
// stdout: a JSON list of {"name", "severity" ("error"|"warning"|...), "message", "line", "column"}
//         with every diagnostic, parameter ones included (the caller decides what to ignore).
// Exit status 0 when linting ran, whatever it found; 2 when the input could not be read.
//
// The dbSchema below is graphsvc's Neo4j schema (docs/neo4j-schema.md): a label, relationship
// type or property key missing here is reported as "not present in the database", which is how
// misspellings are caught. Function and procedure names are checked against the registry of a
// Neo4j 5 server that the package ships (testData.mockSchema).
import { readFileSync } from 'node:fs';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

export const graphsvcSchema = {
  labels: ['Actor', 'Initiative', 'GraphMeta', 'User', 'Credential', 'Proposal', 'AuditEntry', 'Staged'],
  relationshipTypes: ['PARTNER_IN', 'CO_CREATES', 'HAS_CREDENTIAL'],
  propertyKeys: [
    // Actor
    'id', 'name', 'name_key', 'kind', 'sector', 'sector_key', 'municipality', 'municipality_key',
    'municipality_number', 'org_number', 'service_model', 'registered', 'tags',
    // Initiative (id shared with Actor)
    'title', 'category', 'category_key', 'started', 'ended', 'location', 'initiator',
    // PARTNER_IN
    'role', 'position',
    // CO_CREATES (title, category, started, ended shared with Initiative)
    'initiative',
    // GraphMeta (and the bulk job that may hold the graph)
    'key', 'version', 'job', 'job_owner', 'job_kind', 'job_state', 'job_step', 'job_by', 'job_audit', 'job_until',
    // GraphMeta, Proposal: set and removed in one transaction to take the node's write lock
    'lock',
    // Staged (a bulk job's rows; also every property of the rows it stages)
    'batch', 'kind_of', 'partner_actors', 'partner_roles',
    // keys of parameter rows that are not stored (CREATE_PARTNERS: row.actor)
    'actor',
    // Actor: one per kind, municipality and normalised name
    'identity_key',
    // User, Credential, Proposal, AuditEntry (docs/neo4j-schema.md, "Accounts and the audit trail")
    'password_hash', 'disabled', 'created', 'digest', 'user', 'label', 'expires',
    'data', 'proposer', 'status', 'decided_by', 'decided_at', 'note', 'result_id',
    'seq', 'at', 'action', 'object_kind', 'object_id', 'before', 'after',
  ],
};

const dbSchema = {
  ...graphsvcSchema,
  functions: testData.mockSchema.functions,
  procedures: testData.mockSchema.procedures,
  defaultLanguage: 'CYPHER 5',
};

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function main() {
  let statements;
  try {
    statements = JSON.parse(readFileSync(0, 'utf8'));
    if (!Array.isArray(statements)) throw new Error('expected a JSON list of {name, query}');
  } catch (err) {
    process.stderr.write(`lint.mjs: cannot read statements from stdin: ${err.message}\n`);
    process.exit(2);
  }
  const out = [];
  for (const { name, query } of statements) {
    const { diagnostics } = lintCypherQuery(query, dbSchema);
    for (const d of diagnostics) {
      out.push({
        name,
        severity: SEVERITY[d.severity] ?? String(d.severity),
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
      });
    }
  }
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
}

main();
