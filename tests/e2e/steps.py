"""Steps the browser tests share: signing in, and finding one step's form on a page that holds
several."""

from typing import Any

from tests.factories import PASSWORD


def sign_in(page: Any, live_server: Any, email: str, lands_on: str = "**/patients/") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lands_on)


def sign_out(page: Any) -> None:
    page.context.clear_cookies()


def form_with(page: Any, button: str) -> Any:
    """The form whose submit button reads `button`."""
    return page.locator("form", has=page.get_by_role("button", name=button, exact=True))


def submit(page: Any, button: str, done: str) -> None:
    """Press `button` and wait for the page to say `done`."""
    form_with(page, button).get_by_role("button", name=button, exact=True).click()
    page.get_by_text(done).first.wait_for()
