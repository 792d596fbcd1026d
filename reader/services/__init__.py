"""Every write to Reader's data: plain functions, keyword-only, each in one transaction."""

from __future__ import annotations

from reader.services.discussion import (  # noqa: F401
    ERROR_EMPTY_REPLY,
    ERROR_NO_REASON,
    moderation_hide,
    moderation_show,
    reply_create,
    reply_delete,
    reply_update,
    thread_set_resolved,
)
from reader.services.documents import (  # noqa: F401
    ERROR_BAD_CHARACTERS,
    ERROR_DUPLICATE_TEXT,
    ERROR_EMPTY_TEXT,
    ERROR_NOTE_TOO_LONG,
    ERROR_QUOTE_MISMATCH,
    ERROR_STALE_VERSION,
    ERROR_UNKNOWN_KIND,
    NOTE_MAX_LENGTH,
    TITLE_FROM_TEXT_LIMIT,
    StaleVersionError,
    annotation_create,
    annotation_delete,
    annotation_update,
    document_create,
    outlet_get_or_create,
    title_from_text,
)
from reader.services.events import (  # noqa: F401
    ERROR_ALREADY_LINKED,
    ERROR_EMPTY_VALUE,
    ERROR_FACET_OR_NEW,
    ERROR_NEW_FACET_NEEDS_EVENT,
    ERROR_NO_VALUE_IN_QUOTE,
    ERROR_OTHER_PROJECT,
    ERROR_SEVERAL_VALUES_IN_QUOTE,
    QUOTE_AS_VALUE_LIMIT,
    event_create,
    facet_create,
    facet_link_create,
    facet_link_create_inline,
    facet_link_delete,
    value_for_link,
)
from reader.services.projects import (  # noqa: F401
    API_TOKEN_PREFIX,
    ERROR_ALREADY_MEMBER,
    ERROR_LAST_OWNER,
    ERROR_NO_SUCH_USER,
    ERROR_SEVERAL_USERS,
    api_token_create,
    api_token_user,
    member_add,
    member_remove,
    member_set_role,
    membership_set,
    project_create,
)
