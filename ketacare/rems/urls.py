from django.urls import path

from ketacare.rems import views

app_name = "rems"
urlpatterns = [
    path("due/", views.due, name="due"),
    path("due.csv", views.due_csv, name="due_csv"),
    path("<uuid:dosing_id>/", views.form_page, name="form"),
    path("<uuid:dosing_id>/answers/", views.answers, name="answers"),
    path("<uuid:dosing_id>/submit/", views.submit, name="submit"),
    path("<uuid:dosing_id>/form.pdf", views.form_pdf, name="pdf"),
    path("<uuid:dosing_id>/form.csv", views.form_csv, name="csv"),
]
