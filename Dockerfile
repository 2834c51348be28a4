# coachat with gunicorn; the scheduler runs as a second container from the same image
# (`coachat scheduler`), never inside the web workers.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    COACHAT_ENV=production

RUN useradd --create-home --uid 1000 coachat
WORKDIR /app

COPY setup.cfg pyproject.toml README.md alembic.ini babel.cfg ./
COPY persistence persistence
COPY infrastructure infrastructure
COPY mailing mailing
COPY optimizer optimizer
COPY suppliers suppliers
COPY purchasing purchasing
COPY money money
COPY scheduling scheduling
COPY demo demo
COPY web web
COPY migrations migrations
COPY docs/guide docs/guide
RUN pip install --no-cache-dir --config-settings editable_mode=compat -e . \
    && pybabel compile -d web/translations \
    && mkdir -p /app/instance && chown coachat:coachat /app/instance

USER 1000
EXPOSE 8000
# Migrate, then serve; SECRET_KEY and DATABASE_URL come from the environment.
CMD ["sh", "-c", "coachat db upgrade && exec gunicorn --workers 5 --bind 0.0.0.0:8000 --access-logfile - 'web:create_app()'"]
