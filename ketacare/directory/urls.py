from django.urls import path

from ketacare.directory import credential_views, sitemaps, views

app_name = "directory"
urlpatterns = [
    path("clinics/", views.clinic_directory, name="directory"),
    path("clinics/<slug:slug>/", views.clinic_profile, name="profile"),
    path("clinic/profile/", views.profile_edit, name="edit"),
    path("clinic/profile/preview/", views.profile_preview, name="preview"),
    path("clinic/profile/publish/", views.profile_publish, name="publish"),
    path("clinic/profile/withdraw/", views.profile_withdraw, name="withdraw"),
    path("clinic/credentials/", credential_views.credential_list, name="credentials"),
    path(
        "clinic/credentials/<uuid:credential_id>/verify/",
        credential_views.credential_verify,
        name="credential_verify",
    ),
    path(
        "clinic/credentials/<uuid:credential_id>/retire/",
        credential_views.credential_retire,
        name="credential_retire",
    ),
    path(
        "clinic/credentials/<uuid:credential_id>/document/",
        credential_views.credential_document,
        name="credential_document",
    ),
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
