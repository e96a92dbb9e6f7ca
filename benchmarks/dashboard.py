"""Steering dashboard over one million visits, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bippop_bench \
        .venv/bin/python benchmarks/dashboard.py [--visits 1000000] [--runs 5] [--write]

Creates (once) a territory with N visits bulk-inserted with ``generate_series``, then times
the whole-territory dashboard over the last twelve months: the figures alone and the full
admin page, each against the raw SQL ``GROUP BY`` over the same visits, run in the same
process so that the ratio holds on a noisy machine. ``--write`` updates the dashboard
section of BENCHMARKS.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from wagtail.models import Site  # noqa: E402

from wagtail_bippop.dashboard import metrics, rollup  # noqa: E402
from wagtail_bippop.dashboard.views import default_period  # noqa: E402
from wagtail_bippop.models import (  # noqa: E402
    Area,
    Beneficiary,
    ContactLog,
    HelpRequest,
    LonelinessAssessment,
    Mission,
    Territory,
    Visit,
    VisitRollup,
    Volunteer,
)

SLUG = "bench-dashboard"
START_MARK = "<!-- dashboard:start -->"
END_MARK = "<!-- dashboard:end -->"


def table(model):
    return model._meta.db_table


def generate(territory, visits):
    """Bulk-insert people, requests, missions and visits in a few SQL statements."""
    people = max(200, visits // 50)
    volunteers = max(50, visits // 500)
    t = territory.pk
    areas = list(Area.objects.filter(territory=territory).values_list("pk", flat=True))
    services = list(territory.services.values_list("pk", flat=True))
    sql = [
        f"""INSERT INTO {table(Beneficiary)} (first_name, last_name, name_key, phone, email,
            address, postcode, city, created_at, updated_at, is_online, preferred_channel,
            fallback_channel, restricted_notes, status, territory_id, area_id)
            SELECT 'P' || g, 'Bench', 'bench p' || g, '', '', '', '', '',
                now() - interval '3 years', now(), g % 4 = 0, 'phone', 'letter', '', 'active',
                {t}, (ARRAY{areas})[1 + g % {len(areas)}]
            FROM generate_series(1, {people}) g""",
        f"""INSERT INTO {table(Volunteer)} (first_name, last_name, name_key, phone, email,
            address, postcode, city, created_at, updated_at, stage, load_cap, has_car,
            mobility_radius_km, directory_opt_in, left_reason, territory_id,
            honourability_checked_on, honourability_compatible)
            SELECT 'V' || g, 'Bench', 'bench v' || g, '', '', '', '', '', now(), now(),
                'active', 3, false, 2, false, '', {t}, current_date, true
            FROM generate_series(1, {volunteers}) g""",
        f"""INSERT INTO {table(HelpRequest)} (reference, requester_kind, requester_name,
            requester_phone, requester_email, requester_organisation, channel, recurrence,
            description, status, created_at, first_contact_at, close_reason, beneficiary_id,
            territory_id)
            SELECT 'BENCH-' || b.id || '-' || k, 'self', '', '', '', '',
                (ARRAY['web','phone','in_person','partner'])[1 + (b.id + k) % 4], 'recurring',
                '', 'matched', now() - (((b.id * 7 + k * 131) % 700) || ' days')::interval,
                now() - (((b.id * 7 + k * 131) % 700) || ' days')::interval
                    + (((b.id + k) % 96) || ' hours')::interval,
                '', b.id, {t}
            FROM {table(Beneficiary)} b, generate_series(1, 2) k WHERE b.territory_id = {t}""",
        f"""INSERT INTO {table(HelpRequest.services.through)} (helprequest_id, servicetype_id)
            SELECT r.id, (ARRAY{services})[1 + r.id % {len(services)}]
            FROM {table(HelpRequest)} r WHERE r.territory_id = {t}""",
        f"""INSERT INTO {table(Mission)} (status, recurrence, start_date, usual_time,
            usual_duration_minutes, created_at, end_reason, request_id, volunteer_id)
            SELECT 'active', 'weekly', r.created_at::date, '14:00', 60, r.created_at, '', r.id,
                (SELECT min(id) FROM {table(Volunteer)} WHERE territory_id = {t})
                    + r.id % {volunteers}
            FROM {table(HelpRequest)} r WHERE r.territory_id = {t}""",
        # One visit every 63 seconds over two years: distinct times, so never twice a slot.
        f"""INSERT INTO {table(Visit)} (starts_at, ends_at, status, duration_minutes, report,
            worry, mission_id)
            SELECT ts, ts + interval '1 hour',
                CASE WHEN g % 10 = 0 THEN 'cancelled' ELSE 'done' END,
                CASE WHEN g % 10 = 0 THEN NULL ELSE 30 + g % 91 END, '', g % 97 = 0,
                m.first + g % m.n
            FROM generate_series(1, {visits}) g,
                (SELECT min(mi.id) AS first, count(*) AS n FROM {table(Mission)} mi
                 JOIN {table(HelpRequest)} r ON r.id = mi.request_id
                 WHERE r.territory_id = {t}) m,
                LATERAL (SELECT now() - (g * interval '63 seconds')) AS s(ts)""",
        f"""INSERT INTO {table(ContactLog)} (kind, occurred_at, reached, summary,
            beneficiary_id)
            SELECT 'call_out', now() - ((b.id % 400) || ' days')::interval, true, '', b.id
            FROM {table(Beneficiary)} b WHERE b.territory_id = {t} AND b.id % 3 = 0""",
        f"""INSERT INTO {table(LonelinessAssessment)} (taken_on, moment, lacks_companionship,
            feels_left_out, feels_isolated, score, created_at, beneficiary_id)
            SELECT current_date - (k * 180 + b.id % 30)::int, 'follow_up', 1 + (b.id + k) % 3,
                1 + (b.id * k) % 3, 1 + k % 3,
                (1 + (b.id + k) % 3) + (1 + (b.id * k) % 3) + (1 + k % 3), now(), b.id
            FROM {table(Beneficiary)} b, generate_series(0, 2) k
            WHERE b.territory_id = {t} AND b.id % 2 = 0""",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)
        cursor.execute("ANALYZE")


def prepare(visits):
    call_command("migrate", verbosity=0)
    territory = Territory.objects.filter(slug=SLUG).first()
    if territory is None:
        site = Site.objects.get(is_default_site=True)
        territory = Territory.objects.create(name="Bench", slug=SLUG, site=site)
        Area.objects.bulk_create(Area(territory=territory, name=f"Area {i}") for i in range(12))
    have = Visit.objects.filter(mission__request__territory=territory).count()
    if have != visits:
        if have:
            raise SystemExit(
                f"The territory already has {have:,} visits; use a fresh database for {visits:,}."
            )
        began = time.perf_counter()
        generate(territory, visits)
        print(f"Inserted {visits:,} visits in {time.perf_counter() - began:.1f} s")
    if not VisitRollup.objects.filter(territory=territory).exists():
        # Bulk SQL inserts bypass the roll-up's receivers: rebuild it, as bulk paths must.
        began = time.perf_counter()
        rollup.rebuild([territory.pk], progress=print)
        print(f"Rolled up in {time.perf_counter() - began:.1f} s")
    return territory


def timed(function, runs):
    function()  # warm the caches once, as a real dashboard would be
    durations = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        durations.append((time.perf_counter() - began) * 1000)
    return statistics.median(durations)


def raw_group_by(territory, start, end):
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT date_trunc('month', v.starts_at) AS month, count(*),
                    sum(v.duration_minutes), count(DISTINCT r.beneficiary_id)
                FROM {table(Visit)} v
                JOIN {table(Mission)} m ON m.id = v.mission_id
                JOIN {table(HelpRequest)} r ON r.id = m.request_id
                WHERE r.territory_id = %s AND v.status = 'done'
                    AND v.starts_at >= %s AND v.starts_at < %s
                GROUP BY 1 ORDER BY 1""",
            [territory.pk, start, end],
        )
        return cursor.fetchall()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database.")
    territory = prepare(args.visits)
    start, end = default_period()
    period = metrics.Period((territory.pk,), start, end)
    user = get_user_model().objects.filter(username="bench").first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench", "bench@example.org", "pw")
    client = Client()
    client.force_login(user)
    url = reverse("wagtail_bippop_steering:dashboard")
    params = {"territory": territory.pk, "start": start, "end": end}

    def page():
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code

    queries = []

    def count_query(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_query):
        metrics.dashboard_figures(period, isolation_days=21)
    in_period = metrics.visit_totals(period)["visits"]
    rollup_rows = VisitRollup.objects.count()
    baseline = timed(lambda: raw_group_by(territory, period.start_at, period.end_at), args.runs)
    figures = timed(lambda: metrics.dashboard_figures(period, isolation_days=21), args.runs)
    whole = timed(page, args.runs)
    rows = [
        ("Raw SQL GROUP BY by month (baseline)", baseline, 1.0),
        ("Dashboard figures (every table)", figures, figures / baseline),
        ("Dashboard admin page, rendered", whole, whole / baseline),
    ]
    lines = [
        f"Visits in the database: {args.visits:,}; done visits in the last twelve months: "
        f"{in_period:,}; database queries for the figures: {len(queries)}; "
        f"median of {args.runs} runs.",
        "",
        "| measure | median ms | ratio to raw SQL |",
        "|---|---:|---:|",
        *(f"| {name} | {ms:.0f} | {ratio:.1f}× |" for name, ms, ratio in rows),
        "",
        f"Target: whole-territory dashboard under 500 ms: "
        f"**{'met' if whole < 500 else 'NOT met'}** ({whole:.0f} ms).",
        "",
        "Data: one territory, 20,000 people, 2,000 volunteers, 40,000 requests and missions, "
        "visits every 63 seconds over two years (90 % done), calls and loneliness measures. "
        f"Visit figures are read from the daily roll-up ({rollup_rows:,} rows for the whole "
        "database: one per day, breakdown key and day each person was last seen, which keeps "
        "people counts exact for any period), kept exact by every write; requests, medians, "
        "isolation and loneliness are queried directly. Wall-clock from Python on a shared "
        f"2-core machine (load average {os.getloadavg()[0]:.1f}): compare the ratios, "
        "not the milliseconds.",
        "",
        "Before the roll-up, on the same data in an earlier run of this command: raw SQL 633 ms, "
        "figures 4,673 ms (7.4×), rendered page 3,681 ms (5.8×). Rebuilding the roll-up from "
        "scratch (`manage.py bippop_rollup --rebuild`) took 52 to 102 s for these 900,000 done "
        "visits.",
    ]
    print("\n".join(lines))
    if args.write:
        write_section(lines)


def write_section(lines):
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = "\n".join(
        [
            START_MARK,
            "## Steering dashboard (1,000,000 visits, PostgreSQL)",
            "",
            "Command: `DATABASE_URL=postgres://… python benchmarks/dashboard.py --write`",
            "",
            *lines,
            END_MARK,
        ]
    )
    if START_MARK in text and END_MARK in text:
        before, rest = text.split(START_MARK, 1)
        text = before + section + rest.split(END_MARK, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)
    print(f"Written to {path.name}")


if __name__ == "__main__":
    main()
