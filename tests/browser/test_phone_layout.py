"""Rule: staff work from their phones (390 × 844).  On every page each role reaches from the navigation — and on
the forms they log visits and contacts with — nothing scrolls sideways, the header is one row of at most 64 px
whose menu holds the navigation, the forms' controls are at least 44 px tall, and no keyboard hints show.  On a
desktop the header still shows the navigation in its row.

The pages are the demo office's (seed_demo): the walk follows the links of each page from the home page and from
the forms staff fill in on the go, one page per kind of address (``/clients/<n>/`` once)."""

import re
from collections import deque
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from clients.models import Client, ClientStatus
from compostela.models import Office
from devtools.demo.offices import DEMO_PASSWORD, demo_office_number
from placements.models import Hire
from tests.browser_support import watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

PHONE_WIDTH = 390
PHONE = {"viewport": {"width": PHONE_WIDTH, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
HEADER_MAX_PX = 64
TARGET_MIN_PX = 44
# each role and how many links deep its walk goes from the home page: the manager reaches every kind of page
# (billing and imports too), two links deep; the other roles, whose screens are the same with what their role
# shows, the navigation's pages and the forms below (so that the four take about a minute on a busy machine)
ROLES = {"manager": 2, "supervisor": 1, "es1": 1, "cm": 1}
# files, downloads and pages that are not the application's own screens
NOT_A_SCREEN = re.compile(
    r"logout|/admin/|/static/|\.(csv|pdf|xlsx|zip)\b|/pdf/|/signatures/|/download/|/claims\.|export"
)

# The page's width, the header's height and, when the page is too wide, the elements that stick out (those
# inside a box that scrolls on its own, or in a closed <details>, do not widen the page).
MEASURE = """(width) => {
  const sticking = [];
  if (document.documentElement.scrollWidth > width) {
    for (const el of document.querySelectorAll("body *")) {
      const box = el.getBoundingClientRect();
      if (box.right <= width + 0.5 || box.width === 0) continue;
      if (el.closest("details:not([open])") && !el.closest("summary")) continue;
      let parent = el.parentElement, scrolls = false;
      for (; parent && parent !== document.body; parent = parent.parentElement) {
        if (getComputedStyle(parent).overflowX !== "visible") { scrolls = true; break; }
      }
      if (!scrolls) sticking.push(`${el.tagName.toLowerCase()}.${el.className} (right edge ${Math.round(box.right)})`);
    }
  }
  return {width: document.documentElement.scrollWidth, header: document.querySelector("header").offsetHeight,
          sticking: sticking.slice(0, 5)};
}"""

SMALL_TARGETS = """(minimum) => Array.from(document.querySelectorAll(
    "main button, main a.button, main select, main input:not([type=checkbox], [type=radio], [type=hidden])"))
  .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < minimum)
  .map((el) => `${el.tagName.toLowerCase()}[name=${el.name || ""}] ${Math.round(el.offsetHeight)} px`)"""


def work_pages(office: Office) -> list[str]:
    """The forms staff fill in on the go (follow-up, outreach, employer contact, case note) and the client's
    pages, for a client in service and an open hire of the demo office."""
    client = Client.objects.filter(office=office, status=ClientStatus.ENROLLED).order_by("pk").first()
    hire = Hire.objects.filter(office=office, ended_on__isnull=True).order_by("pk").first()
    return [
        reverse("clients:detail", args=[client.pk]),
        reverse("clients:note_add", args=[client.pk]),
        reverse("placements:client", args=[client.pk]),
        reverse("placements:outreach_create", args=[client.pk]),
        reverse("placements:contact_create") + f"?client={client.pk}",
        reverse("placements:hire_detail", args=[hire.pk]),
        reverse("placements:followup_create", args=[hire.pk]),
        reverse("placements:hire_end", args=[hire.pk]),
        reverse("review:person", args=[client.pk]),
    ]


def kind_of(path: str) -> str:
    """One page per kind: numbers and dates in the path, and the query's values, do not make another kind."""
    address, _, query = path.partition("?")
    kind = re.sub(r"\d+", "n", address)
    keys = sorted(part.partition("=")[0] for part in query.split("&") if part)
    return kind + ("?" + "&".join(keys) if keys else "")


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def walk(page, base: str, depth_limit: int, also: list[str]) -> list[tuple[str, int, dict]]:
    """Visit the home page and the pages it links to, ``depth_limit`` links deep, then the pages ``also``
    and what they link to while under that depth (counting them one link deep); one page per kind."""
    seen, visited = set(), []
    queue = deque([("/", 0), *((path, 1) for path in also)])
    while queue:
        path, depth = queue.popleft()
        if kind_of(path) in seen:
            continue
        seen.add(kind_of(path))
        response = page.goto(base + path)
        visited.append((path, response.status, page.evaluate(MEASURE, PHONE_WIDTH)))
        if depth == depth_limit:
            continue
        for href in page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)"):
            if href.startswith(base) and "#" not in href and not NOT_A_SCREEN.search(href):
                queue.append((href[len(base) :], depth + 1))
    return visited


def test_staff_work_from_a_phone_and_the_desktop_keeps_its_header(live_server, browser):
    # given the demo office (seeded once for the whole walk: it takes ten seconds)
    call_command("seed_demo", "--quiet-logins")
    office = Office.objects.get(number=demo_office_number(1))
    base = live_server.url
    # then, for every role on a phone, no page scrolls sideways and the header is one row
    for username, depth_limit in ROLES.items():
        with watched_page(browser, **PHONE) as page:
            log_in(page, base, username)
            visited = walk(page, base, depth_limit, also=work_pages(office))
        assert_fits_a_phone(username, visited)
    # and the menu, the targets and the hints on a phone; the navigation in the row on a desktop
    with watched_page(browser, **PHONE) as page:
        check_phone_menu_targets_and_hints(page, base, office)
    with watched_page(browser, **DESKTOP) as page:
        check_desktop_header(page, base)


def assert_fits_a_phone(username: str, visited: list[tuple[str, int, dict]]) -> None:
    problems = []
    for path, status, measured in visited:
        if status >= 400:
            problems.append(f"{path}: answered {status}")
        if measured["width"] > PHONE_WIDTH:
            problems.append(f"{path}: {measured['width']} px wide on a {PHONE_WIDTH} px phone: {measured['sticking']}")
        if measured["header"] > HEADER_MAX_PX:
            problems.append(f"{path}: the header is {measured['header']} px tall (at most {HEADER_MAX_PX})")
    assert len(visited) >= 15, [path for path, _, _ in visited]
    assert not problems, f"as {username} on a phone (rule: no sideways scrolling, a one-row header):\n" + "\n".join(
        problems
    )


def check_phone_menu_targets_and_hints(page, base: str, office: Office) -> None:
    log_in(page, base, "es1")
    # the navigation is behind the menu button, which opens it in place
    nav_link = page.locator("nav.mainnav a", has_text="利用者")
    assert not nav_link.is_visible()
    menu = page.locator(".topmenu > summary")
    assert menu.bounding_box()["height"] >= TARGET_MIN_PX
    menu.click()
    assert nav_link.is_visible()
    assert page.get_by_role("button", name="ログアウト").is_visible()
    nav_link.click()
    page.wait_for_url(f"{base}/clients/")
    # every control of the forms staff fill in on the go can be hit with a finger
    ARTIFACTS.mkdir(exist_ok=True)
    for path in work_pages(office):
        page.goto(base + path)
        small = page.evaluate(SMALL_TARGETS, TARGET_MIN_PX)
        assert not small, f"{path}: controls under {TARGET_MIN_PX} px on a phone (rule: large targets): {small}"
        if path.endswith("/followups/new/"):
            page.screenshot(path=str(ARTIFACTS / "phone-followup-form.png"), full_page=True)
    # keyboard hints mean nothing on a touch screen
    page.goto(base + reverse("review:board"))
    assert not page.locator(".review-keys").is_visible()
    page.goto(base + reverse("attendance:day"))
    assert not page.locator("#roster-keys").is_visible()


def check_desktop_header(page, base: str) -> None:
    log_in(page, base, "manager")
    nav = page.locator("nav.mainnav")
    for label in ["通所", "ケースレビュー", "利用者", "就職・定着", "請求"]:
        assert nav.get_by_text(label).is_visible()
    assert not page.locator(".topmenu > summary").is_visible()
    assert page.get_by_role("button", name="ログアウト").is_visible()
    page.goto(base + reverse("review:board"))
    assert page.locator(".review-keys").is_visible()
