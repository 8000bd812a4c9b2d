"""`report --out r.html` is written as it is made (a province's page is tens of megabytes):
the file is the page made whole, byte for byte."""

from __future__ import annotations

from datetime import date

import pytest

from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.reports import render
from pledgetrack.services.month_report import build_month_report, render_report, write_report


@pytest.mark.parametrize("chunk", [7, 1 << 20])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_written_page_is_the_page_made_whole(qingdao, tmp_path, monkeypatch, chunk, lang):
    monkeypatch.setattr(render, "_CHUNK", chunk)  # 7: every piece cut in slices
    report = build_month_report(qingdao, month=date(2020, 10, 1))
    out = tmp_path / "r.html"
    write_report(report, ReportFormat.html, lang, out)
    page = render_report(report, ReportFormat.html, lang)
    assert out.read_bytes() == page.encode("utf-8")
    assert page.count('<article class="item') == report.item_count
