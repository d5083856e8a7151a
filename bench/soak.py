"""`make soak`: mixed traffic through gunicorn on loopback for a bounded time (SOAK_SECONDS, default
600), then errors, p50/p95 per minute and the workers' memory at start and end.

Volunteers record taps with fresh entry ids, a leader reads the dashboard, a secretary lists shifts
and the roster, each from threads of their own. Runs on the benchmark's data (`python -m bench
generate`) and needs PostgreSQL, like `make bench`.
"""

import http.client
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

PROJECT = Path(__file__).resolve().parent.parent


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    if not raw.isdigit() or int(raw) < 1:
        sys.exit(f"make soak: {name}={raw!r} must be a positive whole number")
    return int(raw)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _worker_memory(master_pid: int) -> dict[int, int]:
    """RSS in MB of each gunicorn worker (the master's children), read from /proc."""
    memory = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            memory[int(entry.name)] = int(fields["VmRSS"].split()[0]) // 1024
    return memory


def _session_cookie(username: str) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies["sessionid"].value


def _plan() -> dict:
    """Accounts, URLs and a shift of today for the taps, from the benchmark's data."""
    from django.middleware.csrf import _get_new_csrf_string
    from django.urls import reverse

    from bench.runs import _bench_commune, _busiest_month, _today_shift

    commune = _bench_commune()
    shift = _today_shift()
    month = _busiest_month()
    code = {"code": commune.code}
    csrf = _get_new_csrf_string()
    return {
        "csrf": csrf,
        "cookies": {role: _session_cookie(f"bench.{role}") for role in ("volunteer", "leader", "secretary")},
        "tap": reverse("sessions:record_create", kwargs={**code, "session_id": shift.pk}),
        "dashboard": reverse("reports:dashboard", kwargs=code) + f"?period={month.year}-{month.month:02d}",
        "shifts": reverse("sessions:session_list", kwargs=code),
        "roster": reverse("volunteers:roster", kwargs=code),
    }


def _traffic(
    role: str, port: int, plan: dict, stop: float, results: list, lock: threading.Lock, begun: float
):
    """One user's requests, one after another on a keep-alive connection, until `stop`."""
    headers = {"Cookie": f"sessionid={plan['cookies'][role]}; csrftoken={plan['csrf']}", "Host": "127.0.0.1"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    last_minute = int((stop - begun - 1) // 60)  # a request begun in the last second counts in its minute
    turn = 0
    while time.monotonic() < stop:
        if role == "volunteer":
            time.sleep(0.2)  # a busy desk: a citizen every fraction of a second, not a flood
            kind, method, path, expected = "tap", "POST", plan["tap"], 201
            body = f"service=vneid_install&citizen_count=1&client_id={uuid.uuid4()}"
            request_headers = {
                **headers,
                "X-CSRFToken": plan["csrf"],
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            }
        else:
            kind = "dashboard" if role == "leader" else ("shifts", "roster")[turn % 2]
            method, path, expected, body, request_headers = "GET", plan[kind], 200, None, headers
            time.sleep(0.5)  # people read a page before asking for the next one
        turn += 1
        started = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=request_headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            status = error.__class__.__name__
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        finished = time.monotonic()
        with lock:
            results.append(
                (
                    min(int((started - begun) // 60), last_minute),
                    kind,
                    finished - started,
                    status == expected,
                    status,
                )
            )
    conn.close()


def _report(results: list, memory_start: dict, memory_end: dict, seconds: int, workers: int) -> int:
    by_minute: dict[tuple[int, str], list] = defaultdict(list)
    for minute, kind, latency, ok, status in results:
        by_minute[(minute, kind)].append((latency, ok, status))
    errors = [(minute, kind, status) for minute, kind, _latency, ok, status in results if not ok]
    print(f"\nsoak: {seconds} s, {workers} gunicorn workers, {len(results)} requests, {len(errors)} errors")
    print(f"{'minute':>6} {'kind':<10} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for (minute, kind), rows in sorted(by_minute.items()):
        latencies = [latency * 1000 for latency, _ok, _status in rows]
        failed = sum(1 for _latency, ok, _status in rows if not ok)
        print(
            f"{minute + 1:>6} {kind:<10} {len(rows):>8} {failed:>6} "
            f"{_percentile(latencies, 0.5):>8.1f} {_percentile(latencies, 0.95):>8.1f}"
        )
    if errors:
        print("first errors (minute, kind, status):", errors[:10])
    print("worker RSS MB at start:", sorted(memory_start.values()), "at end:", sorted(memory_end.values()))
    return 1 if errors else 0


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "make soak: needs PostgreSQL with the benchmark's data. Set DATABASE_URL, for example "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/xks_soak, and run `python -m bench "
            "generate --records 20000` once."
        )
    seconds = _env_int("SOAK_SECONDS", 600)
    workers = _env_int("SOAK_WORKERS", 2)
    volunteers = _env_int("SOAK_VOLUNTEERS", 3)
    import django

    django.setup()
    from bench.runs import _free_port

    plan = _plan()
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--log-level", "warning"],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz")
                probe.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("make soak: gunicorn did not start")
                time.sleep(0.2)
        roles = ["volunteer"] * volunteers + ["leader", "secretary"]
        results: list = []
        lock = threading.Lock()
        begun = time.monotonic()
        stop = begun + seconds
        threads = [
            threading.Thread(target=_traffic, args=(role, port, plan, stop, results, lock, begun))
            for role in roles
        ]
        for thread in threads:
            thread.start()
        time.sleep(min(10, seconds / 4))  # every worker has served each kind of page once
        memory_start = _worker_memory(server.pid)
        for thread in threads:
            thread.join()
        memory_end = _worker_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return _report(results, memory_start, memory_end, seconds, workers)


if __name__ == "__main__":
    sys.exit(main())
