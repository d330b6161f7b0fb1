"""The schema tells the truth (api/schema.py): who may call, what may come back, which errors.

The whole API is probed against the schema by `make probe` (bench/probe_api.py, in `.ci/run`);
these pin the rules it relies on, on the generated schema itself, and run schemathesis in
process over the public catalog reads.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from govserve.wsgi import application
from tests.catalog.factories import ImplementationItemFactory, MaterialFactory
from tests.regions.factories import DepartmentFactory, sichuan_tree


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _op(schema, path, method):
    return schema["paths"][path][method]


def _props(schema, component):
    return schema["components"]["schemas"][component]["properties"]


def test_public_reads_need_no_authentication_and_writes_do(schema):
    public = ("/api/items/", "/api/items/{id}/", "/api/regions/", "/api/search/")
    for path in (*public, "/api/workcalendar/notices/"):  # the last by its own permission class
        assert {} in _op(schema, path, "get")["security"], path
    assert {} not in _op(schema, "/api/workcalendar/notices/", "post")["security"]
    for path, method in (("/api/items/", "post"), ("/api/departments/{id}/", "patch")):
        assert {} not in _op(schema, path, method)["security"]
    # Signed-in only, even to read.
    assert {} not in _op(schema, "/api/accounts/me/", "get")["security"]
    assert {} not in _op(schema, "/api/cases/", "get")["security"]


def test_error_answers_are_documented_with_the_shared_error_body(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for code in ("400", "401", "403", "404", "409", "413", "429"):
        response = schema["components"]["responses"][f"Error{code}"]
        assert response["content"]["application/json"]["schema"] == error
    create = _op(schema, "/api/items/", "post")["responses"]
    assert {"201", "400", "401", "403", "409", "413"} <= set(create)
    assert create["400"] == {"$ref": "#/components/responses/Error400"}
    assert "404" not in create  # nothing named in its path
    detail = _op(schema, "/api/items/{id}/", "get")["responses"]
    assert {"200", "404"} <= set(detail)
    assert "413" not in detail and "409" not in detail  # a read without a body
    # Declared by the view (an unknown region), turned into the shared body.
    power = _op(schema, "/api/lists/power/", "get")["responses"]
    assert power["404"] == {"$ref": "#/components/responses/Error404"}
    # Open to all and taking no scope: nobody is refused.
    assert "403" not in _op(schema, "/api/workcalendar/days/", "get")["responses"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Me", "region"),
        ("CaseList", "bundle"),
        ("Department", "uscc"),
        ("Material", "blank_form"),
        ("Material", "sample"),
        ("ItemDetail", "result_sample"),
        ("IssuedLicence", "superseded_by"),
        ("IssuedLicence", "renewal_opens_on"),
        ("Process", "item_name"),
        ("Process", "uploaded_by"),
        ("Task", "claimed_by"),
        ("Task", "completed_by"),
    ],
)
def test_fields_that_can_be_null_say_so(schema, component, field):
    assert _props(schema, component)[field].get("nullable") is True


def test_what_a_client_sends_is_not_nullable_where_the_api_refuses_null(schema):
    assert "nullable" not in _props(schema, "DepartmentRequest")["uscc"]


def test_blank_values_are_allowed_where_the_api_writes_them(schema):
    email = _props(schema, "MaskedUser")["email"]
    assert {"type": "string", "maxLength": 0} in email["anyOf"]
    outcome = _props(schema, "Task")["outcome"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in outcome["oneOf"]


def test_multi_valued_code_tables_are_lists_of_codes(schema):
    for field in ("service_objects", "handling_forms", "online_depth"):
        prop = _props(schema, "ItemDetail")[field]
        assert prop["type"] == "array", field
        assert "$ref" in prop["items"] or "enum" in prop["items"]


def test_item_history_is_a_plain_list(schema):
    ok = _op(schema, "/api/items/{id}/history/", "get")["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["type"] == "array"
    params = {p["name"] for p in _op(schema, "/api/items/{id}/history/", "get")["parameters"]}
    assert params == {"id"}


# -- schemathesis in process: the public catalog reads answer as documented ------------------
@pytest.fixture
def catalog_world(db):
    """A published item with a material that has no blank form or sample (null in the
    answer), and a department without a credit code (imported from a public list)."""
    sichuan_tree()
    item = ImplementationItemFactory(department=DepartmentFactory(uscc=None))
    MaterialFactory(item=item)
    return item


CATALOG_READS = r"^/api/(items|departments|basic-items|regions)/"


@pytest.fixture
def keep_connection():
    """Called in process, the WSGI handler would close the test's database connection at each
    request's end (it is not in autocommit inside the test's transaction): on PostgreSQL the
    next request found it closed. Django's test client disconnects the same receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_public_catalog_reads_conform(catalog_world, keep_connection):
    """Every public catalog read, a few generated requests each, answered as documented."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [
        result.ok()
        for result in schema.include(method="GET", path_regex=CATALOG_READS).get_all_operations()
    ]
    assert len(operations) >= 10
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=3,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            case.call_and_validate(checks=checks)

        conforms()
