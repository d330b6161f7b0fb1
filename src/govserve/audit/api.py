"""API of the electronic archive (电子档案), under /api/licences/ (api/urls.py includes it):

- `GET archive/cases/<id>/package/` — the case's archive package (zip); the applicant and staff
  who may see the case (a staff download is logged as a personal-data read); 404 otherwise.
- `GET archive/verify/` — walk the whole chain and check it against every signed checkpoint
  (`?content=1` also re-reads every archived file and licence register row); system
  administrators and supervisors only.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from govserve.accounts import policies
from govserve.accounts.models import Role
from govserve.cases import permissions, selectors

from .checkpoints import verify_archive
from .views import package_response

ARCHIVE_TAG = ["licences"]


def can_verify_archive(user) -> bool:
    """System administrators and supervisors check the archive chain."""
    return policies.is_signed_in(user) and (
        user.is_superuser
        or policies.has_role(user, Role.SYSTEM_ADMIN)
        or policies.has_role(user, Role.SUPERVISOR)
    )


class BadEntrySerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    problem = serializers.CharField()


class CheckpointCheckSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="核对的校验点数")
    latest = serializers.CharField(allow_null=True, help_text="最新校验点（条数、链头、时间）")
    problems = serializers.ListField(child=serializers.CharField(), help_text="不符的校验点")


class ChainCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="档案链与全部校验点均无误")
    count = serializers.IntegerField(help_text="条目数（出错时为读到的条数）")
    first_bad = BadEntrySerializer(allow_null=True)
    checkpoints = CheckpointCheckSerializer(
        help_text="对照已签名校验点的结果：末尾被删除或整链被改写时在此报告"
    )


class CasePackageView(APIView):
    """电子档案包: the case's documents, licences, metadata, signatures and chain proof."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="下载办件电子档案包（zip）",
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
        tags=ARCHIVE_TAG,
    )
    def get(self, request, case_id: int):
        case = selectors.get_visible_case(request.user, case_id)
        if case is None:
            raise NotFound(_("办件不存在"))
        if not permissions.is_case_applicant(request.user, case):
            selectors.log_personal_data_read(request.user, case, channel="api:archive")
        return package_response(case)


class ArchiveVerifyView(APIView):
    """档案链校验: every entry links to the previous one and hashes to what it stores."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="校验电子档案哈希链（系统管理员、监察人员）",
        parameters=[
            OpenApiParameter("content", bool, description="同时核对每个归档文件的 SHA-256")
        ],
        responses={200: ChainCheckSerializer},
        tags=ARCHIVE_TAG,
    )
    def get(self, request):
        if not can_verify_archive(request.user):
            raise PermissionDenied(_("只有系统管理员和监察人员可以校验电子档案"))
        content = request.query_params.get("content", "") in ("1", "true", "yes")
        report = verify_archive(check_content=content)
        result, anchors = report.chain, report.checkpoints
        bad = result.entry
        return Response(
            ChainCheckSerializer(
                {
                    "ok": report.ok,
                    "count": result.count,
                    "checkpoints": {
                        "count": anchors.count,
                        "latest": anchors.latest.describe() if anchors.latest else None,
                        "problems": [str(problem) for problem in anchors.problems],
                    },
                    "first_bad": {
                        "sequence": bad.sequence,
                        "title": bad.title,
                        "kind": bad.kind,
                        "problem": result.problem,
                    }
                    if bad
                    else None,
                }
            ).data
        )


urlpatterns = [
    path(
        "archive/cases/<int:case_id>/package/",
        CasePackageView.as_view(),
        name="licence-archive-package",
    ),
    path("archive/verify/", ArchiveVerifyView.as_view(), name="licence-archive-verify"),
]
