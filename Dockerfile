# A doctranslate worker image: the project installed (core, Prefect layer, prefect-azure), for flow runs of a
# Docker, Kubernetes or Azure Container Instances work pool, or to run `prefect worker start` in.
#   docker build -t doctranslate-worker:0.1.0 .
# Configuration comes from the Prefect server (PREFECT_API_URL, and block names: DOCTRANSLATE_TRANSLATOR_BLOCK,
# DOCTRANSLATE_STORAGE_BLOCK), so the image holds no secret and the container needs no .env.
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1 \
    PREFECT_LOGGING_EXTRA_LOGGERS=doctranslate

WORKDIR /opt/doctranslate
COPY pyproject.toml README.md ./
COPY doctranslate ./doctranslate
COPY flows ./flows
COPY tasks ./tasks
COPY deployments ./deployments
RUN pip install . && useradd --create-home --uid 10001 doctranslate

# Flow runs work here: relative paths in parameters (docs, translations) are taken from this folder.
USER doctranslate
WORKDIR /home/doctranslate/work
COPY --chown=doctranslate prefect.yaml ./
CMD ["prefect", "worker", "start", "--pool", "doctranslate"]
