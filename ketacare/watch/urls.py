from django.urls import path

from ketacare.watch import views

app_name = "watch"
urlpatterns = [
    path("", views.watch_list, name="list"),
    path("courses/<uuid:course_id>/<str:check>/", views.record, name="record"),
    path("results/<uuid:result_id>/review/", views.review, name="review"),
    path("results/<uuid:result_id>/entered-in-error/", views.mark_error, name="error"),
]
