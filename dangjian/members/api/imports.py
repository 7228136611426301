"""REST API for roster imports: POST an .xlsx to start one, GET it back for status, progress and the row
report. Runs through the same service as the web page (``members.imports``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.access.api import ScopedViewSet
from dangjian.core.models import Job
from dangjian.core.ratelimit import ratelimit
from dangjian.members import imports


class ImportJobSerializer(serializers.ModelSerializer[Job]):
    """An import job: ``status`` (pending/running/succeeded/failed), ``progress``/``total``/``percent``,
    ``message`` and, when finished, ``result`` (the row report: outcome, total, valid, created, skipped,
    errors [{row, column, message, name}])."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default="")
    percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "title",
            "status",
            "status_display",
            "progress",
            "total",
            "percent",
            "is_finished",
            "message",
            "params",
            "result",
            "created_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="党员信息采集表（.xlsx，≤10 MB）")
    dry_run = serializers.BooleanField(required=False, default=False, help_text="只校验，不写入")
    skip_invalid = serializers.BooleanField(
        required=False, default=False, help_text="跳过有错误的行，只导入正确的行（否则有错误时整体不导入）"
    )


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """党员导入: own jobs and those of organisations in the caller's ``members.import`` scope."""

    queryset = Job.objects.filter(kind=imports.JOB_KIND)
    serializer_class = ImportJobSerializer
    permission = "members.import"
    write_permission = "members.import"
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        return imports.import_job_list(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer, 202: ImportJobSerializer},
    )
    @ratelimit("upload")
    def create(self, request: Request) -> Response:
        """上传并导入（小文件当场完成；大文件转入后台，轮询 GET /imports/{id}/ 查看进度和逐行报告）。"""
        s = ImportUploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        job = imports.import_job_submit(
            actor=request.user,
            upload=s.validated_data["file"],
            dry_run=s.validated_data["dry_run"],
            skip_invalid=s.validated_data["skip_invalid"],
        )
        code = status.HTTP_201_CREATED if job.is_finished else status.HTTP_202_ACCEPTED
        return Response(ImportJobSerializer(job).data, status=code)
