"""A translation run, one module per step in the order a run takes them:

request → scan → glossaries → existing → plan (with limits, estimate) → stage → submit → follow
(with manifests) → report (with outcomes).

Prefect-free: the flows and tasks call these; each step takes what it needs, not the whole run.
"""
