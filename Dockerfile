# Knooppunt in a container: the same install and the same start as the README (and the tests).
# No Docker engine ran on the development machine, so this file was not built there; every step
# in it is one the README and the test suite run: `pip install -e ".[postgres]"` (the README's install command
# for PostgreSQL, which compose.yaml runs;
# an editable install reads translations, postcode data and migrations from the source tree, as in
# the tests), `python -m bot` and `python -m bot health`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KNOOPPUNT_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY domain ./domain
RUN pip install -e ".[postgres]" \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin knooppunt \
    && mkdir -p /data && chown knooppunt /data

USER knooppunt
VOLUME ["/data"]
# The webhook port (BOT_MODE=webhook); polling needs no port.
EXPOSE 8080

# Healthy: the database answers with the current schema, and (SQLite) the bot holds its lock.
HEALTHCHECK --interval=60s --timeout=20s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]

# Migrations run on every start; SIGTERM stops the bot cleanly within seconds.
CMD ["python", "-m", "bot"]
