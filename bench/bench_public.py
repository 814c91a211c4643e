"""The public portal under load: the anonymous front page and an anonymous meeting page,
served by gunicorn with the production settings, at 1, 10 and 50 concurrent clients.

Data: the demo data (`loaddemo`) plus `BENCH_PUBLIC_MEETINGS` (2,000) published meetings of a
public body, each with `BENCH_PUBLIC_ITEMS` (8) items with a decision, and their agenda and
minutes publications; made once with bulk inserts and found again by the next run.

Each cell runs `BENCH_PUBLIC_SECONDS` (6) seconds of requests, each client one request after
another on a new connection (gunicorn's sync workers close each one), and reports p50 / p95 /
p99 in ms, requests per second and errors (a refused or broken connection, or a 5xx). "Warm"
is the same with the ETag of the first answer sent as If-None-Match, as a browser or a
reverse proxy revalidating its copy does: the app answers 304 without the body (it still
renders the page to compare; see the README). The status codes seen are printed with each
cell, so a page that is not yet public (a redirect to login) shows as such.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from meetings.models import AgendaItem, Body, Decision, Meeting, MeetingTransition

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = int(os.environ.get("BENCH_PUBLIC_MEETINGS", "2000"))
ITEMS = int(os.environ.get("BENCH_PUBLIC_ITEMS", "8"))
SECONDS = float(os.environ.get("BENCH_PUBLIC_SECONDS", "6"))
WORKERS = int(os.environ.get("BENCH_PUBLIC_WORKERS", "3"))
CLIENTS = (1, 10, 50)
BODY_SLUG = "bench-byraad"


def build_data() -> Meeting:
    """The demo data and the public body's meetings; returns a published meeting to load."""
    call_command("loaddemo", verbosity=0)
    body, _created = Body.objects.get_or_create(
        slug=BODY_SLUG, defaults={"name": "Benchmark-byrådet", "public": True}
    )
    have = body.meetings.count()
    if have < MEETINGS:
        started = time.perf_counter()
        secretary, _created = get_user_model().objects.get_or_create(username="bench-sekretaer")
        first = timezone.make_aware(dt.datetime(2005, 1, 3, 17, 0))
        meetings = Meeting.objects.bulk_create(
            Meeting(
                body=body,
                starts_at=first + dt.timedelta(days=4 * n),
                location="Byrådssalen",
                status=Meeting.Status.PUBLISHED,
                agenda_published_at=first + dt.timedelta(days=4 * n - 7),
            )
            for n in range(have, MEETINGS)
        )
        for start in range(0, len(meetings), 200):
            batch = meetings[start : start + 200]
            items = AgendaItem.objects.bulk_create(
                AgendaItem(
                    meeting=m,
                    number=n,
                    title=f"Sag nr. {n} om vejene, skolerne og budgettet",
                    background="<p>" + "Forvaltningen indstiller, at sagen behandles. " * 20,
                    closed=(n == ITEMS),
                    agenda_published_at=m.agenda_published_at,
                )
                for m in batch
                for n in range(1, ITEMS + 1)
            )
            Decision.objects.bulk_create(
                Decision(
                    item=item,
                    text="<p>Godkendt som indstillet.</p>",
                    outcome=Decision.Outcome.APPROVED,
                    public_text="Byrådet godkendte indstillingen." if item.closed else "",
                )
                for item in items
            )
            MeetingTransition.objects.bulk_create(
                MeetingTransition(
                    meeting=m, action=action, from_status=m.status, to_status=m.status, by=secretary
                )
                for m in batch
                for action in (
                    MeetingTransition.Action.PUBLISH_AGENDA,
                    MeetingTransition.Action.PUBLISH,
                )
            )
        print(f"built {len(meetings)} meetings in {time.perf_counter() - started:.0f} s")
    meeting = body.meetings.order_by("-starts_at").first()
    assert meeting is not None
    return meeting


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "referat.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
    }
    # Production serves static files through WhiteNoise's manifest: collect them first.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "referat.wsgi", "-w", str(WORKERS),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(port, "/")
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    proxy_cache_path {tmp}/cache keys_zone=referat:10m max_size=100m inactive=10m;
    upstream app {{ server 127.0.0.1:{app}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host 127.0.0.1;
            proxy_cache referat;
            proxy_cache_bypass $cookie_sessionid;
            proxy_no_cache $cookie_sessionid;
            proxy_cache_revalidate on;
            proxy_cache_use_stale updating error timeout;
            add_header X-Cache $upstream_cache_status;
        }}
    }}
}}
"""


def start_nginx(app_port: int, port: int, tmp: Path) -> subprocess.Popen[bytes] | None:
    """nginx as the README configures it, in front of gunicorn, when it is installed."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        return None
    tmp.chmod(0o777)  # nginx's workers drop to an unprivileged user when started as root
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, app=app_port, port=port))
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            get(port, "/")
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    return None


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        conn.close()


def run_cell(
    port: int, path: str, clients: int, headers: dict[str, str]
) -> tuple[list[float], Counter[str], float]:
    times: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def client() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _headers = get(port, path, headers)
                outcome = str(status)
            except OSError as error:
                outcome = type(error).__name__
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                statuses[outcome] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, statuses, time.monotonic() - began


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    meeting = build_data()
    port = free_port()
    proc = start_gunicorn(port)
    cache_dir = Path(tempfile.mkdtemp(prefix="referat-nginx-"))
    proxy_port = free_port()
    proxy = start_nginx(port, proxy_port, cache_dir)
    try:
        pages = {"front page /": "/", "meeting page": meeting.get_absolute_url()}
        print(
            f"gunicorn, {WORKERS} sync workers, referat.settings.production; "
            f"{Meeting.objects.filter(body__public=True).count()} public meetings, "
            f"{SECONDS:.0f} s per cell; ms"
        )
        print(f"{'page':<14} {'cache':<5} {'clients':>7} {'p50':>7} {'p95':>7} {'p99':>7} "
              f"{'req/s':>7} {'errors':>6}  statuses")  # fmt: skip
        for name, path in pages.items():
            status, first = get(port, path)
            etag = first.get("ETag", "")
            for mode in ("cold", "warm"):
                if mode == "warm" and not etag:
                    print(f"{name:<14} warm  (no ETag: status {status}, not cacheable)")
                    continue
                headers = {"If-None-Match": etag} if mode == "warm" else {}
                for clients in CLIENTS:
                    _cell(name, mode, port, path, clients, headers)
        if proxy is None:
            print("nginx is not installed: no figures with a cache in front")
            return
        # The README's nginx in front: the first request fills its cache, the rest are hits
        # for max-age (60 s), revalidated with the app's ETag afterwards.
        for name, path in pages.items():
            status, first = get(proxy_port, path)
            for clients in CLIENTS:
                _cell(name, "nginx", proxy_port, path, clients, {})
            _status, again = get(proxy_port, path)
            print(
                f"{name:<14} nginx cache: first {first.get('X-Cache')}, then {again.get('X-Cache')}"
            )
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=20)
        shutil.rmtree(cache_dir, ignore_errors=True)
        proc.terminate()
        proc.wait(timeout=20)


def _cell(
    name: str, mode: str, port: int, path: str, clients: int, headers: dict[str, str]
) -> None:
    times, statuses, took = run_cell(port, path, clients, headers)
    errors = sum(n for s, n in statuses.items() if not s.isdigit() or s.startswith("5"))
    print(
        f"{name:<14} {mode:<5} {clients:>7} {pct(times, 50):>7.1f} "
        f"{pct(times, 95):>7.1f} {pct(times, 99):>7.1f} "
        f"{len(times) / took:>7.1f} {errors:>6}  {dict(statuses)}",
        flush=True,
    )
