# Trellis: one image for every role (`trellis run`, `trellis work`, `trellis doctor`).
# Built from the pinned lock file; runs as an unprivileged user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-deps .

RUN useradd --create-home --uid 10001 trellis
USER trellis
WORKDIR /home/trellis

# Slack HTTP requests (SLACK_HTTP_PORT) and /healthz, /readyz (TRELLIS_HEALTH_PORT).
EXPOSE 3000 8080
CMD ["trellis", "run"]
