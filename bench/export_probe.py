"""Build a province-year .xlsx of records in this process and report time, rows and peak memory."""

import json
import os
import resource
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> None:
    if argv[:1] == ["--baseline"]:
        print(json.dumps({"peak_mb": round(peak_mb(), 1)}))
        return
    from reports.exports import records_xlsx
    from reports.periods import Period
    from volunteers.models import Province

    province = Province.objects.get(pk=int(argv[0]))
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        rows = records_xlsx(
            period=Period(int(argv[1])),
            province=province,
            output=output,
            progress=lambda percent: None,
        )
        size = output.tell()
    print(
        json.dumps(
            {
                "seconds": round(time.perf_counter() - started, 1),
                "rows": rows,
                "file_mb": round(size / 1024 / 1024, 1),
                "peak_mb": round(peak_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
