"""The `/api/v1/` application: every app's router mounted on one NinjaAPI."""

from ninja import NinjaAPI

from ketacare.api import errors
from ketacare.api.auth import AUTH
from ketacare.assessments.api import router as assessments_router
from ketacare.dosing.api import router as dosing_router
from ketacare.measurement.api import router as measurement_router
from ketacare.patients.api import router as patients_router
from ketacare.rems.api import router as rems_router
from ketacare.screening.api import router as screening_router
from ketacare.therapy.api import router as therapy_router
from ketacare.treatment.api import router as treatment_router

api = NinjaAPI(
    title="KetaCare API",
    version="1",
    description="Patients and the treatment record of a KetaCare clinic. Session or bearer-token"
    " authentication; every read of a chart and every write is audited.",
    auth=AUTH,
    urls_namespace="api",
)
errors.install(api)
api.add_router("/patients", patients_router, tags=["patients"])
api.add_router("/patients", assessments_router, tags=["assessments"])
api.add_router("/patients", screening_router, tags=["screening"])
api.add_router("", treatment_router, tags=["treatment"])
api.add_router("", dosing_router, tags=["dosing sessions"])
api.add_router("", rems_router, tags=["REMS monitoring forms"])
api.add_router("", measurement_router, tags=["portal and suicide-risk alerts"])
api.add_router("", therapy_router, tags=["care teams and therapy"])
