"""Lighthouse (npm, pinned in package.json) on Debian's Chromium, mobile, for the sign-in page,
home, the recording page, the dashboard and the province overview. A script, not a test:

    CHROME_PATH=/usr/bin/chromium .venv/bin/python -m bench.lighthouse [--runs 3]

It makes a fresh demo database (SQLite in /tmp unless DATABASE_URL is set), collects the static
files, serves the app with gunicorn and production settings (bench.lighthouse_settings: DEBUG
off, hashed and compressed static files) on 127.0.0.1, signs each role in by a session cookie,
and prints the median accessibility and performance scores of each page (docs/performance.md
records them)."""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = PROJECT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(env: dict) -> None:
    manage = [sys.executable, str(PROJECT / "manage.py")]
    for command in (["migrate", "-v0"], ["seed_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(manage + command, cwd=PROJECT, env=env, check=True, stdout=subprocess.DEVNULL)


def _pages(env: dict) -> list[tuple[str, str, str | None]]:
    """(name, path, session cookie) of each page, with a session made for its user."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from volunteers.demo import PROVINCE_CODE, VINH_PHUC

    def cookie(username: str) -> str:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client.cookies["sessionid"].value

    volunteer, leader, officer = cookie("tnv.vinhphuc"), cookie("lanhdao.vinhphuc"), cookie("tinhdoan.phutho")
    # The volunteer's shift now: where /my/shifts/now/ sends them (measured without the redirect).
    client = Client()
    client.force_login(get_user_model().objects.get(username="tnv.vinhphuc"))
    recording = client.get("/my/shifts/now/", HTTP_HOST="127.0.0.1")
    recording_path = recording.url if recording.status_code == 302 else "/my/shifts/now/"
    return [
        ("sign-in", "/accounts/login/", None),
        ("home", "/", volunteer),
        ("recording page", recording_path, volunteer),
        ("dashboard", f"/communes/{VINH_PHUC}/dashboard/", leader),
        ("province overview", f"/provinces/{PROVINCE_CODE}/overview/", officer),
    ]


def _lighthouse(url: str, cookie: str | None, output: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        "--only-categories=performance,accessibility",
        "--form-factor=mobile",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": f"sessionid={cookie}"}))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads(output.read_text())
    failed = [
        audit["id"]
        for audit in report["audits"].values()
        if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") == "binary"
    ]
    return {
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "final_url": report.get("finalDisplayedUrl") or report.get("finalUrl"),
        "failed": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median is reported")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is missing: run `npm ci` first.")
    workdir = Path(tempfile.mkdtemp(prefix="xks-lighthouse-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.lighthouse_settings",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}",
    }
    env.pop("DEBUG", None)
    _prepare(env)
    pages = _pages(env)
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT,
        env=env,
    )
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        results = []
        for name, path, cookie in pages:
            runs = [
                _lighthouse(f"http://127.0.0.1:{port}{path}", cookie, workdir / f"{name}-{run}.json")
                for run in range(args.runs)
            ]
            results.append(
                {
                    "page": name,
                    "path": path,
                    "final_url": runs[-1]["final_url"],
                    "accessibility": statistics.median(run["accessibility"] for run in runs),
                    "performance": statistics.median(run["performance"] for run in runs),
                    "all_performance": [run["performance"] for run in runs],
                    "failed_audits": sorted({audit for run in runs for audit in run["failed"]}),
                }
            )
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"{'page':<20} {'accessibility':>13} {'performance':>11}  runs")
    for row in results:
        print(
            f"{row['page']:<20} {row['accessibility']:>13} {row['performance']:>11}  {row['all_performance']}"
        )
        if row["failed_audits"]:
            print(f"{'':<20} failed: {', '.join(row['failed_audits'])}")
    (workdir / "summary.json").write_text(json.dumps(results, indent=2))
    print(f"reports in {workdir}")


if __name__ == "__main__":
    main()
