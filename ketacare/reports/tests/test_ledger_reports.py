"""The controlled-substance reports: the reconciliation balances when every draw is a dose and
its waste, and flags what does not; the exports speak in words and are audited."""

import csv
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conftest import World, client_for
from ketacare.core.models import AuditEvent
from ketacare.dosing.administration import session_record_administration, session_record_waste
from ketacare.dosing.models import Administration
from ketacare.dosing.tests.builders import IV, administered, ago, checked_in, prepared
from ketacare.inventory.models import Stock
from ketacare.inventory.tests.builders import delivered, vial_lot
from ketacare.reports.ledger import reconciliation


def _iv_dose(world: World, stock: Stock, drawn: str = "1") -> Administration:
    session = prepared(
        checked_in(world.patient, nurse=world.nina, prescriber=world.pia, code=IV), world.nina
    )
    return session_record_administration(
        actor=world.nina,
        session=session,
        stock=stock,
        drawn_quantity=Decimal(drawn),
        dose_mg=Decimal(40),
        started_at=ago(10),
        concentration_mg_per_ml=Decimal(1),
    )


def _waste(world: World, record: Administration) -> None:
    session_record_waste(
        actor=world.nina,
        session=record.session,
        waste_quantity=Decimal("0.2"),
        witness=world.pia.user,
        wasted_at=ago(5),
    )


def _rows(world: World) -> list[tuple[str, ...]]:
    today = world.harbor.today()
    return [row.row() for row in reconciliation(world.harbor, today, today)]


def test_a_dose_drawn_and_its_remainder_wasted_balances_to_zero(world: World) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor), packages=1)
    record = _iv_dose(world, stock)
    _waste(world, record)
    day = f"{timezone.localtime(record.started_at, ZoneInfo(world.harbor.timezone)):%Y-%m-%d}"
    assert _rows(world) == [(day, "KET-1", "1", "0.8", "1", "0.2", "0", "9", "mL", "")]


def test_a_remainder_not_yet_wasted_is_flagged_as_unaccounted(world: World) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor), packages=1)
    _iv_dose(world, stock)
    (row,) = reconciliation(world.harbor, world.harbor.today(), world.harbor.today())
    assert (row.unaccounted, row.balanced) == (Decimal("0.2"), False)


def test_a_dose_with_a_typed_lot_is_flagged_as_off_the_ledger(world: World) -> None:
    session = prepared(
        checked_in(world.patient, nurse=world.nina, prescriber=world.pia), world.nina
    )
    administered(session, world.nina)
    (row,) = reconciliation(world.harbor, world.harbor.today(), world.harbor.today())
    assert row.problems == ["a dose names no lot on the ledger"]


def test_the_log_export_names_its_columns_in_words_and_its_read_is_audited(world: World) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor), packages=1)
    _waste(world, _iv_dose(world, stock))
    response = client_for(world.pia).get(reverse("reports:ledger_log_csv"))
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:3] == ["When", "Entry", "Product"]
    assert [line[1] for line in lines[1:]] == ["Received", "Drawn for a dose", "Wasted"]
    assert lines[2][9] == world.patient.mrn
    export = AuditEvent.objects.get(object_type="ledger_log")
    assert export.changes["patients"] == [str(world.patient.public_id)]


def test_the_inventory_pdf_lists_the_lot_on_hand(world: World) -> None:
    delivered(world.nina, vial_lot(world.harbor), packages=3)
    response = client_for(world.ada).get(reverse("reports:ledger_inventory_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "KET-1" in text
    assert "1500" in text  # 30 mL of 50 mg/mL


def test_a_period_ending_before_it_starts_is_refused_by_name(world: World) -> None:
    response = client_for(world.pia).get(
        reverse("reports:ledger"), {"first": "2026-05-02", "last": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()


def test_a_period_reaching_beyond_the_calendar_is_refused_by_name_not_answered_500(
    world: World,
) -> None:
    for url in (reverse("reports:ledger"), reverse("reports:ledger_log_csv")):
        response = client_for(world.pia).get(url, {"first": "2026-05-02", "last": "9999-12-31"})
        assert response.status_code == 400, url
    assert "Choose a date from 01 Jan 2000 to 31 Dec 2100." in response.content.decode()


def test_two_lots_of_one_number_from_different_products_are_reconciled_apart(
    world: World,
) -> None:
    ours = delivered(world.nina, vial_lot(world.harbor), packages=1)
    other = vial_lot(world.harbor)
    other = type(other)(**{**other.__dict__, "ndc": "42023-113-10", "product": "Ketalar"})
    delivered(world.nina, other, packages=2)
    _waste(world, _iv_dose(world, ours))
    rows = reconciliation(world.harbor, world.harbor.today(), world.harbor.today())
    assert [(r.lot, r.drawn, r.balance) for r in rows] == [("KET-1", Decimal(1), Decimal(9))]
    assert rows[0].balanced
