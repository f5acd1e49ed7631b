# dialog — production image. Tests never need Docker; this is for the people who deploy.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DIALOG_ENV=production DIALOG_VAR_DIR=/var/lib/dialog

# pg_dump and pg_restore for `dialog backup` and `dialog restore` (docker-compose runs PostgreSQL
# 15, the major version of bookworm's client).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /app dialog \
    && mkdir -p /var/lib/dialog && chown dialog /var/lib/dialog
WORKDIR /app
# Exactly the versions of uv.lock (the ones the suite passed with), without the test tools.
RUN pip install uv==0.13.9
COPY pyproject.toml uv.lock README.md ./
COPY dialog ./dialog
COPY moderation ./moderation
COPY templates ./templates
COPY static ./static
RUN uv sync --locked --no-dev --no-editable --python python3 \
    && ln -s /app/.venv/bin/dialog /usr/local/bin/dialog

USER dialog
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["dialog", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
