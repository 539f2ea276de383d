from django.urls import path

from ketacare.dosing import views

app_name = "dosing"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("board/", views.board, name="board"),
    path("check-in/<uuid:planned_id>/", views.check_in, name="check_in"),
    path("<uuid:dosing_id>/", views.session_screen, name="session"),
    *(
        path(f"<uuid:dosing_id>/{name.replace('_', '-')}/", view, name=name)
        for name, view in views.ACTION_VIEWS.items()
    ),
]
