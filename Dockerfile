# The service image. Point PARTNERBILLING_DATABASE_URL at a PostgreSQL server in production;
# without it the embedded server starts with its data under /app/.partnerbilling.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system billing && useradd --system --gid billing --home-dir /app --shell /usr/sbin/nologin billing

WORKDIR /app

# Dependencies first, so that a source change does not reinstall them.
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install .

# `partnerbilling migrate` and `serve` read alembic.ini and migrations/ from the working folder.
COPY alembic.ini ./
COPY migrations ./migrations

RUN mkdir -p /app/.partnerbilling && chown -R billing:billing /app/.partnerbilling
USER billing

EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]

CMD ["partnerbilling", "serve", "--host", "0.0.0.0", "--port", "8000"]
