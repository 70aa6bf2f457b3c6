"""Prefect tasks of the pipeline: each a thin `@task` over one `doctranslate` core function, one per
batch or per run — never one per document (each task run costs the Prefect server ~20 ms and ~19 KB)."""
