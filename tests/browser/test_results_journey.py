"""From a resident's comment to the department's results, in real browsers: staff answer the
comment officially with a state, the resident sees the answer highlighted in the thread, staff
download the XLSX export and read the report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from dialog.results import wording
from tests.browser.conftest import LiveServer, new_context
from tests.browser.pages import MODERATOR, STAFF

pytestmark = pytest.mark.browser

RESIDENT = "potsdamer-radler@example.org"
RESIDENT_NAME = "Potsdamer Radler"
COMMENT = "Am Bassinplatz fehlen überdachte Fahrradbügel vor dem Markt."
ANSWER = "Wir prüfen zwanzig überdachte Bügel an der Nordseite des Platzes."
PROCEDURE = "Neugestaltung des Bassinplatzes"  # the staff account's active procedure
HIGHLIGHT = """e => {
  const own = getComputedStyle(e);
  const around = getComputedStyle(e.closest('article'));
  return {border: parseFloat(own.borderLeftWidth), bg: own.backgroundColor,
          around: around.backgroundColor};
}"""


def write_and_get_published(browser: Browser, server: LiveServer) -> int:
    """The resident writes in the (pre-moderated) thread; a moderator approves the post."""
    author = new_context(browser, server, user=RESIDENT)
    try:
        page = author.new_page()
        page.goto(server.path("/threads/{own_thread}"))
        page.fill("#body", COMMENT)
        with page.expect_navigation():
            page.click("form.comment-form button[type=submit]")
        found = re.search(r"#comment-(\d+)$", page.url)
        assert found, page.url
        comment_id = int(found.group(1))
    finally:
        author.close()
    moderator = new_context(browser, server, user=MODERATOR)
    try:
        queue = moderator.new_page()
        queue.goto("/moderation")
        with queue.expect_navigation():
            queue.locator(f"#item-{comment_id} .decide-approve").click()
    finally:
        moderator.close()
    assert server.get_json(f"/api/v1/comments/{comment_id}")["status"] == "published"
    return comment_id


def answer_from_the_workspace(page: Page, server: LiveServer, comment_id: int) -> None:
    page.goto("/departments/stadtplanung")
    open_item = page.locator(".open-items li", has_text=COMMENT)
    expect(open_item).to_contain_text(RESIDENT_NAME)
    with page.expect_navigation():
        open_item.locator(f"a[href='/comments/{comment_id}/answer']").click()
    expect(page.locator("h1")).to_have_text("Answer a contribution")
    expect(page.locator("blockquote.answered-item")).to_contain_text(COMMENT)
    page.fill("#body", ANSWER)
    page.select_option("#state", "under-consideration")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish answer").click()
    assert page.url.endswith(f"/threads/{server.ids()['own_thread']}#comment-{comment_id}")


def resident_sees_the_answer(browser: Browser, server: LiveServer, comment_id: int) -> None:
    resident = new_context(browser, server, user=RESIDENT)
    try:
        page = resident.new_page()
        page.goto(server.path("/threads/{own_thread}"))
        answer = page.locator(f"#comment-{comment_id} > article aside.official-answer")
        expect(answer).to_have_class(re.compile(r"\bstate-under-consideration\b"))
        expect(answer.locator(".answer-state")).to_have_text("In Prüfung")
        expect(answer).to_contain_text(ANSWER)
        expect(answer).to_have_accessible_name(re.compile("Offizielle Antwort"))
        style = answer.evaluate(HIGHLIGHT)
        assert style["border"] >= 4 and style["bg"] != style["around"]  # set off from the comment
        listed = server.get_json(f"/api/v1/threads/{server.ids()['own_thread']}/answer")
        states = {a["comment_id"]: (a["state"], a["html"]) for a in listed}
        assert states[comment_id] == ("under-consideration", f"<p>{ANSWER}</p>")
    finally:
        resident.close()


def download_the_export(page: Page, tmp_path: Path, comment_id: int) -> None:
    page.goto("/departments/stadtplanung")
    row = page.locator("tr", has_text=PROCEDURE)
    with page.expect_download() as started:
        row.get_by_role("link", name="XLSX").click()
    download = started.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    workbook = load_workbook(target, read_only=True)
    # The page links to the file for people in its language (dialog.results.wording).
    rows = list(workbook["Contributions"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header == wording.wording_for("en").headers
    assert header[:3] == ["Contribution no.", "Discussion no.", "Discussion"]
    line = next(dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] == comment_id)
    assert line["Text"] == COMMENT
    assert line["Pseudonym"] == RESIDENT_NAME
    assert line["Answer: state"] == "Under consideration"
    assert line["Answer: text"] == ANSWER
    assert "@" not in "".join(str(v) for v in line.values() if v is not None)  # no e-mail
    workbook.close()


def read_the_report(page: Page, server: LiveServer) -> None:
    page.goto(server.path("/procedures/{own_procedure}/report"))
    expect(page.locator("h1")).to_have_text(f"Report: {PROCEDURE}")
    expected = [
        "Summary",
        "Participation over time",
        "Comments and votes per thread",
        "Most supported comments",
        "Most disputed comments",
        "Answers and their states",
        "Moderation",
    ]
    # In this order; the evaluation's sections (dialog.evaluation) stand between them.
    headings = page.locator("h2").all_inner_texts()
    assert [h for h in headings if h in expected] == expected
    answers = page.locator("section[aria-labelledby='answers-h']")
    ours = answers.locator(".report-answer", has_text=ANSWER)
    expect(ours.locator(".answer-state")).to_have_text("Under consideration")
    states = answers.get_by_role("table").first
    expect(states.locator("caption")).to_contain_text("Official answers by state")
    considering = states.locator("tbody tr", has_text="Under consideration")
    assert int(considering.locator("td").first.inner_text()) >= 1
    moderation = page.get_by_role("table", name="Contributions by status and flags")
    published = moderation.get_by_role("row", name=re.compile(r"^Published"))
    count = int(published.locator("td").inner_text().replace(".", "").replace(",", ""))
    assert count >= 1
    figures = page.locator(".report-figures")
    expect(figures).to_contain_text("Official answers")


def test_staff_answer_a_comment_then_export_and_report_it(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    comment_id = write_and_get_published(browser, live_server)
    staff = new_context(browser, live_server, locale="en", user=STAFF)
    try:
        page = staff.new_page()
        answer_from_the_workspace(page, live_server, comment_id)
        resident_sees_the_answer(browser, live_server, comment_id)
        download_the_export(page, tmp_path, comment_id)
        read_the_report(page, live_server)
    finally:
        staff.close()
