"""`pledgetrack remind` as a user runs it: text in zh and en, JSON, the printable 催报通知
(DOCX, one page per department), refusals, and e-mail through a real SMTP server the
test starts on this machine (aiosmtpd), not a mock."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from pledgetrack.cli import app
from tests.conftest import write

runner = CliRunner()

#: November 2020 seen on 8 December, three days after its reporting day: the shipped
#: figures are October's, so a few targets not achieved in October owe November's.
NOVEMBER_LATE = ("--month", "2020-11", "--as-of", "2020-12-08")


def run(db: Path, *args: str) -> Any:
    return runner.invoke(app, ["--db", str(db), "remind", *args])


def departments_owing(db: Path) -> list[str]:
    result = run(db, *NOVEMBER_LATE, "--json")
    assert result.exit_code == 0, result.output
    return [d["department"] for d in json.loads(result.stdout)["departments"]]


def test_text_names_each_department_its_targets_and_how_late(cli_db: Path) -> None:
    result = run(cli_db, *NOVEMBER_LATE, "--lang", "zh")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "2020年青岛市市办实事 · 2020年11月进展报送提醒（截至2020年12月8日）"
    assert "市教育局：1项指标未报送2020年11月进展（2020年12月5日截止，已逾期3天）：" in lines
    assert "  5.1 完成一键式紧急报警系统安装的学校(校区)" in lines
    # The police co-operate on item 5: reminded too, and told who leads.
    assert "  5.1 完成一键式紧急报警系统安装的学校(校区)（配合，牵头单位：市教育局）" in lines


def test_text_in_english_before_the_reporting_day(cli_db: Path) -> None:
    result = run(
        cli_db, "--month", "2020-11", "--as-of", "2020-12-03",
        "--department", "市教育局", "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == [
        "市教育局: 1 target not reported for November 2020 (due 2020-12-05, 2 days left):",
        "  5.1 完成一键式紧急报警系统安装的学校(校区)",
    ]


def test_json_gives_the_month_the_deadline_and_the_targets(cli_db: Path) -> None:
    result = run(cli_db, *NOVEMBER_LATE, "--department", "市公安局", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["month"], data["deadline"], data["overdue"], data["days_late"]) == (
        "2020-11",
        "2020-12-05",
        True,
        3,
    )
    (police,) = data["departments"]
    assert police["department"] == "市公安局"
    assert {"key": "5.1", "lead": False, "last_report": "2020-10-31"}.items() <= police["targets"][
        0
    ].items()


def test_every_target_reported_says_so(cli_db: Path) -> None:
    result = run(cli_db, "--month", "2020-09", "--as-of", "2020-11-08", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "2020年9月进展已全部报送（截至2020年11月8日）"


def page_breaks(document: Any) -> int:
    return sum(1 for br in document.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page")


def test_docx_has_one_page_per_department(cli_db: Path, tmp_path: Path) -> None:
    owing = departments_owing(cli_db)
    assert len(owing) >= 3
    out = tmp_path / "催报通知.docx"
    result = run(cli_db, *NOVEMBER_LATE, "--lang", "zh", "--docx", str(out))
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    assert page_breaks(document) == len(owing) - 1
    texts = [p.text for p in document.paragraphs]
    assert texts.count("催报通知") == len(owing)
    assert [t.removesuffix("：") for t in texts if t.endswith("：")] == owing
    assert texts.count("督查室") == len(owing)  # the signing office (default)
    assert "报送期限：2020年12月5日" in texts
    # Each page's table lists the department's targets, the header first.
    assert len(document.tables) == len(owing)
    assert document.tables[0].rows[0].cells[1].text == "指标"
    # Chinese set in a Chinese font, not Word's fallback.
    run_fonts = document.paragraphs[0].runs[0]._element.rPr.rFonts
    assert run_fonts.get(qn("w:eastAsia"))


def test_docx_signs_with_the_configured_office(
    cli_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEDGETRACK_OFFICE", "青岛市政府督查室")
    out = tmp_path / "notice.docx"
    result = run(cli_db, *NOVEMBER_LATE, "--department", "市教育局", "--docx", str(out),
                 "--lang", "zh")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    assert page_breaks(document) == 0
    assert "青岛市政府督查室" in [p.text for p in document.paragraphs]


def test_docx_is_not_written_over_a_file_without_force(cli_db: Path, tmp_path: Path) -> None:
    out = write(tmp_path / "old.docx", "keep me")
    result = run(cli_db, *NOVEMBER_LATE, "--docx", str(out))
    assert result.exit_code == 2
    assert "--docx" in result.output and "--force" in result.output
    assert out.read_text() == "keep me"
    forced = run(cli_db, *NOVEMBER_LATE, "--docx", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert page_breaks(Document(str(out))) == len(departments_owing(cli_db)) - 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2020-13"), "--month: not a real date"),
        (("--month", "2021-01"), "--month: 2021-01 is outside the plan period"),
        (("--month", "2020-12", "--as-of", "2020-11-20"), "2020-12 has not begun on 2020-11-20"),
        (("--department", "市卫健委"), "no items for department '市卫健委'"),
    ],
)
def test_refusals_name_the_option_and_the_reason(
    cli_db: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(cli_db, *args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_send_without_an_smtp_server_is_refused(
    cli_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HOST", "FROM"):
        monkeypatch.delenv(f"PLEDGETRACK_SMTP_{name}", raising=False)
    result = run(cli_db, *NOVEMBER_LATE, "--send")
    assert result.exit_code == 2
    assert "--send: sending mail needs smtp_host (PLEDGETRACK_SMTP_HOST) and smtp_from" in (
        " ".join(result.output.split())
    )


# ---- e-mail through a real SMTP server ---------------------------------------------------------


class Collector:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Collector]:
    """An SMTP server on a free local port, and the settings that send through it."""
    from aiosmtpd.controller import Controller

    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("PLEDGETRACK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PLEDGETRACK_SMTP_PORT", str(port))
    monkeypatch.setenv("PLEDGETRACK_SMTP_FROM", "dcs@example.gov.cn")
    monkeypatch.setenv("PLEDGETRACK_SMTP_STARTTLS", "false")
    monkeypatch.setenv("PLEDGETRACK_OFFICE", "青岛市政府督查室")
    try:
        yield collector
    finally:
        controller.stop()


def parsed(envelope: Any) -> EmailMessage:
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_send_mails_each_department_with_an_address(
    cli_db: Path, tmp_path: Path, smtp_server: Collector
) -> None:
    contacts = write(
        tmp_path / "通讯录.csv",
        "责任单位,联系人,电子邮箱\n"
        "市教育局,张三,jyj@example.gov.cn\n"
        "市公安局,李四,gaj@example.gov.cn;zhiban@example.gov.cn\n",
    )
    owing = departments_owing(cli_db)
    result = run(cli_db, *NOVEMBER_LATE, "--lang", "zh", "--send", "--contacts", str(contacts))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "已发送：市教育局（jyj@example.gov.cn）" in lines
    assert "已发送：市公安局（gaj@example.gov.cn, zhiban@example.gov.cn）" in lines
    others = [d for d in owing if d not in ("市教育局", "市公安局")]
    assert [line for line in lines if line.startswith("未发送")] == [
        f"未发送：{d}（无邮箱地址）" for d in others
    ]

    envelopes = smtp_server.envelopes
    assert [sorted(e.rcpt_tos) for e in envelopes] == [
        ["jyj@example.gov.cn"],
        ["gaj@example.gov.cn", "zhiban@example.gov.cn"],
    ]
    assert all(e.mail_from == "dcs@example.gov.cn" for e in envelopes)
    education = parsed(envelopes[0])
    # Non-ASCII headers travel as RFC 2047 words and decode to the Chinese text.
    raw = envelopes[0].original_content.decode("ascii")
    assert "=?utf-8?" in raw.lower()
    assert education["Subject"] == "【催报】2020年青岛市市办实事2020年11月进展：1项指标未报送"
    (to,) = education["To"].addresses
    assert (to.display_name, to.addr_spec) == ("市教育局", "jyj@example.gov.cn")
    body = education.get_content()
    assert body.startswith("市教育局：\n")
    assert (
        "你单位牵头或配合的以下1项指标尚未报送2020年11月进展情况，报送期限为2020年12月5日，已逾期3天"
        in body
    )
    assert "1. 5.1 完成一键式紧急报警系统安装的学校(校区)" in body
    assert "青岛市政府督查室\n2020年12月8日" in body
    police = parsed(envelopes[1]).get_content()
    assert "（配合，牵头单位：市教育局）" in police


def test_send_in_english_before_the_reporting_day(
    cli_db: Path, tmp_path: Path, smtp_server: Collector
) -> None:
    contacts = write(tmp_path / "c.csv", "department,email\n市教育局,jyj@example.gov.cn\n")
    result = run(
        cli_db, "--month", "2020-11", "--as-of", "2020-12-03", "--department", "市教育局",
        "--lang", "en", "--send", "--contacts", str(contacts),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["sent: 市教育局 (jyj@example.gov.cn)"]
    (envelope,) = smtp_server.envelopes
    message = parsed(envelope)
    assert message["Subject"] == (
        "[Reminder] 2020年青岛市市办实事, November 2020: 1 target to report by 2020-12-05"
    )
    assert "Please report them by 2020-12-05." in message.get_content()


def test_send_beside_json_keeps_stdout_json(
    cli_db: Path, tmp_path: Path, smtp_server: Collector
) -> None:
    contacts = write(tmp_path / "c.csv", "责任单位,邮箱\n市教育局,jyj@example.gov.cn\n")
    result = run(cli_db, *NOVEMBER_LATE, "--department", "市教育局", "--json", "--lang", "en",
                 "--send", "--contacts", str(contacts))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["departments"][0]["department"] == "市教育局"
    assert "sent: 市教育局 (jyj@example.gov.cn)" in result.stderr
    assert len(smtp_server.envelopes) == 1


def test_send_with_nothing_owed_sends_nothing(
    cli_db: Path, tmp_path: Path, smtp_server: Collector
) -> None:
    contacts = write(tmp_path / "c.csv", "责任单位,邮箱\n市教育局,jyj@example.gov.cn\n")
    result = run(cli_db, "--month", "2020-09", "--as-of", "2020-11-08", "--lang", "en",
                 "--send", "--contacts", str(contacts))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "Every target is reported for September 2020 (as of 2020-11-08).\n"
    assert smtp_server.envelopes == []


def test_send_without_addresses_is_refused(cli_db: Path, smtp_server: Collector) -> None:
    result = run(cli_db, *NOVEMBER_LATE, "--send")
    assert result.exit_code == 2
    assert "--send: no department addresses: give --contacts FILE" in " ".join(
        result.output.split()
    )
    assert smtp_server.envelopes == []


def test_an_unreachable_server_is_one_line(
    cli_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEDGETRACK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PLEDGETRACK_SMTP_PORT", str(free_port()))  # nobody listens
    monkeypatch.setenv("PLEDGETRACK_SMTP_FROM", "dcs@example.gov.cn")
    contacts = write(tmp_path / "c.csv", "责任单位,邮箱\n市教育局,jyj@example.gov.cn\n")
    result = run(cli_db, *NOVEMBER_LATE, "--send", "--contacts", str(contacts))
    assert result.exit_code == 2
    assert "--send: cannot reach the SMTP server 127.0.0.1:" in result.output


def test_the_contact_list_can_be_named_in_the_config_file(
    cli_db: Path, tmp_path: Path, smtp_server: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "office"
    folder.mkdir()
    write(folder / "通讯录.csv", "责任单位,邮箱\n市教育局,jyj@example.gov.cn\n")
    config = write(folder / "config.toml", 'contacts = "通讯录.csv"\nsmtp_port = 2525\n')
    monkeypatch.setenv("PLEDGETRACK_CONFIG", str(config))  # relative to the config file
    result = run(cli_db, *NOVEMBER_LATE, "--department", "市教育局", "--send", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout == "sent: 市教育局 (jyj@example.gov.cn)\n"
    assert len(smtp_server.envelopes) == 1


# ---- units (targets split to districts, issue 17 §1) -----------------------------------------

#: 3.4 寒暑假爱心托管驿站 100处, split to three districts.
SPLIT = "序号,指标,合计,汇总方式,市南区,市北区,崂山区\n3.4,寒暑假爱心托管驿站,100,求和,40,35,25\n"


def split_and_report(db: Path, tmp_path: Path) -> None:
    """3.4 split; 市北区 reports November, the others do not."""
    for args in (
        ["breakdown", "import", str(write(tmp_path / "分解.csv", SPLIT)), "--add-units",
         "--level", "区市"],
        ["record", "3.4/市北区", "20", "--as-of", "2020-11-30"],
    ):  # fmt: skip
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, result.output


def test_units_that_owe_their_shares_are_reminded_by_name(cli_db: Path, tmp_path: Path) -> None:
    split_and_report(cli_db, tmp_path)
    owing = departments_owing(cli_db)
    assert owing[-2:] == ["市南区", "崂山区"]  # after the departments; 市北区 reported
    result = run(cli_db, *NOVEMBER_LATE, "--department", "市南区", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == [
        "市南区：1项指标未报送2020年11月进展（2020年12月5日截止，已逾期3天）：",
        "  3.4/市南区 寒暑假爱心托管驿站（市南区份额）",
    ]
    english = run(cli_db, *NOVEMBER_LATE, "--department", "崂山区", "--lang", "en")
    assert english.stdout.splitlines()[-1] == "  3.4/崂山区 寒暑假爱心托管驿站 (崂山区's share)"
    reported = run(cli_db, *NOVEMBER_LATE, "--department", "市北区", "--lang", "zh")
    assert (
        reported.stdout.splitlines()[-1] == "市北区：2020年11月进展已全部报送（截至2020年12月8日）"
    )
    data = json.loads(run(cli_db, *NOVEMBER_LATE, "--department", "市南区", "--json").stdout)
    assert [(t["key"], t["unit"], t["item"]) for t in data["departments"][0]["targets"]] == [
        ("3.4/市南区", "市南区", 3)
    ]


def test_a_units_notice_names_its_share_as_its_own(cli_db: Path, tmp_path: Path) -> None:
    split_and_report(cli_db, tmp_path)
    out = tmp_path / "市南区.docx"
    result = run(cli_db, *NOVEMBER_LATE, "--department", "市南区", "--lang", "zh",
                 "--docx", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert "市南区：" in texts
    assert any(t.startswith("你单位承担的以下1项分解任务") for t in texts)
    (table,) = document.tables
    assert [c.text for c in table.rows[1].cells[:4]] == [
        "1", "3.4/市南区 寒暑假爱心托管驿站（市南区份额）", "3", "本单位份额",
    ]  # fmt: skip


def test_a_name_neither_department_nor_unit_is_refused(cli_db: Path, tmp_path: Path) -> None:
    split_and_report(cli_db, tmp_path)
    result = run(cli_db, *NOVEMBER_LATE, "--department", "市东区")
    assert result.exit_code == 2
    assert "no items for department '市东区'" in result.output and "市南区" in result.output
