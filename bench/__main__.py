"""``make bench``: every benchmark in one run; figures printed and saved under bench/out/, then
bench/report.md and bench/report.json written from them.

``python -m bench [STEP ...] [--quick]`` runs all steps or the named ones (``--quick``: one run
of each timing step, retrieval latency up to 10k chunks, fewer start-ups);
``python -m bench report`` rebuilds the report from bench/out/ without running anything."""

from __future__ import annotations

import sys

from desktop import offline

offline.apply()

from bench import (  # noqa: E402
    analysis_rates,
    answer_latency,
    bundle_size,
    clinic_documents,
    embedding_throughput,
    eval_answers,
    extraction_quality,
    guideline_import,
    idle_memory,
    index_build,
    llm_host,
    network_audit,
    records_speed,
    report,
    retrieval_quality,
    retrieval_scale,
    runs,
    scope_calibration,
    startup,
    verification,
)
from bench.common import temp_home  # noqa: E402

# runs of each timing step whose figures are single measurements; the report takes medians
REPEAT = 3
# steps that need the guideline index built in a temporary data folder
WITH_SERVICES = {
    "retrieval", "analysis", "scope", "latency", "records", "scale", "eval", "guideline"
}


def main(argv: list[str]) -> int:
    if argv[:1] == ["report"]:
        return report.main(argv[1:])
    quick = "--quick" in argv
    run = runs.Run(argv, quick)
    try:
        _steps({a for a in argv if a != "--quick"}, run, quick)
    finally:
        run.finish()
        written = report.write()
        print(f"\nbench/report.md and bench/report.json written: {written['summary']}")
    return 0


def _steps(only: set[str], run: runs.Run, quick: bool) -> None:
    from desktop.services import build_services
    from desktop.settings import load_settings

    repeat = 1 if quick else REPEAT
    if quick:
        retrieval_scale.SIZES = (1_000, 10_000)
        startup.RUNS = 3

    def wanted(name: str) -> bool:
        return not only or name in only

    if wanted("embedding"):
        run.step("embedding_throughput", embedding_throughput.run, repeat)
    if wanted("index"):
        run.step("index_build", index_build.run, repeat)
    if wanted("extraction"):
        run.step("extraction_quality", extraction_quality.run)
    if wanted("clinic_documents"):
        run.step("clinic_documents", clinic_documents.run)
    if wanted("verification"):
        run.step("verification", verification.run)
    if wanted("llm"):
        run.step("llm_host", llm_host.run)
    if wanted("network"):
        run.step("network_audit", network_audit.run)
    if not only or only & WITH_SERVICES:
        with temp_home() as home:
            services = build_services(load_settings())
            try:
                if wanted("retrieval"):
                    run.step("retrieval_quality", lambda: retrieval_quality.run(services))
                if wanted("analysis"):
                    run.step("analysis_rates", lambda: analysis_rates.run(services))
                if wanted("scope"):
                    run.step("scope_calibration", lambda: scope_calibration.run(services))
                if wanted("latency"):
                    run.step("answer_latency", lambda: answer_latency.run(services), repeat)
                if wanted("records"):
                    run.step("records_speed", lambda: records_speed.run(services), repeat)
                if wanted("scale"):
                    run.step("retrieval_scale", lambda: retrieval_scale.run(services))
                if wanted("guideline"):  # last: it adds and removes a document in the index
                    pages = 100 if quick else guideline_import.PAGES
                    run.step("guideline_import", lambda: guideline_import.run(services, pages))
            finally:
                services.close()
            if wanted("eval"):
                run.step("eval_answers", lambda: eval_answers.run(home=str(home)))
    if wanted("startup"):
        run.step("startup", startup.run)
    if wanted("memory"):
        run.step("idle_memory", lambda: idle_memory.run(1 if quick else idle_memory.RUNS))
    if wanted("bundle"):
        run.step("bundle_size", bundle_size.run)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
