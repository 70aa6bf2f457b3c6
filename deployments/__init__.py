"""Deployment helpers (serving every flow from one process); the deployments themselves are in prefect.yaml."""
