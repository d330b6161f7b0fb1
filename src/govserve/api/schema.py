"""The OpenAPI schema tells the truth: who may call an operation and what it may answer.

`AutoSchema` is `REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`. On top of drf-spectacular's it

- marks an operation open to anonymous callers with the empty security requirement (`{}`,
  "no authentication needed") whenever its permission classes let an anonymous request through
  — the public catalog reads (`ScopedWrites` on a read), the holiday notices, `AllowAny`, no
  permission at all (each permission class is asked about a caller nobody signed in);
- documents the error answers each operation can give, every one with the shared `Error`
  body (`api/errors.py`: `{"detail": "…"}` or `{"字段": ["…"]}`):

  - 400: the operation reads a body or query parameters, or changes something (a body that
    does not parse, a refused value);
  - 401: a bearer token or Basic credentials are sent and are invalid, expired or revoked, or
    the operation needs a signed-in caller;
  - 403: the caller may not do this (role, region, ownership), the token lacks the scope, or a
    session request lacks its CSRF token — not on reads open to all without a scope;
  - 404: a record named in the path does not exist or is not the caller's to see;
  - 409: a change that conflicts with the records as they are (a duplicate code, a state that
    no longer allows it);
  - 413: the body is larger than the endpoint takes (`core/parsers.py`);
  - 429: Basic credentials of an account locked after failed sign-ins (`accounts/lockout.py`),
    or a throttled view (registration).

  A view adds a code the rules above do not foresee by naming it in `extend_schema(responses=
  {…, 404: None})`: a 4xx declared without a body gets the shared `Error` body.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

ERROR_DESCRIPTION = _(
    '出错说明：{"detail": "…"}（整个请求），或按字段 {"字段": ["…"]}'
    "（non_field_errors：不属于某一字段的错误）"
)

ERRORS = {
    400: _("请求有误：请求内容无法解析，或字段值不符合要求"),
    401: _("未登录，或访问令牌、用户名密码无效、已过期或已撤销"),
    403: _("无权进行此操作（岗位、区划、本人记录或令牌授权范围不符）"),
    404: _("记录不存在，或不在您可以查看的范围内"),
    409: _("与已有记录或记录当前的状态冲突"),
    413: _("请求内容过大"),
    429: _("请求过于频繁，或账户因多次登录失败已被锁定"),
}

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        if {} not in auths and self._allows_anonymous():
            auths.append({})
        return auths

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = self._error_codes()
        for declared, response in list(responses.items()):  # declared 4xx without a body
            if declared.isdigit() and int(declared) in ERRORS and "content" not in response:
                codes.add(int(declared))
                del responses[declared]
        for code in sorted(codes):
            if str(code) not in responses:
                responses[str(code)] = self._error_response(code)
        return responses

    # -- fields as DRF writes them out ---------------------------------------------------------
    def _get_serializer_field_meta(self, field: Any, direction: Any) -> dict[str, Any]:
        """`nullable` where DRF writes null although the field does not `allow_null`: a file
        field with no file, and a field whose default is None (a relation through an empty
        foreign key, `source="region.code", default=None`)."""
        meta = super()._get_serializer_field_meta(field, direction)
        if direction != "response" or not isinstance(field, serializers.Field):
            return meta
        if (
            isinstance(field, serializers.FileField)
            or (field.default is None and not isinstance(field, serializers.ManyRelatedField))
            or _null_in_database(field)
        ):
            meta["nullable"] = True
        return meta

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        """A formatted string that may be blank (an e-mail address or a web address left
        empty) is either a well-formed value or "": the format alone would refuse "". So is a
        read-only choice over a column that may be blank (a task's outcome before it is done)."""
        if (
            direction == "response"
            and isinstance(field, serializers.ChoiceField)
            and not field.allow_blank
            and "" not in field.choices
            and _blank_in_database(field)
        ):
            field = copy.copy(field)
            field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.CharField)
            and (field.allow_blank or (direction == "response" and _blank_in_database(field)))
            and isinstance(schema, dict)
            and schema.get("type") == "string"
            and "format" in schema
        ):
            formatted = {k: schema.pop(k) for k in ("type", "format", "maxLength") if k in schema}
            schema["anyOf"] = [formatted, {"type": "string", "maxLength": 0}]
        return schema

    # -- who may call ---------------------------------------------------------------------
    def _allows_anonymous(self) -> bool:
        """Whether every permission class lets an anonymous request of this method through,
        as the classes themselves answer (`has_permission` for a caller nobody signed in);
        a class that cannot answer without a real request counts as refusing."""
        anonymous = Request(APIRequestFactory().generic(self.method, self.path))
        anonymous.user = AnonymousUser()
        for permission in self.view.get_permissions():
            try:
                if not permission.has_permission(anonymous, self.view):
                    return False
            except Exception:
                return False
        return True

    def _scopes(self, auths: list[dict[str, Any]]) -> bool:
        return any(scopes for requirement in auths for scopes in requirement.values())

    # -- what it may answer ----------------------------------------------------------------
    def _error_codes(self) -> set[int]:
        codes: set[int] = set()
        authenticators = self.view.get_authenticators()
        anonymous = self._allows_anonymous()
        changes = self.method in UNSAFE
        body = self.method in {"POST", "PUT", "PATCH"}
        parameters = self._get_parameters()
        in_query = any(p.get("in") == "query" for p in parameters)
        in_path = any(p.get("in") == "path" for p in parameters)
        if body or in_query:
            codes.add(400)
        if authenticators or not anonymous:
            codes.add(401)
        scoped = self._scopes(self.get_auth())
        session = any(isinstance(a, SessionAuthentication) for a in authenticators)
        if not anonymous or scoped or (changes and session):
            codes.add(403)
        if in_path:
            codes.add(404)
        if changes:
            codes.add(409)
        if body:
            codes.add(413)
        basic = any(isinstance(a, BasicAuthentication) for a in authenticators)
        if basic or getattr(self.view, "throttle_classes", None):
            codes.add(429)
        return codes

    def _error_response(self, code: int) -> dict[str, Any]:
        schema = ResolvedComponent(
            name="Error",
            type=ResolvedComponent.SCHEMA,
            object="Error",
            schema={
                "type": "object",
                "description": str(ERROR_DESCRIPTION),
                "properties": {"detail": {"type": "string", "description": str(_("出错原因"))}},
                # Field name -> its messages (strings; objects for rows of a list).
                "additionalProperties": {},
            },
        )
        self.registry.register_on_missing(schema)
        response = ResolvedComponent(
            name=f"Error{code}",
            type=ResolvedComponent.RESPONSE,
            object=f"Error{code}",
            schema={
                "description": str(ERRORS[code]),
                "content": {"application/json": {"schema": schema.ref}},
            },
        )
        self.registry.register_on_missing(response)
        return response.ref


def _column(field: serializers.Field) -> Any:
    """The model field a model serializer's field reads directly, if any."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    source = field.source if isinstance(field.source, str) else ""
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        return model._meta.get_field(source)
    except Exception:  # not a model field: a property or a method
        return None


def _null_in_database(field: serializers.Field) -> bool:
    """A column that may hold NULL is written out as null, even when the serializer refuses
    null on the way in (`extra_kwargs={"allow_null": False}`)."""
    column = _column(field)
    return column is not None and bool(column.null) and not column.many_to_many


def _blank_in_database(field: serializers.Field) -> bool:
    """A column that may hold "" (blank=True) is written out as "", read-only or not."""
    column = _column(field)
    return column is not None and bool(getattr(column, "blank", False))
