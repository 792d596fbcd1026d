"""Views are split by what they show: reading and annotating, and events."""

from __future__ import annotations

from reader.views.accounts import account, api_token_delete
from reader.views.agreement import document_agreement, project_agreement
from reader.views.api import api_annotation, api_container
from reader.views.discussion import (
    annotation_hide,
    reply_create,
    reply_delete,
    reply_hide,
    reply_update,
    thread_resolve,
)
from reader.views.docs import api_docs
from reader.views.events import (
    event_changes,
    event_compare,
    event_create,
    event_detail,
    event_list,
    facet_create,
    facet_link_create,
    facet_link_delete,
)
from reader.views.exports import document_export, event_export, project_export, reader_context
from reader.views.imports import import_preview, import_upload
from reader.views.projects import (
    invitation_link,
    invitation_respond,
    invitation_withdraw,
    member_list,
    member_update,
    project_create,
    signup,
)
from reader.views.reading import (
    annotation_create,
    annotation_delete,
    annotation_detail,
    annotation_update,
    document_changes,
    document_create,
    document_detail,
    document_list,
    project_list,
)
from reader.views.styles import kinds_css
from reader.views.team import (
    activity_list,
    annotation_accept,
    annotation_restore,
    document_accept_agreed,
    trash_list,
)

__all__ = [
    "activity_list",
    "annotation_accept",
    "annotation_restore",
    "document_accept_agreed",
    "event_changes",
    "invitation_link",
    "invitation_respond",
    "invitation_withdraw",
    "trash_list",
    "account",
    "api_annotation",
    "api_container",
    "api_docs",
    "kinds_css",
    "api_token_delete",
    "annotation_create",
    "annotation_delete",
    "annotation_detail",
    "annotation_hide",
    "annotation_update",
    "document_agreement",
    "document_changes",
    "document_create",
    "document_detail",
    "document_export",
    "document_list",
    "event_compare",
    "event_create",
    "event_detail",
    "event_export",
    "event_list",
    "facet_create",
    "facet_link_create",
    "facet_link_delete",
    "import_preview",
    "import_upload",
    "member_list",
    "member_update",
    "project_agreement",
    "project_create",
    "signup",
    "project_export",
    "project_list",
    "reply_create",
    "reply_delete",
    "reply_hide",
    "reply_update",
    "thread_resolve",
    "reader_context",
]
