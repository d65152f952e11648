# graphsvc as a container: the app only; the database is Neo4j (docker-compose.yml) or a SQLite
# file on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphsvc ./graphsvc
COPY web ./web
COPY seed ./seed
COPY translations ./translations
COPY babel.cfg ./
# Editable install: the package finds web/, seed/ and translations/ beside it in /app. The message
# catalogues are compiled here, at build time (as `make translations` does); the app only reads them.
RUN pip install -e . \
 && pybabel compile --statistics -d translations \
 && useradd --system --uid 10001 --home-dir /data --create-home graphsvc

# Without GRAPHSVC_STORE_URL (compose sets Neo4j) the graph is a SQLite file on the /data volume.
ENV GRAPHSVC_STORE_URL=sqlite:////data/graphsvc.db \
    GRAPHSVC_INSTANCE_DIR=/data/instance
VOLUME ["/data"]
# Numeric, so the runtime need not resolve the name (hadolint DL3066); 10001 is the graphsvc user above.
USER 10001
EXPOSE 5000

# `graphsvc serve` runs gunicorn (GRAPHSVC_WORKERS × GRAPHSVC_THREADS).
CMD ["graphsvc", "serve", "--host", "0.0.0.0", "--port", "5000"]
