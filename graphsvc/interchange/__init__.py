"""Export formats besides graphsvc/1 JSON: GraphML and GEXF (lossless, with readers), CSV and xlsx.

Every exporter is a pure function ``f(actors, initiatives, *, at=None, view="cumulative",
municipality=None, sector=None) -> bytes`` over domain objects; the filters are
:func:`filter_network`'s.
"""

from graphsvc.interchange.filters import filter_network
from graphsvc.interchange.gexf import from_gexf, to_gexf
from graphsvc.interchange.graphml import from_graphml, to_graphml
from graphsvc.interchange.tables import to_csv_zip, to_xlsx

#: Export formats by name, with their file extension and media type (for the CLI and the web).
FORMATS = {
    "graphml": (to_graphml, "graphml", "application/graphml+xml"),
    "gexf": (to_gexf, "gexf", "application/gexf+xml"),
    "csv": (to_csv_zip, "zip", "application/zip"),
    "xlsx": (to_xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

__all__ = ["FORMATS", "filter_network", "from_gexf", "from_graphml", "to_csv_zip", "to_gexf", "to_graphml",
           "to_xlsx"]
