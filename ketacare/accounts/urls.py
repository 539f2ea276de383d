from django.urls import path

from ketacare.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<uuid:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
