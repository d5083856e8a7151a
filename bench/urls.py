"""The app's URLs plus the benchmark's floor: the least a Django view can do to record a row."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as app_urlpatterns
from sessions.models import HelpRecord


@require_POST
@login_required
def floor(request, session_id, commune_id, service_id):
    """Insert one record, no access checks, no validation, no page: the floor to compare with."""
    HelpRecord.objects.create(
        session_id=session_id, commune_id=commune_id, service_id=service_id, recorded_by=request.user
    )
    return HttpResponse("ok", status=201)


floor.access_action = "public"  # never part of the app; exists only in benchmark runs


@require_POST
@login_required
def floor_batch(request, session_id, commune_id, service_id):
    """Read a JSON batch and insert one row per entry in one statement: no access checks, no
    per-entry rules or answers. The floor for the phone's batch sync."""
    entries = json.loads(request.body)["entries"]
    HelpRecord.objects.bulk_create(
        HelpRecord(
            session_id=session_id,
            commune_id=commune_id,
            service_id=service_id,
            recorded_by=request.user,
            client_id=entry["client_id"],
        )
        for entry in entries
    )
    return JsonResponse({"saved": len(entries)}, status=201)


floor_batch.access_action = "public"

urlpatterns = [
    path("bench/floor/<id:session_id>/<id:commune_id>/<id:service_id>/", floor, name="bench_floor"),
    path(
        "bench/floor-batch/<id:session_id>/<id:commune_id>/<id:service_id>/",
        floor_batch,
        name="bench_floor_batch",
    ),
    *app_urlpatterns,
]
