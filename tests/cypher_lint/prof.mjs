import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';
import { readFileSync } from 'node:fs';
const qs = JSON.parse(readFileSync('/tmp/qs.json','utf8'));
const base = { labels: ['Actor','Initiative','GraphMeta'], relationshipTypes: ['PARTNER_IN','CO_CREATES'], propertyKeys: ['id'] };
for (const [label, schema] of [['plain', base], ['funcs', {...base, functions: testData.mockSchema.functions, procedures: testData.mockSchema.procedures}], ['funcs+lang', {...base, functions: testData.mockSchema.functions, procedures: testData.mockSchema.procedures, defaultLanguage: 'CYPHER 5'}]]) {
  let t = Date.now();
  for (const q of qs) { const t1 = Date.now(); lintCypherQuery(q.query, schema); if (label==='funcs') process.stdout.write(`${q.name}:${Date.now()-t1} `); }
  console.log('\n', label, Date.now() - t);
}
