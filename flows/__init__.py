"""Prefect flows of the pipeline: thin compositions of `tasks/` over the `doctranslate` core."""
