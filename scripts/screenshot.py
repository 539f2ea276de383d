"""Take the README screenshots from a running demo: python scripts/screenshot.py [URL] [DIR].

Signs in as the Northside nurse and captures a patient's chart and today's chair board in
Debian's Chromium.
"""

import sys

from playwright.sync_api import sync_playwright

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(base: str = "http://127.0.0.1:8000", out: str = "docs") -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email").fill("nurse@northside.demo")
        page.get_by_label("Password").fill("ketacare-demo")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/patients/")
        page.locator("#results a").nth(2).click()
        page.get_by_role("heading", name="Who viewed this record").wait_for()
        page.screenshot(path=f"{out}/screenshot.png", full_page=False)
        page.goto(f"{base}/sessions/board/")
        page.get_by_role("heading", name="Chair board").wait_for()
        page.screenshot(path=f"{out}/chair-board.png", full_page=False)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
