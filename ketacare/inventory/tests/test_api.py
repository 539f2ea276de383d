"""The dose and its waste through the API: the stock named by id, the witness by their own
credentials, refusals naming the field."""

import json
from typing import Any

from django.test import Client

from conftest import World, client_for
from ketacare.dosing.models import DosingSession
from ketacare.dosing.tests.builders import IV, ago, checked_in, prepared
from ketacare.inventory.models import Kind, LedgerEntry
from ketacare.inventory.tests.builders import delivered, spray_lot, vial_lot
from tests.factories import PASSWORD


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _iv(world: World) -> DosingSession:
    session = checked_in(world.patient, nurse=world.nina, prescriber=world.pia, code=IV)
    return prepared(session, world.nina)


def _dose(stock_id: str, drawn: str = "1") -> dict[str, Any]:
    return {
        "stock_id": stock_id,
        "drawn_quantity": drawn,
        "dose_mg": "40",
        "concentration_mg_per_ml": "1",
        "started_at": ago(10).isoformat(),
    }


def test_a_dose_drawn_through_the_api_names_its_stock_and_its_remainder_is_wasted(
    world: World,
) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor))
    session, nurse = _iv(world), client_for(world.nina)
    base = f"/api/v1/dosing-sessions/{session.public_id}"
    given = _post(nurse, f"{base}/administration", _dose(str(stock.public_id)))
    assert given.status_code == 201
    assert (given.json()["stock_id"], given.json()["lot_number"]) == (str(stock.public_id), "KET-1")
    waste = {"waste_quantity": "0.2", "wasted_at": ago(5).isoformat()}
    wrong = _post(
        nurse,
        f"{base}/waste",
        waste | {"witness_email": "pia@harbor.test", "witness_password": "x"},
    )
    assert wrong.status_code == 422
    assert "witness_password" in wrong.json()["error"]["fields"]
    signed = {"witness_email": "pia@harbor.test", "witness_password": PASSWORD}
    done = _post(nurse, f"{base}/waste", waste | signed)
    assert done.status_code == 201
    assert done.json()["witness"] == "pia@harbor.test"
    assert LedgerEntry.objects.filter(kind=Kind.WASTED).count() == 1


def test_a_dose_from_another_clinics_stock_answers_422_naming_the_stock(world: World) -> None:
    theirs = delivered(world.sol, spray_lot(world.summit))
    session = _iv(world)
    url = f"/api/v1/dosing-sessions/{session.public_id}/administration"
    response = _post(client_for(world.nina), url, _dose(str(theirs.public_id)))
    assert response.status_code == 422
    assert "stock_id" in response.json()["error"]["fields"]
    assert not session.administrations.exists()
