"""The four measurements of `make bench`. Every figure is paired with a baseline from the same run."""

import contextlib
import datetime
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import sql
from bench.chromium import FLAGS, chromium_path
from bench.stats import summary, timed
from reports.periods import Period
from sessions.models import Attendance, HelpRecord, HelpSession, Service
from volunteers.models import Volunteer

PROJECT = Path(__file__).resolve().parent.parent


class QueryCounter:
    """Counts the SQL statements a request runs (Django resets its own log at each request)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def __len__(self):
        return self.count


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _busiest_month():
    """The last month of generated data (records made by the benchmark itself are left out)."""
    latest = (
        HelpRecord.objects.filter(recorded_by__username="bench.recorder")
        .order_by("-helped_at")
        .values_list("helped_at", flat=True)
        .first()
    )
    local = timezone.localtime(latest)
    return Period(local.year, local.month)


def _bench_commune():
    from volunteers.models import RoleAssignment

    return RoleAssignment.objects.get(user__username="bench.secretary").commune


def _sql_lower_bound(statements: list[str], params: dict, repeat: int) -> dict:
    def run():
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement, params)
                cursor.fetchall()

    for _ in range(3):
        run()
    return {**summary([timed(run) for _ in range(repeat)]), "queries": len(statements)}


def _page(client: Client, url: str, repeat: int) -> dict:
    for _ in range(3):
        assert client.get(url).status_code == 200
    with QueryCounter() as queries:
        client.get(url)
    samples = [timed(lambda: client.get(url)) for _ in range(repeat)]
    return {**summary(samples), "queries": len(queries)}


def dashboard(repeat: int) -> dict:
    period, commune = _busiest_month(), _bench_commune()
    url = reverse("reports:dashboard", kwargs={"code": commune.code}) + f"?period={period.key()}"
    window = period.months_back(12)[0]
    params = {
        "commune": commune.code,
        "start": period.start,
        "end": period.end,
        "window_start": window.start,
        "first_day": period.first_day,
        "next_first_day": period.next_first_day,
        "window_first_day": window.first_day,
        "previous_first_day": period.previous().first_day,
    }
    app = _page(_client("bench.leader"), url, repeat)
    floor = _sql_lower_bound(sql.DASHBOARD, params, repeat)
    records = HelpRecord.objects.filter(
        commune=commune, helped_at__gte=period.start, helped_at__lt=period.end
    ).count()
    return {
        "what": f"dashboard {commune.name} {period.label()} ({records:,} records that month)",
        "app": app,
        "baseline": floor,
        "ratio": round(app["median_ms"] / floor["median_ms"], 2),
    }


def overview(repeat: int) -> dict:
    period, commune = _busiest_month(), _bench_commune()
    url = (
        reverse("reports:province_overview", kwargs={"province_code": commune.province_id})
        + f"?period={period.key()}"
    )
    params = {
        "province": commune.province_id,
        "start": period.start,
        "end": period.end,
        "first_day": period.first_day,
        "next_first_day": period.next_first_day,
    }
    app = _page(_client("bench.officer"), url, repeat)
    floor = _sql_lower_bound(sql.PROVINCE, params, repeat)
    return {
        "what": f"province overview {period.label()}",
        "app": app,
        "baseline": floor,
        "ratio": round(app["median_ms"] / floor["median_ms"], 2),
    }


def _today_shift():
    """A new shift today for each measure, so that a run does not depend on how many records
    earlier runs left on one shift (the answer to each tap sums the shift's records)."""
    volunteer = Volunteer.objects.get(user__username="bench.volunteer")
    session = HelpSession.objects.create(
        commune=_bench_commune(),
        date=timezone.localdate(),
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59),
        place_kind="service_centre",
        volunteers_needed=50,
    )
    Attendance.objects.create(session=session, volunteer=volunteer)
    return session


def recording(repeat: int) -> dict:
    session = _today_shift()
    service = Service.objects.get(code="vneid_install")
    client = _client("bench.volunteer")
    record_url = reverse(
        "sessions:record_create", kwargs={"code": session.commune_id, "session_id": session.pk}
    )
    floor_url = reverse("bench_floor", args=[session.pk, session.commune_id, service.pk])

    def post_record():
        response = client.post(
            record_url,
            {"service": service.code, "citizen_count": 1, "client_id": str(uuid.uuid4())},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 201, response.status_code

    def post_floor():
        assert client.post(floor_url).status_code == 201

    for _ in range(5):
        post_record()
        post_floor()
    with QueryCounter() as record_queries:
        post_record()
    with QueryCounter() as floor_queries:
        post_floor()
    app, floor = [], []
    for _ in range(repeat):  # alternate, so that both see the same state of the machine
        app.append(timed(post_record))
        floor.append(timed(post_floor))
    app_summary = {**summary(app), "queries": len(record_queries)}
    floor_summary = {**summary(floor), "queries": len(floor_queries)}
    return {
        "what": "record one citizen (quick-record POST) vs floor view",
        "app": app_summary,
        "baseline": floor_summary,
        "ratio": round(app_summary["median_ms"] / floor_summary["median_ms"], 2),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _gunicorn(workers: int):
    """The app under gunicorn on a free loopback port, as deployed; yields the port."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def _signed_in(username: str) -> tuple[dict, str]:
    """Headers of a signed-in browser (session and CSRF cookies), and the session key."""
    user = get_user_model().objects.get(username=username)
    login = Client()
    login.force_login(user)
    session_cookie = login.cookies["sessionid"].value
    csrf = _get_new_csrf_string()
    headers = {
        "Cookie": f"sessionid={session_cookie}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Host": "127.0.0.1",
    }
    return headers, session_cookie


def sustained(seconds: float, clients: int, workers: int) -> dict:
    """Recording through gunicorn on loopback with concurrent clients, for a fixed time; then the
    floor view the same way, as the baseline (clients and server share the machine's cores)."""
    session = _today_shift()
    service = Service.objects.get(code="vneid_install")
    headers, _key = _signed_in("bench.volunteer")
    headers.update({"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"})
    record_path = reverse(
        "sessions:record_create", kwargs={"code": session.commune_id, "session_id": session.pk}
    )
    floor_path = reverse("bench_floor", args=[session.pk, session.commune_id, service.pk])

    def tap_body():
        return f"service=vneid_install&citizen_count=1&client_id={uuid.uuid4()}", 1

    with _gunicorn(workers) as port:
        app = _hammer(port, record_path, headers, seconds, clients, tap_body, _created)
        floor = _hammer(port, floor_path, headers, seconds, clients, tap_body, _created)
    return {
        "what": f"recording through gunicorn ({workers} workers, {clients} clients, {seconds:.0f} s)",
        **app,
        "baseline": floor,
        "ratio": round(floor["records_per_second"] / app["records_per_second"], 2),
    }


def _created(status: int, _body: bytes, sent: int) -> int:
    return sent if status == 201 else 0


def sync(seconds: float, clients: int, workers: int, batch: int = 200) -> dict:
    """A phone's kept entries through gunicorn: POST /my/sync/ with `batch` new entries each, from
    concurrent clients, for a fixed time; counted are the entries the server answered "saved".
    The baseline reads the same JSON and inserts the rows in one statement, with no rules."""
    session = _today_shift()
    service = Service.objects.get(code="vneid_install")
    user = get_user_model().objects.get(username="bench.volunteer")
    headers, _key = _signed_in("bench.volunteer")
    headers["Content-Type"] = "application/json"
    floor_path = reverse("bench_floor_batch", args=[session.pk, session.commune_id, service.pk])

    def batch_body():
        now = round(time.time() * 1000)
        entries = [
            {
                "client_id": str(uuid.uuid4()),
                "session": session.pk,
                "kind": "tap",
                "service": service.code,
                "citizen_count": 1,
                "device_time": now,
            }
            for _ in range(batch)
        ]
        return json.dumps({"sent_at": now, "user": user.pk, "entries": entries}), batch

    def saved(status: int, body: bytes, sent: int) -> int:
        if status != 200:
            return 0
        return sum(result["status"] == "saved" for result in json.loads(body)["results"])

    with _gunicorn(workers) as port:
        app = _hammer(port, reverse("sessions:record_sync"), headers, seconds, clients, batch_body, saved)
        floor = _hammer(port, floor_path, headers, seconds, clients, batch_body, _created)
    return {
        "what": f"batch sync of {batch} through gunicorn "
        f"({workers} workers, {clients} clients, {seconds:.0f} s)",
        **app,
        "baseline": floor,
        "ratio": round(floor["records_per_second"] / app["records_per_second"], 2),
    }


# A phone in a village (issue 11): 400 kbps each way, 400 ms round trip, a CPU four times slower.
SLOW_LINK = {"latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
SLOW_CPU = 4

# Notes the moment of each tap on a service button and the moment the volunteer's count changes.
_WATCH_TAPS = """
() => {
  window.benchTaps = [];
  let tappedAt = null;
  document.addEventListener("click", (event) => {
    if (event.target.closest("button[data-service]")) tappedAt = performance.now();
  }, true);
  new MutationObserver(() => {
    if (tappedAt !== null) { window.benchTaps.push(performance.now() - tappedAt); tappedAt = null; }
  }).observe(document.getElementById("my-total"), { childList: true, characterData: true, subtree: true });
}
"""
_ONE_REQUEST = """
async () => {
  const started = performance.now();
  await fetch("/healthz", { cache: "no-store" });
  return performance.now() - started;
}
"""


def tap_to_count(taps: int) -> dict:
    """Debian's Chromium at phone size on a throttled link and CPU, driven by Playwright: the time
    from a tap to the volunteer's count changing on screen. The baseline is one request on the same
    link: the count no longer waits for the network."""
    from playwright.sync_api import sync_playwright

    session = _today_shift()
    headers, session_key = _signed_in("bench.volunteer")
    csrf = headers["X-CSRFToken"]
    record_path = reverse(
        "sessions:record_page", kwargs={"code": session.commune_id, "session_id": session.pk}
    )
    with _gunicorn(2) as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        try:
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="vi-VN"
            )
            base = f"http://127.0.0.1:{port}"
            context.add_cookies(
                [
                    {"name": "sessionid", "value": session_key, "url": base},
                    {"name": "csrftoken", "value": csrf, "url": base},
                ]
            )
            page = context.new_page()
            page.goto(base + record_path)
            page.locator("#outbox-bar").wait_for()
            devtools = context.new_cdp_session(page)
            devtools.send("Network.enable")
            devtools.send("Network.emulateNetworkConditions", {"offline": False, **SLOW_LINK})
            devtools.send("Emulation.setCPUThrottlingRate", {"rate": SLOW_CPU})
            page.evaluate(_WATCH_TAPS)
            button = page.locator("button[data-service=vneid_install]").first
            for done in range(taps):
                button.click()
                page.wait_for_function("n => window.benchTaps.length > n", arg=done, timeout=30_000)
                page.wait_for_timeout(300)  # a volunteer's pace, not a burst
            tap_ms = page.evaluate("window.benchTaps")
            request_ms = [page.evaluate(_ONE_REQUEST) for _ in range(max(5, taps // 3))]
            page.wait_for_function(
                "document.querySelector('[data-testid=pending]').dataset.count === '0'", timeout=120_000
            )
        finally:
            browser.close()
    saved = HelpRecord.objects.filter(session=session, deleted_at__isnull=True).count()
    app, baseline = summary([ms / 1000 for ms in tap_ms]), summary([ms / 1000 for ms in request_ms])
    return {
        "what": "tap to count on a throttled phone (400 kbps, 400 ms RTT, 4x CPU)",
        "app": {**app, "taps": len(tap_ms), "saved": saved},
        "baseline": baseline,
        "ratio": round(app["median_ms"] / baseline["median_ms"], 2),
    }


def _hammer(port: int, path: str, headers: dict, seconds: float, clients: int, make_body, count_ok) -> dict:
    """POST bodies from `clients` threads with keep-alive for `seconds`. `make_body()` gives a body
    and how many entries it carries; `count_ok(status, body, sent)` how many of them were saved."""
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def hammer():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ok = errors = 0
        while time.monotonic() < stop:
            body, sent = make_body()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                saved = count_ok(response.status, response.read(), sent)
                ok += saved
                errors += sent - saved
            except (OSError, http.client.HTTPException):
                errors += sent
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            counts["ok"] += ok
            counts["errors"] += errors

    started = time.monotonic()
    threads = [threading.Thread(target=hammer) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "records_per_second": round(counts["ok"] / elapsed, 1),
        "ok": counts["ok"],
        "errors": counts["errors"],
    }


def export(year: int | None = None) -> dict:
    """A province-year .xlsx of records, built in a separate process to read its peak memory."""
    commune = _bench_commune()
    year = year or _busiest_month().year
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    baseline = subprocess.run(
        [sys.executable, "-m", "bench.export_probe", "--baseline"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    probe = subprocess.run(
        [sys.executable, "-m", "bench.export_probe", str(commune.province_id), str(year)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    base, result = json.loads(baseline.stdout), json.loads(probe.stdout)
    return {"what": f"province-year .xlsx export ({year})", **result, "baseline_peak_mb": base["peak_mb"]}


def sizes() -> dict:
    return {
        "records": HelpRecord.objects.count(),
        "shifts": HelpSession.objects.count(),
        "attendances": Attendance.objects.count(),
        "communes_with_records": HelpRecord.objects.values("commune").aggregate(
            n=Count("commune", distinct=True)
        )["n"],
    }


MEASURES = ("dashboard", "overview", "recording", "sustained", "sync", "tap_to_count", "export")


def run_all(quick: bool = False, only: tuple[str, ...] = MEASURES) -> dict:
    if not HelpRecord.objects.exists():
        raise SystemExit("make bench: no records; run `python -m bench generate` first (make bench does).")
    repeat = 10 if quick else 40
    results = {"sizes": sizes(), "machine": f"{os.cpu_count()} cores", "when": timezone.now().isoformat()}
    measures = {
        "dashboard": lambda: dashboard(repeat),
        "overview": lambda: overview(repeat),
        "recording": lambda: recording(repeat * 5),
        "sustained": lambda: sustained(
            seconds=3 if quick else 20, clients=4 if quick else 16, workers=2 if quick else 4
        ),
        "sync": lambda: sync(
            seconds=3 if quick else 20, clients=2 if quick else 4, workers=2 if quick else 4
        ),
        "tap_to_count": lambda: tap_to_count(taps=10 if quick else 30),
        "export": export,
    }
    for name in MEASURES:
        if name in only:
            results[name] = measures[name]()
    return results


def table(results: dict) -> str:
    sizes_line = ", ".join(f"{key} {value:,}" for key, value in results["sizes"].items())
    lines = [
        f"Data: {sizes_line} ({results['machine']})",
        "",
        f"{'measure':<58} {'median':>9} {'p95':>9} {'queries':>8}   {'baseline median':>16} {'ratio':>6}",
    ]
    for key in ("dashboard", "overview", "recording"):
        if key not in results:
            continue
        row = results[key]
        app, base = row["app"], row["baseline"]
        lines.append(
            f"{row['what'][:58]:<58} {app['median_ms']:>7.1f}ms {app['p95_ms']:>7.1f}ms {app['queries']:>8}"
            f"   {base['median_ms']:>11.1f}ms ({base['queries']}) {row['ratio']:>5.2f}x"
        )
    if "sustained" in results:
        sustained = results["sustained"]
        floor = sustained["baseline"]
        lines.append(
            f"{sustained['what']}: {sustained['records_per_second']} records/s, "
            f"{sustained['ok']:,} saved, {sustained['errors']} errors; floor view "
            f"{floor['records_per_second']} rows/s, {floor['errors']} errors"
        )
    if "sync" in results:
        row = results["sync"]
        lines.append(
            f"{row['what']}: {row['records_per_second']} entries/s, {row['ok']:,} saved, "
            f"{row['errors']} errors;"
            f" floor (one INSERT per batch) {row['baseline']['records_per_second']} rows/s"
        )
    if "tap_to_count" in results:
        row = results["tap_to_count"]
        lines.append(
            f"{row['what']}: tap to count median {row['app']['median_ms']:.0f} ms, "
            f"p95 {row['app']['p95_ms']:.0f} ms;"
            f" one request on that link {row['baseline']['median_ms']:.0f} ms ({row['ratio']:.2f}x)"
        )
    if "export" in results:
        export = results["export"]
        lines.append(
            f"{export['what']}: {export['rows']:,} rows in {export['seconds']:.1f} s, peak memory "
            f"{export['peak_mb']:.0f} MB (a bare Django process: {export['baseline_peak_mb']:.0f} MB)"
        )
    return "\n".join(lines)
