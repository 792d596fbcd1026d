"""Writes for the discussion of annotations: replies, resolving, hiding."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from reader import anchoring, sanitize
from reader.models import Annotation, Reply
from reader.sanitize import isolate
from reader.services import search
from reader.services.changes import activity_on_annotation, document_touch
from reader.services.documents import ERROR_BAD_CHARACTERS, clean_note
from reader.services.locks import AnnotationGone, lock_annotation, retry_on_conflict
from reader.vocabularies import Action

ERROR_EMPTY_REPLY = "Write something to reply."
ERROR_NO_REASON = "Give a reason for hiding it: the team sees it."
ERROR_REPLY_GONE = "This reply was deleted meanwhile."


def _clean_reply(text: str) -> str:
    try:
        text = clean_note(text)
    except ValidationError as error:
        raise ValidationError({"text": error.messages}) from error
    if not text:
        raise ValidationError({"text": ERROR_EMPTY_REPLY})
    return text


@retry_on_conflict
def reply_create(*, annotation: Annotation, author, text: str) -> Reply:
    text = _clean_reply(text)
    lock_annotation(annotation, linked_events=False)
    reply = Reply(
        annotation=annotation, author=author, text=text, text_html=sanitize.note_to_html(text)
    )
    reply.full_clean()
    reply.save()
    search.reply_index(reply=reply)
    document_touch(document_id=annotation.document_id)
    activity_on_annotation(annotation=annotation, actor=author, action=Action.REPLY_CREATED)
    return reply


def _lock_reply(reply: Reply) -> Reply:
    """Its annotation's locks, then the reply as it is now; AnnotationGone if either went."""
    lock_annotation(reply.annotation, linked_events=False)
    current = Reply.objects.select_related("annotation__document").filter(pk=reply.pk).first()
    if current is None:
        raise AnnotationGone(ERROR_REPLY_GONE)
    return current


@retry_on_conflict
def reply_update(*, reply: Reply, text: str) -> Reply:
    text = _clean_reply(text)
    reply = _lock_reply(reply)
    reply.text = text
    reply.text_html = sanitize.note_to_html(reply.text)
    reply.full_clean()
    reply.save()
    search.reply_index(reply=reply)
    document_touch(document_id=reply.annotation.document_id)
    return reply


@retry_on_conflict
def reply_delete(*, reply: Reply) -> None:
    reply = _lock_reply(reply)
    reply.delete()
    document_touch(document_id=reply.annotation.document_id)


@retry_on_conflict
def thread_set_resolved(*, annotation: Annotation, resolved: bool, actor) -> Annotation:
    lock_annotation(annotation, linked_events=False)
    Annotation.objects.filter(pk=annotation.pk).update(resolved=resolved)
    annotation.resolved = resolved
    document_touch(document_id=annotation.document_id)
    action = Action.THREAD_RESOLVED if resolved else Action.THREAD_REOPENED
    activity_on_annotation(annotation=annotation, actor=actor, action=action)
    return annotation


def _set_hidden(item: Annotation | Reply, reason: str, actor) -> Annotation | Reply:
    if isinstance(item, Annotation):
        lock_annotation(item, linked_events=False)
    else:
        _lock_reply(item)
    item.hidden_reason = reason
    item.hidden_by = actor if reason else None  # who hid it: moderation is on the record
    type(item).objects.filter(pk=item.pk).update(hidden_reason=reason, hidden_by=item.hidden_by)
    annotation = item if isinstance(item, Annotation) else item.annotation
    document_touch(document_id=annotation.document_id)
    what = "its note" if isinstance(item, Annotation) else f"a reply by {isolate(item.author)}"
    activity_on_annotation(
        annotation=annotation,
        actor=actor,
        action=Action.HIDDEN if reason else Action.SHOWN,
        detail=f"{what}, because {isolate(reason)}" if reason else what,
    )
    return item


@retry_on_conflict
def moderation_hide(*, item: Annotation | Reply, reason: str, actor) -> Annotation | Reply:
    """An owner hides an annotation's note or a reply; others see the reason instead."""
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise ValidationError({"reason": ERROR_NO_REASON})
    if bad := anchoring.unacceptable_characters(reason):
        raise ValidationError({"reason": ERROR_BAD_CHARACTERS.format(what=bad)})
    return _set_hidden(item, reason, actor)


@retry_on_conflict
def moderation_show(*, item: Annotation | Reply, actor) -> Annotation | Reply:
    return _set_hidden(item, "", actor)
