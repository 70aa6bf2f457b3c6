"""Prefect tasks of the pipeline: each a thin `@task` over one `doctranslate` core function."""
