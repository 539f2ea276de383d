from django.urls import path

from ketacare.measurement import kiosk_views, staff_views, views

app_name = "measurement"
urlpatterns = [
    path("portal/", views.home, name="home"),
    path("portal/welcome/<str:token>/", views.welcome, name="welcome"),
    path("portal/reminders/", views.reminders, name="reminders"),
    path("portal/questionnaires/<uuid:assignment_id>/", views.questionnaire, name="questionnaire"),
    path("portal/questionnaires/<uuid:assignment_id>/sent/", views.sent, name="sent"),
    path("kiosk/", kiosk_views.entry, name="kiosk"),
    path("kiosk/questionnaires/", kiosk_views.due, name="kiosk_due"),
    path(
        "kiosk/questionnaires/<uuid:assignment_id>/",
        kiosk_views.questionnaire,
        name="kiosk_questionnaire",
    ),
    path("kiosk/questionnaires/<uuid:assignment_id>/sent/", kiosk_views.sent, name="kiosk_sent"),
    path("kiosk/finish/", kiosk_views.finish, name="kiosk_finish"),
    path("alerts/", staff_views.alert_list, name="alerts"),
    path("alerts/<uuid:alert_id>/", staff_views.alert_detail, name="alert"),
    path("patients/<uuid:patient_id>/portal/", staff_views.patient_portal, name="patient_portal"),
    path("clinic/outcomes/", staff_views.outcome_dashboard, name="outcomes"),
    path("clinic/outcomes.csv", staff_views.outcome_csv, name="outcomes_csv"),
]
