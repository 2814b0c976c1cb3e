"""Report stage: the province error reports and the ministry outputs, in Vietnamese."""

from antq.tasks.report.artifacts import (
    completion_mail,
    failure_mail,
    publish_artifacts,
    warehouse_key,
)
from antq.tasks.report.common import slug, vi_period
from antq.tasks.report.ministry import write_ministry_page, write_ministry_workbook
from antq.tasks.report.province import (
    Copies,
    ProvinceReport,
    annotated_copies,
    copy_names,
    existing_report,
    report_inputs,
    write_province_report,
    write_province_reports,
)

__all__ = [
    "Copies",
    "ProvinceReport",
    "annotated_copies",
    "completion_mail",
    "copy_names",
    "existing_report",
    "failure_mail",
    "publish_artifacts",
    "report_inputs",
    "slug",
    "vi_period",
    "write_ministry_page",
    "write_ministry_workbook",
    "write_province_report",
    "warehouse_key",
    "write_province_reports",
]
