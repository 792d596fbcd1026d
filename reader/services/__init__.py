"""Every write to Reader's data: plain functions, keyword-only, each in one transaction, one
module per area (documents, events, discussion, curation, projects, imports). Import what
you need from its module; views, whose names match the services', call them module first
(`documents.annotation_create`).

The four names below are the ones scripts outside Reader call (the peer benchmark's
set-up, `manage.py shell` recipes in the README): they stay importable from here whatever
the modules are called."""

from __future__ import annotations

from reader.services.documents import document_create, outlet_get_or_create
from reader.services.projects import api_token_create, project_create

__all__ = ["api_token_create", "document_create", "outlet_get_or_create", "project_create"]
