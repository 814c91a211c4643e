# The image docker-compose.yml runs as web and worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core fonts-liberation nodejs npm \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_SETTINGS_MODULE=referat.settings.production SECRET_KEY=build-only-$(head -c 40 /dev/urandom | od -An -tx1 | tr -d ' \n') ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput

RUN useradd --create-home referat && mkdir -p /app/media && chown referat /app/media
USER referat
EXPOSE 8000
# X-Forwarded-Proto is believed only from the proxies in TRUSTED_PROXIES (none if unset).
CMD ["sh", "-c", "exec gunicorn referat.wsgi:application --bind 0.0.0.0:8000 --workers 3 --forwarded-allow-ips \"$TRUSTED_PROXIES\""]
