# One image for every process: the API (default command), `lac worker` and `lac beat`.
FROM python:3.11-slim

# No .pyc files in the image, logs straight to `docker logs`, no pip cache in the layers.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LAC_DATA_DIR=/app/var

# A fixed uid so volume ownership stays the same across rebuilds.
RUN groupadd --system --gid 10001 lac \
    && useradd --system --uid 10001 --gid lac --home-dir /app --shell /usr/sbin/nologin lac

WORKDIR /src

# Dependencies first, read from pyproject.toml, so a source change does not reinstall them.
# (psycopg[binary], cryptography and argon2-cffi ship wheels: no compiler is needed on slim.)
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; print('\n'.join(deps))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the project itself (a normal, non-editable install: the sources are not kept).
COPY . .
RUN pip install --no-deps . && rm -rf /src

# LAC_DATA_DIR: Celery beat's schedule file (and the generated secret if none is given).
RUN mkdir -p /app/var && chown -R lac:lac /app
WORKDIR /app
USER lac

EXPOSE 8000

# /health answers without touching the database, so it says "the process serves HTTP".
# python-slim has no curl: urlopen raises (exit 1) on a refused connection or a non-2xx.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"]

CMD ["lac", "serve", "--host", "0.0.0.0", "--port", "8000"]
