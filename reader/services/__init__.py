"""Every write to Reader's data: plain functions, keyword-only, each in one transaction, one
module per area (documents, events, discussion, curation, projects, imports). Import what
you need from its module; views, whose names match the services', call them module first
(`documents.annotation_create`)."""
