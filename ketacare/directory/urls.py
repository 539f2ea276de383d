from django.urls import path

from ketacare.directory import credential_views, review_views, sitemaps, views

app_name = "directory"
urlpatterns = [
    path("clinics/", views.clinic_directory, name="directory"),
    path("clinics/review-policy/", review_views.review_policy, name="review_policy"),
    path("reviews/write/<str:token>/", review_views.review_write, name="review_write"),
    path("reviews/<uuid:review_id>/report/", review_views.review_report, name="review_report"),
    path("moderation/", review_views.moderation, name="moderation"),
    path("clinic/reviews/", review_views.clinic_reviews, name="clinic_reviews"),
    path(
        "clinic/reviews/<uuid:review_id>/reply/",
        review_views.clinic_review_reply,
        name="clinic_review_reply",
    ),
    path("portal/reviews/", review_views.portal_reviews, name="portal_reviews"),
    path(
        "portal/reviews/<uuid:review_id>/edit/",
        review_views.portal_review_edit,
        name="portal_review_edit",
    ),
    path(
        "portal/reviews/<uuid:review_id>/withdraw/",
        review_views.portal_review_withdraw,
        name="portal_review_withdraw",
    ),
    path(
        "moderation/reviews/<uuid:review_id>/withhold/",
        review_views.moderation_withhold,
        name="moderation_withhold",
    ),
    path(
        "moderation/reports/<uuid:report_id>/dismiss/",
        review_views.moderation_dismiss,
        name="moderation_dismiss",
    ),
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
