from django.urls import path

from ketacare.therapy import note_views, views

app_name = "therapy"
urlpatterns = [
    path("my-patients/", views.caseload_page, name="caseload"),
    path("therapy/today/", views.therapist_day_page, name="day"),
    path("patients/<uuid:patient_id>/care-team/", views.care_team_page, name="care_team"),
    path("patients/<uuid:patient_id>/care-team/add/", views.care_team_join, name="care_team_add"),
    path(
        "patients/<uuid:patient_id>/care-team/<uuid:place_id>/primary/",
        views.care_team_primary,
        name="care_team_primary",
    ),
    path(
        "patients/<uuid:patient_id>/care-team/<uuid:place_id>/end/",
        views.care_team_end,
        name="care_team_end",
    ),
    path("patients/<uuid:patient_id>/therapy/", views.therapy_sessions, name="sessions"),
    path("patients/<uuid:patient_id>/therapy/book/", views.therapy_book, name="book"),
    *(
        path(
            f"patients/<uuid:patient_id>/therapy/<uuid:therapy_id>/{name}/",
            view,
            name=f"session_{name}",
        )
        for name, view in views.ACTION_VIEWS.items()
    ),
    path(
        "patients/<uuid:patient_id>/therapy/<uuid:therapy_id>/note/<str:kind>/",
        note_views.note_write,
        name="note_write",
    ),
    path(
        "patients/<uuid:patient_id>/therapy-notes/<uuid:note_id>/",
        note_views.note_page,
        name="note",
    ),
    path(
        "patients/<uuid:patient_id>/therapy-notes/<uuid:note_id>/addendum/",
        note_views.note_addendum,
        name="note_addendum",
    ),
    path(
        "patients/<uuid:patient_id>/therapy-notes/<uuid:note_id>/entered-in-error/",
        note_views.note_error,
        name="note_error",
    ),
]
