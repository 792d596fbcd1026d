from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from reader import views

project_patterns = [
    path("", views.document_list, name="document_list"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/changes/", views.document_changes, name="document_changes"),
    path("documents/<int:pk>/agreement/", views.document_agreement, name="document_agreement"),
    path("agreement/", views.project_agreement, name="project_agreement"),
    path("documents/<int:pk>/annotations/", views.annotation_create, name="annotation_create"),
    path("annotations/<int:pk>/", views.annotation_detail, name="annotation_detail"),
    path("annotations/<int:pk>/edit/", views.annotation_update, name="annotation_update"),
    path("annotations/<int:pk>/delete/", views.annotation_delete, name="annotation_delete"),
    path("annotations/<int:pk>/links/new/", views.facet_link_create, name="facet_link_create"),
    path("annotations/<int:pk>/replies/", views.reply_create, name="reply_create"),
    path("annotations/<int:pk>/resolve/", views.thread_resolve, name="thread_resolve"),
    path("annotations/<int:pk>/hide/", views.annotation_hide, name="annotation_hide"),
    path("replies/<int:pk>/edit/", views.reply_update, name="reply_update"),
    path("replies/<int:pk>/delete/", views.reply_delete, name="reply_delete"),
    path("replies/<int:pk>/hide/", views.reply_hide, name="reply_hide"),
    path("links/<int:pk>/delete/", views.facet_link_delete, name="facet_link_delete"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:pk>/", views.member_update, name="member_update"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("activity/", views.activity_list, name="activity_list"),
    path("trash/", views.trash_list, name="trash_list"),
    path("trash/<int:pk>/restore/", views.annotation_restore, name="annotation_restore"),
    path("annotations/<int:pk>/accept/", views.annotation_accept, name="annotation_accept"),
    path(
        "documents/<int:pk>/accept-agreed/",
        views.document_accept_agreed,
        name="document_accept_agreed",
    ),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/facets/new/", views.facet_create, name="facet_create"),
    path("events/<int:pk>/compare/", views.event_compare, name="event_compare"),
    path("events/<int:pk>/changes/", views.event_changes, name="event_changes"),
    path("export/", views.project_export, name="project_export"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("documents/<int:pk>/export/", views.document_export, name="document_export"),
    path("events/<int:pk>/export/", views.event_export, name="event_export"),
]

# The annotation API (W3C Web Annotation Protocol), by project like the pages.
api_patterns = [
    path("documents/<int:pk>/annotations/", views.api_container, name="api_container"),
    path("annotations/<int:pk>/", views.api_annotation, name="api_annotation"),
]

reader_patterns: list[URLPattern | URLResolver] = [
    path("", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("invitations/<int:pk>/", views.invitation_respond, name="invitation_respond"),
    path("invitations/link/<str:token>/", views.invitation_link, name="invitation_link"),
    path("p/<slug:slug>/", include(project_patterns)),
    path("ns/reader.jsonld", views.reader_context, name="reader_context"),
    path("kinds.css", views.kinds_css, name="kinds_css"),
    path("api/p/<slug:slug>/", include(api_patterns)),
]

account_patterns = [
    path("", views.account, name="account"),
    path("tokens/<int:pk>/delete/", views.api_token_delete, name="api_token_delete"),
    path("api/", views.api_docs, name="api_docs"),
    path("login/", views.accounts.LoginView.as_view(), name="login"),
    path("signup/", views.signup, name="signup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("", include((reader_patterns, "reader"))),
    path("accounts/", include(account_patterns)),
    # Before the admin's own URLs: its sign-in answers 429 past the limits, like the app's.
    path("admin/login/", views.accounts.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]
