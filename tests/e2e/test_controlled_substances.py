"""The controlled-substance ledger walked in the browser: a delivery received, a dose drawn at
the chair with its remainder wasted before a witness, a count that comes up short resolved by a
prescriber with a second signature, and the reconciliation balancing."""

from typing import Any

import pytest

from conftest import World
from ketacare.dosing.tests.builders import IV, checked_in, prepared
from ketacare.inventory.models import Kind, LedgerEntry, StockCount
from tests.e2e.steps import form_with, sign_in, sign_out, submit
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _receive(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/controlled-substances/")
    page.get_by_label("New storage location").fill("Main safe")
    submit(page, "Add location", "Main safe added.")
    page.get_by_role("link", name="Receive a delivery").click()
    page.get_by_label("Drug").select_option(label="Ketamine")
    page.get_by_label("Product").fill("Ketamine HCl injection 50 mg/mL, 10 mL vial")
    page.get_by_label("NDC").fill("0409-2051-05")
    page.get_by_label("Dosage form").select_option(label="Vial (counted in mL)")
    page.get_by_label("Strength (mg per mL, device or unit)").fill("50")
    page.get_by_label("Units per package").fill("10")
    page.get_by_label("Lot number").fill("KET-2291")
    page.get_by_label("Expiry").fill("2099-06-30")
    page.get_by_label("Packages received").fill("2")
    page.get_by_label("Supplier").fill("Cardinal Health")
    page.get_by_label("Invoice or packing slip").fill("INV-5521")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Delivery received.").wait_for()
    assert "On hand: 20 mL" in page.inner_text("main")


def _dose_and_waste(page: Any, live_server: Any, session_id: str) -> None:
    page.goto(f"{live_server.url}/sessions/{session_id}/")
    dose = form_with(page, "Record administration")
    dose.get_by_label("Drawn from (lot and place)").select_option(index=1)
    dose.get_by_label("Quantity drawn").fill("1")
    dose.get_by_label("Dose (mg)").fill("40")
    dose.get_by_label("IV concentration (mg/mL)").fill("1")
    submit(page, "Record administration", "Administration recorded.")
    page.get_by_text("0.2 mL of the draw were not given").wait_for()
    waste = form_with(page, "Record waste")
    waste.get_by_label("Quantity wasted").fill("0.2")
    waste.get_by_label("Witness's email").fill("nina@harbor.test")  # the nurse herself
    waste.get_by_label("Witness's password").fill(PASSWORD)
    waste.get_by_role("button", name="Record waste").click()
    page.get_by_text("The witness must be someone else.").first.wait_for()
    waste = form_with(page, "Record waste")
    waste.get_by_label("Witness's email").fill("pia@harbor.test")
    waste.get_by_label("Witness's password").fill(PASSWORD)
    submit(page, "Record waste", "Waste recorded with its witness.")
    assert "wasted 0.2 mL, witnessed by Pia Prescriber" in page.inner_text("main")


def _count_short(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/controlled-substances/")
    page.get_by_role("link", name="Count stock here").click()
    page.get_by_label("Lot KET-2291 (mL)").fill("18")  # the books say 19
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Count saved: 1 lot(s) differ from the books.").wait_for()


def test_a_delivery_a_dose_with_witnessed_waste_and_a_short_count_keep_the_books(
    page: Any, live_server: Any, world: World
) -> None:
    session = prepared(
        checked_in(world.patient, nurse=world.nina, prescriber=world.pia, code=IV), world.nina
    )
    sign_in(page, live_server, "ada@harbor.test")
    _receive(page, live_server)
    sign_out(page)

    sign_in(page, live_server, "nina@harbor.test")
    _dose_and_waste(page, live_server, str(session.public_id))
    _count_short(page, live_server)
    sign_out(page)

    sign_in(page, live_server, "pia@harbor.test")
    page.get_by_text("1 controlled-substance count discrepancy open").wait_for()
    page.get_by_role("link", name="resolve on the Controlled substances page").click()
    page.get_by_role("link", name="Resolve").click()
    page.get_by_label("What explains the difference").fill("1 mL spilled while drawing")
    page.get_by_label("Witness's email").fill("nina@harbor.test")
    page.get_by_label("Witness's password").fill(PASSWORD)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Discrepancy resolved; the books now match the count.").wait_for()

    page.get_by_role("link", name="Ledger reports").click()
    page.get_by_text("Every dose balances").wait_for()
    assert not StockCount.objects.filter(resolved_at__isnull=True).exists()
    kinds = list(LedgerEntry.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [Kind.RECEIVED, Kind.DRAWN, Kind.WASTED, Kind.ADJUSTED]
