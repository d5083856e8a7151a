"""`make bench`: measure the dashboard, the province overview, recording and a large export on
the generated data, each against a baseline measured in the same run, and print a table.
`python -m bench generate [--if-empty] [--records N]` generates that data first (bench/generate.py)."""

import json
import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


def _refuse(message: str) -> None:
    sys.exit(f"make bench: {message}")


def main(argv: list[str]) -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        _refuse(
            "needs PostgreSQL. Set DATABASE_URL, for example "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/xks_bench "
            "(SQLite cannot show the figures a deployment would see)."
        )
    import django

    django.setup()
    if argv[:1] == ["generate"]:
        from bench import generate

        generate.main(argv[1:])
        return
    from bench import runs

    quick = "--quick" in argv
    only = next((arg.split("=", 1)[1].split(",") for arg in argv if arg.startswith("--only=")), runs.MEASURES)
    unknown = set(only) - set(runs.MEASURES)
    if unknown:
        _refuse(f"unknown measure {', '.join(sorted(unknown))}; choose from {', '.join(runs.MEASURES)}")
    results = runs.run_all(quick=quick, only=tuple(only))
    print(runs.table(results))
    out = next((arg.split("=", 1)[1] for arg in argv if arg.startswith("--json=")), None)
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2, default=str)


if __name__ == "__main__":
    main(sys.argv[1:])
