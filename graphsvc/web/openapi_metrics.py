"""OpenAPI paths of the silo metrics (graphsvc.web.metrics), merged into web.openapi."""

from __future__ import annotations

from graphsvc.analytics.brokerage import ROLES
from graphsvc.model.vocab import GROUP_BY, VIEWS
from graphsvc.services import metrics as m

NUMBER_OR_NULL = {"type": "number", "nullable": True}
_BY_GROUP = {"type": "object", "additionalProperties": NUMBER_OR_NULL}


_MATRIX: dict = {"type": "array", "items": {"type": "array", "items": {"type": "number", "nullable": True}}}


def paths(_param, _json, errors: dict, date_schema: dict) -> dict:
    params = [
        _param("at", date_schema, "The network at this date (default: everything)"),
        _param("view", {"type": "string", "enum": list(VIEWS), "default": "cumulative"},
               "cumulative: initiatives started by `at`; active: those running at `at`"),
        _param("group_by", {"type": "string", "enum": list(GROUP_BY), "default": "sector"},
               "The group attribute. Actors without it (externals have no sector) form one group per kind, "
               "e.g. `(association)`"),
        _param("weighted", {"type": "boolean", "default": False},
               "Weight ties by shared initiatives (mixing matrix, E-I, assortativity, Blau, constraint, "
               "effective size, modularity); betweenness and brokerage always use binary ties"),
        _param("permutations", {"type": "integer", "minimum": 0, "maximum": m.MAX_PERMUTATIONS,
                                "default": m.DEFAULT_PERMUTATIONS},
               "Label permutations of the E-I test; the p-value's resolution is 1/permutations "
               f"(default {m.DEFAULT_PERMUTATIONS}: steps of {1 / m.DEFAULT_PERMUTATIONS:g}); 0 skips the test"),
        _param("seed", {"type": "integer", "minimum": 0, "maximum": m.MAX_SEED, "default": 0},
               "Seed of the permutations, the betweenness sample and Louvain: same seed, same result"),
        _param("betweenness_k", {"type": "integer", "minimum": 1, "maximum": m.MAX_BETWEENNESS_K, "default": 256},
               "Sampled source actors for betweenness on networks above 1,000 actors"),
        _param("exact_betweenness", {"type": "boolean", "default": False},
               f"Exact betweenness whatever the size (refused above {m.EXACT_BETWEENNESS_MAX_ACTORS:,} actors)"),
        _param("library_tag", {"type": "string", "maxLength": 80},
               "List only libraries with this tag in `cocreation.libraries`, e.g. biblioteket-som-samskaper"),
    ]
    roles = {"type": "object", "properties": {r: {"type": "integer"} for r in ROLES}}
    actor = {"type": "object", "properties": {
        "name": {"type": "string"}, "kind": {"type": "string"}, "group": {"type": "string"},
        "degree": {"type": "integer"}, "strength": {"type": "number"}, "ei_index": NUMBER_OR_NULL,
        "betweenness": {"type": "number"}, "constraint": NUMBER_OR_NULL, "effective_size": NUMBER_OR_NULL,
        "blau": NUMBER_OR_NULL, "brokerage": roles, "community": {"type": "integer"},
        "undefined": {"type": "object", "additionalProperties": {"type": "string"},
                      "description": "metric → why it is null"}}}
    report = {"type": "object", "required": ["at", "view", "group_by", "weighted", "counts", "mixing_matrix",
                                             "ei_index", "assortativity", "actors", "communities", "cocreation",
                                             "sample", "graph_version"], "properties": {
        "at": {**date_schema, "nullable": True}, "view": {"type": "string"}, "group_by": {"type": "string"},
        "weighted": {"type": "boolean"}, "graph_version": {"type": "integer"}, "parameters": {"type": "object"},
        "sample": {"type": "object", "description": "Permutations, seed and p-value resolution (the smallest p, "
                                                    "1/(permutations+1)) of the E-I test; "
                                                    "betweenness exact or sampled (and from how many sources)",
                   "properties": {"permutations": {"type": "integer"}, "seed": {"type": "integer"},
                                  "p_value_resolution": NUMBER_OR_NULL,
                                  "betweenness": {"type": "string", "enum": ["exact", "sampled"]},
                                  "betweenness_k": {"type": "integer", "nullable": True}}},
        "counts": {"type": "object", "properties": {k: {"type": "integer"} for k in (
            "actors", "ties", "initiatives", "invitations", "isolates", "groups")}},
        "groups": {"type": "object", "additionalProperties": {"type": "object"}},
        "mixing_matrix": {"type": "object", "description": "Ties by the groups of their two ends; the diagonal "
                                                           "counts ties inside a group, once each",
                          "properties": {"groups": {"type": "array", "items": {"type": "string"}},
                                         "matrix": _MATRIX,
                                         "row_shares": {**_MATRIX, "description": "Each row as shares of its sum"},
                                         "expected": {**_MATRIX, "description": "Ties expected from the groups' "
                                                      "tie ends (configuration model)"},
                                         "ratio": {**_MATRIX, "description": "Observed / expected"}}},
        "ei_index": {"type": "object", "description": "Krackhardt–Stern E-I: (E − I)/(E + I); −1 a closed silo",
                     "properties": {"network": NUMBER_OR_NULL, "groups": _BY_GROUP, "expected": NUMBER_OR_NULL,
                                    "expected_groups": _BY_GROUP, "p_value": NUMBER_OR_NULL,
                                    "group_p_values": {**_BY_GROUP, "description": "One-sided permutation p-value "
                                                       "of each group's E-I (keyed like groups); see "
                                                       "/metrics/om-malene#permutation-test"},
                                    "permutation": {"type": "object", "nullable": True,
                                                    "description": "What is shuffled (shuffled), the tested side "
                                                                   "(alternative), p_le, p_ge, p_two_sided, and "
                                                                   "both tails per group (groups)"},
                                    "internal": {"type": "number"}, "external": {"type": "number"},
                                    "convention": {"type": "string"}, "undefined": {"type": "object"},
                                    "undefined_codes": {"type": "object", "description": "The stable message "
                                                        "code of each reason under `undefined` (network, "
                                                        "groups)"}}},
        "assortativity": {"type": "object", "properties": {"value": NUMBER_OR_NULL, "weighted": {"type": "boolean"},
                                                            "reason": {"type": "string", "nullable": True},
                                                            "reason_code": {"type": "string", "nullable": True}}},
        "actors": {"type": "object", "additionalProperties": actor, "description": "Per actor id"},
        "betweenness": {"type": "object"},
        "communities": {"type": "object", "description": "Louvain partition (seeded), its modularity and the "
                                                         "modularity of the partition by group"},
        "cocreation": {"type": "object", "description": "Share of initiatives with an external partner; per "
                                                        "library initiated with / invited by municipal units"},
        "left_out": {"type": "array", "items": {"type": "object"},
                     "description": "Initiatives a measure left out and why (count, the first 100 ids, reason): "
                                    "brokerage and the invited/initiated counts need a known initiator"},
        "unknown": {"type": "object", "description": "Actors without a municipality, initiatives without an "
                                                     "initiator (data that does not come from a municipality)"}}}
    csv_columns = (f"actors: {', '.join(m.ACTOR_COLUMNS)}. groups: {', '.join(m.GROUP_COLUMNS)}. "
                   "mixing, mixing_shares, mixing_ratios: group, group_label, then one column per group. "
                   f"libraries: {', '.join(m.LIBRARY_COLUMNS)}. "
                   "UTF-8 with BOM, comma-separated, CRLF; an undefined value is an empty cell.")
    return {
        "/api/v1/metrics/silo": {
            "get": {"summary": "Silo metrics at a date: mixing matrix, E-I index (expected, permutation p), "
                               "assortativity, per-actor brokerage/betweenness/constraint, Louvain, co-creation",
                    "operationId": "getSiloMetrics", "parameters": params,
                    "responses": {"200": _json(report, "The report; a value that is 0/0 is null with a reason "
                                                       "under `undefined`"),
                                  "422": errors["422"]}},
        },
        "/api/v1/metrics/silo.csv": {
            "get": {"summary": "One table of the silo metrics as CSV", "operationId": "getSiloMetricsCsv",
                    "parameters": [_param("table", {"type": "string", "enum": list(m.CSV_TABLES),
                                                    "default": "actors"}, csv_columns),
                                   _param("verbatim", {"type": "boolean", "default": False},
                                          "false (default): text that would start a spreadsheet formula (=, +, -, @, "
                                          "tab, CR) gets a leading apostrophe, for Excel and LibreOffice; true: text "
                                          "exactly as stored, for R and pandas")] + params,
                    "responses": {"200": {"description": csv_columns,
                                          "content": {"text/csv": {"schema": {"type": "string"}}}},
                                  "422": errors["422"]}},
        },
    }
