"""`--sync`: small local files translated one call each on the synchronous route, no storage, then QA and the
same report as a batch run. One task run for the whole run: the calls are short and in order."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from doctranslate.client import DocumentTranslationClient
from doctranslate.pipeline.estimate import check_budget, estimate_characters
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.outcomes import DocumentOutcome, OutcomeStatus
from doctranslate.pipeline.report import RunReport, compose_report
from doctranslate.pipeline.request import QaPolicy, TranslationRequest
from doctranslate.pipeline.single import already_translated, plan_single, translate_single
from doctranslate.qa.run import check_pairs, glossary_terms
from doctranslate.settings import Settings
from doctranslate_prefect.tasks.progress import progress


@task(name="translate-synchronously", cache_policy=NO_CACHE, persist_result=False)
def translate_synchronously(request: TranslationRequest, settings: Settings) -> RunReport:
    """>>> translate_synchronously(TranslationRequest(sources=["a.docx"], languages=["fr"], sync=True), settings)
    ... # doctest: +SKIP"""
    logger = get_run_logger()
    plan = plan_single(request)
    estimate = estimate_characters(plan.translate)
    pricing = settings.pricing
    cost = check_budget(estimate, pricing, request.budget)
    logger.info(
        "%s; estimate %d characters, %s", plan.describe(), estimate, pricing.amount(cost), extra=progress("plan")
    )

    def done(outcome: DocumentOutcome) -> None:
        logger.info("%s -> %s: %s", outcome.source, outcome.language, outcome.status.value, extra=progress("translate"))

    with DocumentTranslationClient.from_settings(settings) as client:
        translated = translate_single(plan, client, done)
    succeeded = {(o.source, o.language) for o in translated if o.status is OutcomeStatus.SUCCEEDED}
    checked: list[Pair] = [p for p in plan.translate if (p.document.relative_path, p.language) in succeeded]
    qa = None
    if request.qa is not QaPolicy.OFF:

        def output_of(pair: Pair) -> bytes | None:
            path = plan.output_of(pair)
            return path.read_bytes() if path.is_file() else None

        pairs = checked + plan.already_done
        qa = check_pairs(pairs, glossary_terms(plan.glossaries, request.languages), output_of)
    return compose_report(
        request,
        translated + already_translated(plan),
        batches=[],
        skipped=plan.scan.skipped,
        qa=qa,
        estimated_characters=estimate,
        pricing=pricing,
    )
