"""Take the README screenshot from a running demo: python scripts/screenshot.py [URL] [OUT].

Signs in as the Northside nurse and captures a patient's chart in Debian's Chromium.
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


def main(base: str = "http://127.0.0.1:8000", out: str = "docs/screenshot.png") -> None:
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
        page.screenshot(path=out, full_page=False)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
