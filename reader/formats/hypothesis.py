"""Hypothesis's annotation JSON (what its API and its export give) read as the W3C
annotation it nearly is: its `target` list is already W3C's (TextQuoteSelector,
TextPositionSelector, RangeSelector), `text` becomes a commenting body, each of `tags` a
tagging body (those that name a kind set it; the others are kept as tags), and every other
field is kept, as it came, under `hypothesis`: so nothing it holds is lost, and it is
written back with the annotation."""

from __future__ import annotations

# What Hypothesis's JSON has that W3C annotations do not.
MARKS = {"uri", "target"}
READ_HERE = {"target", "text", "tags"}
REPLY_TYPE = "HypothesisReply"
ERROR_REPLY = (
    "is a Hypothesis reply, not an annotation of the text: Reader imports replies only in bundles"
)


def is_hypothesis(item) -> bool:
    return (
        isinstance(item, dict)
        and "type" not in item
        and set(item) >= MARKS
        and isinstance(item["target"], list)
        and ("text" in item or "tags" in item)
    )


def _username(user) -> str | None:
    """acct:bob@hypothes.is → bob."""
    if not isinstance(user, str) or not user.startswith("acct:"):
        return None
    return user.removeprefix("acct:").split("@", 1)[0] or None


def _iri(item: dict) -> str | None:
    links = item.get("links")
    if isinstance(links, dict) and isinstance(links.get("json"), str):
        return links["json"]
    identifier = item.get("id")
    return f"https://hypothes.is/a/{identifier}" if isinstance(identifier, str) else None


def hypothesis_to_w3c(item: dict) -> dict:
    """The W3C annotation a Hypothesis annotation is (w3c_read reads it from there)."""
    bodies: list = []
    if isinstance(item.get("text"), str) and item["text"]:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": item["text"]})
    tags = item["tags"] if isinstance(item.get("tags"), list) else []
    bodies += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in tags]
    annotation: dict = {"type": "Annotation", "body": bodies, "target": item["target"]}
    if (identifier := _iri(item)) is not None:
        annotation["id"] = identifier
    if (name := _username(item.get("user"))) is not None:
        annotation["creator"] = {"type": "Person", "nickname": name, "id": item["user"]}
    annotation["hypothesis"] = {key: value for key, value in item.items() if key not in READ_HERE}
    if item.get("references"):  # not an annotation of the text: w3c_read refuses it, saying so
        annotation["type"] = REPLY_TYPE
    return annotation
