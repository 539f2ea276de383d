from django.urls import path

from ketacare.treatment import views

app_name = "treatment"
_COURSE = "patients/<uuid:patient_id>/treatment/<uuid:course_id>"
_SESSION = "patients/<uuid:patient_id>/treatment/sessions/<uuid:session_id>"
urlpatterns = [
    path("protocols/", views.protocol_list, name="protocols"),
    path("protocols/<uuid:protocol_id>/", views.protocol_detail, name="protocol"),
    path(
        "protocols/<uuid:protocol_id>/new-version/",
        views.protocol_new_version,
        name="protocol_new_version",
    ),
    path("protocols/<uuid:protocol_id>/edit/", views.protocol_edit, name="protocol_edit"),
    path("patients/<uuid:patient_id>/treatment/", views.course_page, name="course"),
    path("patients/<uuid:patient_id>/treatment/start/", views.course_start, name="course_start"),
    path(f"{_COURSE}/pause/", views.course_pause, name="course_pause"),
    path(f"{_COURSE}/resume/", views.course_resume, name="course_resume"),
    path(f"{_COURSE}/end/", views.course_end, name="course_end"),
    path(f"{_COURSE}/dose/", views.course_dose, name="course_dose"),
    path(f"{_COURSE}/rems-enrollment/", views.rems_enroll, name="rems_enroll"),
    path(f"{_SESSION}/book/", views.session_book, name="session_book"),
    path(f"{_SESSION}/move/", views.session_move, name="session_move"),
    path(f"{_SESSION}/cancel/", views.session_cancel, name="session_cancel"),
]
