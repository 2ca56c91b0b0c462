"""The Dockerfile and compose.yaml: checked by reading them (no Docker on the test machines).

What these promise: compose starts PostgreSQL 15 first (healthy), then Trellis on it with a
readiness healthcheck on the port Trellis serves it on; the image installs the pinned lock
file and runs `trellis run` as a non-root user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.config import load_settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def test_compose_starts_trellis_after_a_healthy_postgres_15() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "trellis"}
    postgres, trellis = services["postgres"], services["trellis"]
    assert postgres["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert trellis["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert trellis["build"] == "."
    assert trellis["command"] == ["trellis", "run"]


def test_compose_environment_is_a_valid_trellis_configuration_on_that_postgres() -> None:
    services = compose()["services"]
    environment = {k: str(v) for k, v in services["trellis"]["environment"].items()}
    settings = load_settings(environment)  # raises ConfigError on a bad value
    pg = services["postgres"]["environment"]
    assert settings.database_url == (
        f"postgresql+asyncpg://{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}"
        f"@postgres:5432/{pg['POSTGRES_DB']}"
    )
    health = " ".join(services["trellis"]["healthcheck"]["test"])
    assert f":{settings.trellis_health_port}/readyz" in health
    published = services["trellis"]["ports"]
    assert f"{settings.slack_http_port}:{settings.slack_http_port}" in published


def test_the_dockerfile_installs_the_lock_file_and_runs_as_a_non_root_user() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "FROM python:3.11-slim"
    assert "RUN pip install -r requirements.lock" in lines
    user = next(line for line in lines if line.startswith("USER "))
    assert user.split()[1] not in ("root", "0")
    assert lines.index(user) > max(i for i, line in enumerate(lines) if line.startswith("RUN"))
    assert lines[-1] == 'CMD ["trellis", "run"]'
    for copied in (line.split()[1] for line in lines if line.startswith("COPY")):
        if copied not in ("requirements.lock", "pyproject.toml"):
            continue
        assert (ROOT / copied).exists()


def test_the_readme_says_how_to_start_it() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "docker compose up" in readme
    assert "trellis doctor" in readme
