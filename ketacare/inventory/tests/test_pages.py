"""The ledger's pages and the dose's waste at the chair, through the browser's requests: what
staff type, what is refused and kept, what is audited."""

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import World, client_for
from ketacare.core.models import AuditEvent
from ketacare.dosing.models import Administration
from ketacare.dosing.tests.builders import IV, ago, checked_in, prepared
from ketacare.inventory.models import Kind, LedgerEntry, StockCount
from ketacare.inventory.services import balance, stock_transfer
from ketacare.inventory.tests.builders import delivered, safe, spray_lot, vial_lot
from tests.factories import PASSWORD

RECEIPT = {
    "drug": "esketamine",
    "product": "SPRAVATO 56 mg dose kit",
    "ndc": "50458-028-02",
    "form": "device",
    "mg_per_unit": "28",
    "package_size": "2",  # devices in a kit
    "lot_number": "SPR-9",
    "packages": "6",
    "supplier": "Cardinal Health",
    "invoice": "INV-77",
}


def _local(moment: dt.datetime, zone: str = "America/New_York") -> str:
    """As the clinic's form shows and reads it: in the clinic's zone (Harbor's)."""
    return f"{timezone.localtime(moment, zoneinfo.ZoneInfo(zone)):%Y-%m-%dT%H:%M}"


def test_a_delivery_typed_on_the_page_lands_on_the_ledger(world: World) -> None:
    location = safe(world.harbor, world.nina)
    expiry = world.harbor.today() + dt.timedelta(days=200)
    data = {
        **RECEIPT,
        "location": location.pk,
        "expiry": f"{expiry}",
        "received_at": _local(ago(5)),
    }
    response = client_for(world.nina).post(reverse("inventory:receive"), data)
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=Kind.RECEIVED)
    assert (entry.quantity, entry.stock.lot.lot_number) == (Decimal(12), "SPR-9")


def test_a_delivery_missing_its_invoice_is_refused_by_name_and_keeps_what_was_typed(
    world: World,
) -> None:
    location = safe(world.harbor, world.nina)
    data = {**RECEIPT, "invoice": "", "location": location.pk, "expiry": "2027-01-01"}
    response = client_for(world.nina).post(
        reverse("inventory:receive"), data | {"received_at": _local(ago(5))}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Invoice or packing slip: This field is required." in page
    assert 'value="SPRAVATO 56 mg dose kit"' in page
    assert not LedgerEntry.objects.exists()


def test_a_stock_page_names_the_patients_it_shows_in_one_audited_read(world: World) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    session = prepared(
        checked_in(world.patient, nurse=world.nina, prescriber=world.pia), world.nina
    )
    client_for(world.nina).post(
        reverse("dosing:administration", args=[session.public_id]),
        {"stock_id": str(stock.public_id), "dose_mg": "56", "started_at": _local(ago(10))},
    )
    assert Administration.objects.get().draw is not None
    response = client_for(world.pia).get(reverse("inventory:stock", args=[stock.public_id]))
    assert world.patient.mrn in response.content.decode()
    read = AuditEvent.objects.filter(object_type="stock_ledger").get()
    assert read.changes["patients"] == [str(world.patient.public_id)]


def test_the_waste_at_the_chair_is_signed_with_the_witnesss_own_password(world: World) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor))
    session = prepared(
        checked_in(world.patient, nurse=world.nina, prescriber=world.pia, code=IV), world.nina
    )
    nurse = client_for(world.nina)
    given = nurse.post(
        reverse("dosing:administration", args=[session.public_id]),
        {
            "stock_id": str(stock.public_id),
            "drawn_quantity": "1",
            "dose_mg": "40",
            "concentration_mg_per_ml": "1",
            "started_at": _local(ago(10)),
        },
    )
    assert given.status_code == 302
    screen = nurse.get(reverse("dosing:session", args=[session.public_id])).content.decode()
    assert "0.2 mL of the draw were not given" in screen
    url = reverse("dosing:waste", args=[session.public_id])
    waste = {
        "waste_quantity": "0.2",
        "wasted_at": _local(ago(5)),
        "witness_email": "pia@harbor.test",
    }
    wrong = nurse.post(url, waste | {"witness_password": "not it"})
    assert "do not match" in wrong.content.decode()
    assert "not it" not in wrong.content.decode()  # a password is never shown again
    assert nurse.post(url, waste | {"witness_password": PASSWORD}).status_code == 302
    entry = LedgerEntry.objects.get(kind=Kind.WASTED)
    assert entry.witness == world.pia.user


def test_a_short_count_is_resolved_on_its_page_by_a_prescriber_with_a_witness(world: World) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    nurse = client_for(world.nina)
    nurse.post(
        reverse("inventory:count", args=[stock.location.public_id]),
        {f"count_{stock.public_id}": "8", "counted_at": _local(ago(5))},
    )
    count = StockCount.objects.get()
    home = nurse.get(reverse("patients:list")).content.decode()
    assert "1 controlled-substance count discrepancy open" in home
    url = reverse("inventory:resolve", args=[count.public_id])
    assert nurse.get(url).status_code == 403  # a nurse counts but does not resolve
    refused = client_for(world.pia).post(url, {"reason": "", "witness_email": "nina@harbor.test"})
    assert "What explains the difference: This field is required." in refused.content.decode()
    done = client_for(world.pia).post(
        url,
        {
            "reason": "Two devices sent back to the pharmacy unrecorded",
            "witness_email": "nina@harbor.test",
            "witness_password": PASSWORD,
        },
    )
    assert done.status_code == 302
    assert balance(stock) == Decimal(8)
    assert "discrepancy open" not in nurse.get(reverse("patients:list")).content.decode()


def test_a_wrong_delivery_is_reversed_on_its_page_with_a_witness_and_a_refusal_keeps_the_reason(
    world: World,
) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    receipt = stock.entries.get()
    nurse = client_for(world.nina)
    page = nurse.get(reverse("inventory:stock", args=[stock.public_id])).content.decode()
    assert "Reverse a wrong entry" in page
    assert "Received of 10 devices" in page
    url = reverse("inventory:reverse", args=[stock.public_id])
    typed = {"entry": str(receipt.public_id), "reason": "Booked to the wrong clinic"}
    refused = nurse.post(url, typed | {"witness_email": "nina@harbor.test"})
    assert refused.status_code == 200
    assert "Witness&#x27;s password: This field is required." in refused.content.decode()
    assert "Booked to the wrong clinic" in refused.content.decode()
    signed = typed | {"witness_email": "pia@harbor.test", "witness_password": PASSWORD}
    assert nurse.post(url, signed).status_code == 302
    reversal = LedgerEntry.objects.get(kind=Kind.REVERSAL)
    assert (reversal.reverses, reversal.witness) == (receipt, world.pia.user)
    assert balance(stock) == 0
    again = nurse.get(reverse("inventory:stock", args=[stock.public_id])).content.decode()
    assert "Reverse a wrong entry" not in again  # nothing left that can be reversed


def test_another_clinics_stock_answers_404_whatever_the_method(world: World) -> None:
    theirs = delivered(world.sol, spray_lot(world.summit))
    nurse = client_for(world.nina)
    for name in ("inventory:stock", "inventory:transfer", "inventory:remove", "inventory:reverse"):
        url = reverse(name, args=[theirs.public_id])
        assert nurse.get(url).status_code == 404
        assert nurse.post(url, {"reason": "x"}).status_code == 404


def test_the_ledger_and_a_stock_page_take_the_same_queries_however_long_the_history(
    world: World,
) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor), packages=40)
    pia = client_for(world.pia)
    pages = (reverse("inventory:ledger"), reverse("inventory:stock", args=[stock.public_id]))

    def queries_for(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert pia.get(url).status_code == 200
        return len(captured)

    few = [queries_for(url) for url in pages]
    for _ in range(12):
        stock_transfer(
            actor=world.nina,
            stock=stock,
            to=safe(world.harbor, world.nina, "Room 2"),
            quantity=Decimal(1),
            moved_at=ago(30),
        )
    assert [queries_for(url) for url in pages] == few
