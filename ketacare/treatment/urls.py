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
    *(
        path(f"{_COURSE}/{views.COURSE_ACTIONS[name].slug}/", view, name=name)
        for name, view in views.COURSE_VIEWS.items()
    ),
    *(
        path(f"{_SESSION}/{views.SESSION_ACTIONS[name].slug}/", view, name=name)
        for name, view in views.SESSION_VIEWS.items()
    ),
]
