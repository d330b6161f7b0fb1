"""The project's WSGI application plus ONE bench-only URL, for bench/submit.py (never the product).

gunicorn serves it as `_benchapp:application` with `--pythonpath bench`. Every URL of
`govserve.urls` answers as in production; `POST /bench/bare-insert/` goes through the same
middleware (sessions, locale, CSRF — exempted here, as DRF exempts its views — auth, OTP,
messages, axes) and writes one row into the small table `bench_bare_insert` that
bench/submit.py creates: the baseline "the same server doing a bare insert".

`BENCH_CONN_MAX_AGE` (seconds) sets how long a worker keeps its database connection, for the
product's URLs and the baseline alike.
"""

from __future__ import annotations

import json
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govserve.settings")
_django_app = get_wsgi_application()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

TABLE = "bench_bare_insert"


@csrf_exempt
def bare_insert(request: HttpRequest):
    """Read the request body as JSON and insert one row (autocommit): 201 with its id."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = json.loads(request.body or b"{}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (key, item) VALUES (%s, %s) RETURNING id",
            [request.headers.get("Idempotency-Key", ""), str(body.get("item", ""))],
        )
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk}, status=201)


urlpatterns = [
    path("bench/bare-insert/", bare_insert),
    path("", include("govserve.urls")),
]

settings.ROOT_URLCONF = __name__
if "BENCH_CONN_MAX_AGE" in os.environ:
    connections["default"].settings_dict["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])

application = _django_app
