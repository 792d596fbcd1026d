from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from reader.views import (
    accounts,
    agreement,
    api,
    discussion,
    docs,
    entities,
    events,
    exports,
    imports,
    projects,
    reading,
    search,
    sources,
    styles,
    suggestions,
    team,
    versions,
)

project_patterns = [
    path("", reading.document_list, name="document_list"),
    path("documents/new/", reading.document_create, name="document_create"),
    path("documents/upload/", sources.document_upload, name="document_upload"),
    path("documents/<int:pk>/", reading.document_detail, name="document_detail"),
    path("documents/<int:pk>/changes/", reading.document_changes, name="document_changes"),
    path("documents/<int:pk>/versions/new/", versions.version_create, name="version_create"),
    path("documents/<int:pk>/versions/diff/", versions.version_diff, name="version_diff"),
    path("documents/<int:pk>/review/", versions.anchor_review, name="anchor_review"),
    path("annotations/<int:pk>/anchor/accept/", versions.anchor_accept, name="anchor_accept"),
    path("annotations/<int:pk>/anchor/move/", versions.anchor_move, name="anchor_move"),
    path("annotations/<int:pk>/anchor/orphan/", versions.anchor_orphan, name="anchor_orphan"),
    path("documents/<int:pk>/agreement/", agreement.document_agreement, name="document_agreement"),
    path("agreement/", agreement.project_agreement, name="project_agreement"),
    path("documents/<int:pk>/annotations/", reading.annotation_create, name="annotation_create"),
    path("annotations/<int:pk>/", reading.annotation_detail, name="annotation_detail"),
    path("annotations/<int:pk>/edit/", reading.annotation_update, name="annotation_update"),
    path("annotations/<int:pk>/delete/", reading.annotation_delete, name="annotation_delete"),
    path("annotations/<int:pk>/links/new/", events.facet_link_create, name="facet_link_create"),
    path("annotations/<int:pk>/replies/", discussion.reply_create, name="reply_create"),
    path("annotations/<int:pk>/resolve/", discussion.thread_resolve, name="thread_resolve"),
    path("annotations/<int:pk>/hide/", discussion.annotation_hide, name="annotation_hide"),
    path("replies/<int:pk>/edit/", discussion.reply_update, name="reply_update"),
    path("replies/<int:pk>/delete/", discussion.reply_delete, name="reply_delete"),
    path("replies/<int:pk>/hide/", discussion.reply_hide, name="reply_hide"),
    path("links/<int:pk>/delete/", events.facet_link_delete, name="facet_link_delete"),
    path("members/", projects.member_list, name="member_list"),
    path("members/<int:pk>/", projects.member_update, name="member_update"),
    path(
        "invitations/<int:pk>/withdraw/", projects.invitation_withdraw, name="invitation_withdraw"
    ),
    path("activity/", team.activity_list, name="activity_list"),
    path("search/", search.project_search, name="project_search"),
    path("trash/", team.trash_list, name="trash_list"),
    path("trash/<int:pk>/restore/", team.annotation_restore, name="annotation_restore"),
    path("annotations/<int:pk>/accept/", team.annotation_accept, name="annotation_accept"),
    path(
        "documents/<int:pk>/accept-agreed/",
        team.document_accept_agreed,
        name="document_accept_agreed",
    ),
    path("events/", events.event_list, name="event_list"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/facets/new/", events.facet_create, name="facet_create"),
    path("events/<int:pk>/compare/", events.event_compare, name="event_compare"),
    path("events/<int:pk>/changes/", events.event_changes, name="event_changes"),
    path(
        "events/<int:pk>/comparison.json",
        events.event_comparison_json,
        name="event_comparison_json",
    ),
    path("events/<int:pk>/origins/", events.event_origins, name="event_origins"),
    path("facets/<int:pk>/level/", events.facet_compare_level, name="facet_compare_level"),
    path("links/<int:pk>/superseded/", events.facet_link_supersede, name="facet_link_supersede"),
    path("entities/", entities.entity_list, name="entity_list"),
    path("entities/<int:pk>/merge/", entities.entity_merge, name="entity_merge"),
    path("entities/<int:pk>/split/", entities.entity_split, name="entity_split"),
    path("entities/<int:pk>/edit/", entities.entity_update, name="entity_update"),
    path("entities/<int:pk>/aliases/", entities.entity_alias_add, name="entity_alias_add"),
    path("suggestions/<int:pk>/accept/", suggestions.suggestion_accept, name="suggestion_accept"),
    path("suggestions/<int:pk>/edit/", suggestions.suggestion_edit, name="suggestion_edit"),
    path("suggestions/<int:pk>/reject/", suggestions.suggestion_reject, name="suggestion_reject"),
    path(
        "suggestions/accept-all/",
        suggestions.suggestions_accept_all,
        name="suggestions_accept_all",
    ),
    path("suggestions/batch/", suggestions.suggestions_batch, name="suggestions_batch"),
    path("documents/<int:pk>/similar/", suggestions.similar_passages, name="similar_passages"),
    path("export/", exports.project_export, name="project_export"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/<int:pk>/", imports.import_preview, name="import_preview"),
    path("documents/<int:pk>/export/", exports.document_export, name="document_export"),
    path("events/<int:pk>/export/", exports.event_export, name="event_export"),
]

# The annotation API (W3C Web Annotation Protocol), by project like the pages.
api_patterns = [
    path("documents/<int:pk>/", api.api_document, name="api_document"),
    path("documents/<int:pk>/annotations/", api.api_container, name="api_container"),
    path(
        "documents/<int:document>/annotations/<str:key>/",
        api.api_annotation,
        name="api_annotation",
    ),
    # Where annotations were before issue 15: a 301 to where they are now.
    path("annotations/<int:pk>/", api.api_annotation_moved, name="api_annotation_moved"),
]

reader_patterns: list[URLPattern | URLResolver] = [
    path("", reading.project_list, name="project_list"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("invitations/<int:pk>/", projects.invitation_respond, name="invitation_respond"),
    path("invitations/link/<str:token>/", projects.invitation_link, name="invitation_link"),
    path("p/<slug:slug>/", include(project_patterns)),
    path("ns/reader.jsonld", exports.reader_context, name="reader_context"),
    path("kinds.css", styles.kinds_css, name="kinds_css"),
    path("api/p/<slug:slug>/", include(api_patterns)),
]

account_patterns = [
    path("", accounts.account, name="account"),
    path("tokens/<int:pk>/delete/", accounts.api_token_delete, name="api_token_delete"),
    path("api/", docs.api_docs, name="api_docs"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("signup/", projects.signup, name="signup"),
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
    path("admin/login/", accounts.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]
