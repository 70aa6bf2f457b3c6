"""Plan a run: scan and pre-flight the documents, choose glossaries, apply the existing-target policy,
split into batches, estimate the cost."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from doctranslate.run import RunPlan, TranslationRequest, plan_run
from doctranslate.settings import Settings
from doctranslate.storage import StorageAccount
from doctranslate.submission import SubmissionJournal


@task(name="plan", cache_policy=NO_CACHE, persist_result=False)
def plan(request: TranslationRequest, settings: Settings) -> RunPlan:
    """>>> plan(TranslationRequest(sources=["docs"], languages=["fr"]), load_settings())  # doctest: +SKIP"""
    logger = get_run_logger()
    account = StorageAccount(settings)
    account.ensure_container(settings.target_container)
    result = plan_run(
        request,
        account,
        SubmissionJournal(settings.state_dir / "submissions"),
        source_container=settings.source_container,
        target_container=settings.target_container,
        price_per_million=settings.price_per_million_characters,
    )
    to_submit = sum(len(b.decision.translate) for b in result.batches if b.needs_submitting)
    attached = sum(1 for b in result.batches if b.submitted_as)
    logger.info(
        "planned %d document(s) x %d language(s): %d to translate in %d new batch(es), %d already translated, "
        "%d batch(es) to resume, %d file(s) not submitted; estimate %d characters, %.4f",
        len(result.scan.documents),
        len(request.languages),
        to_submit,
        sum(1 for b in result.batches if b.needs_submitting),
        len(result.already_done),
        attached,
        len(result.scan.skipped),
        result.estimated_characters,
        result.estimated_cost,
    )
    return result
