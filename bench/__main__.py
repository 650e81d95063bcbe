"""``make bench``: every benchmark in one run; figures printed and saved under bench/out/."""

from __future__ import annotations

import sys

from desktop import offline

offline.apply()

from bench import (  # noqa: E402
    analysis_rates,
    answer_latency,
    embedding_throughput,
    eval_answers,
    extraction_quality,
    index_build,
    llm_host,
    records_speed,
    retrieval_quality,
    retrieval_scale,
    scope_calibration,
    startup,
    verification,
)
from bench.common import temp_home  # noqa: E402


def main(argv: list[str]) -> int:
    from desktop.services import build_services
    from desktop.settings import load_settings

    only = set(argv)

    def wanted(name: str) -> bool:
        return not only or name in only

    if wanted("embedding"):
        embedding_throughput.run()
    if wanted("index"):
        index_build.run()
    if wanted("extraction"):
        extraction_quality.run()
    if wanted("verification"):
        verification.run()
    if wanted("llm"):
        llm_host.run()
    if only and only <= {"extraction", "verification", "llm"}:
        return 0  # these need no services
    with temp_home() as home:
        services = build_services(load_settings())
        try:
            if wanted("retrieval"):
                retrieval_quality.run(services)
            if wanted("analysis"):
                analysis_rates.run(services)
            if wanted("scope"):
                scope_calibration.run(services)
            if wanted("latency"):
                answer_latency.run(services)
            if wanted("records"):
                records_speed.run(services)
            if wanted("scale"):
                retrieval_scale.run(services)
        finally:
            services.close()
        if wanted("eval"):
            eval_answers.run(home=str(home))
    if wanted("startup"):
        startup.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
