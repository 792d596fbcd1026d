"""The API's JSON-LD as RDF (Turtle, N-Quads) for clients that ask for it, through rdflib.

JSON-LD names its contexts by IRI; nothing here fetches one. The W3C contexts Reader's
answers name are given below: the terms of http://www.w3.org/ns/anno.jsonld and
http://www.w3.org/ns/ldp.jsonld that Reader's documents use, mapped as the Web Annotation
Vocabulary (https://www.w3.org/TR/annotation-vocab/) and LDP define them. A context this
module does not hold (a W3C client's own, in what Reader keeps verbatim) is left out of the
RDF, and with it the terms only that context defines.
"""

from __future__ import annotations

import json
import warnings

TURTLE = "text/turtle"
NQUADS = "application/n-quads"
# rdflib's name for each; the default graph's N-Triples are N-Quads as they stand.
FORMATS = {TURTLE: "turtle", NQUADS: "nt"}

_ID = {"@type": "@id"}
ANNO_CONTEXT = {
    "oa": "http://www.w3.org/ns/oa#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dctypes": "http://purl.org/dc/dcmitype/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "as": "http://www.w3.org/ns/activitystreams#",
    "prov": "http://www.w3.org/ns/prov#",
    "id": {"@type": "@id", "@id": "@id"},
    "type": {"@type": "@id", "@id": "@type"},
    "Annotation": "oa:Annotation",
    "TextualBody": "oa:TextualBody",
    "SpecificResource": "oa:SpecificResource",
    "TextQuoteSelector": "oa:TextQuoteSelector",
    "TextPositionSelector": "oa:TextPositionSelector",
    "RangeSelector": "oa:RangeSelector",
    "Person": "foaf:Person",
    "Text": "dctypes:Text",
    "AnnotationCollection": "as:OrderedCollection",
    "AnnotationPage": "as:OrderedCollectionPage",
    "body": {"@type": "@id", "@id": "oa:hasBody"},
    "target": {"@type": "@id", "@id": "oa:hasTarget"},
    "source": {"@type": "@id", "@id": "oa:hasSource"},
    "selector": {"@type": "@id", "@id": "oa:hasSelector"},
    "startSelector": {"@type": "@id", "@id": "oa:hasStartSelector"},
    "endSelector": {"@type": "@id", "@id": "oa:hasEndSelector"},
    "motivation": {"@type": "@vocab", "@id": "oa:motivatedBy"},
    "purpose": {"@type": "@vocab", "@id": "oa:hasPurpose"},
    "tagging": "oa:tagging",
    "commenting": "oa:commenting",
    "linking": "oa:linking",
    "highlighting": "oa:highlighting",
    "describing": "oa:describing",
    "classifying": "oa:classifying",
    "identifying": "oa:identifying",
    "questioning": "oa:questioning",
    "replying": "oa:replying",
    "creator": {"@type": "@id", "@id": "dcterms:creator"},
    "generator": {"@type": "@id", "@id": "as:generator"},
    "created": {"@id": "dcterms:created", "@type": "xsd:dateTime"},
    "modified": {"@id": "dcterms:modified", "@type": "xsd:dateTime"},
    "canonical": {"@type": "@id", "@id": "oa:canonical"},
    "via": {"@type": "@id", "@id": "oa:via"},
    "bodyValue": "oa:bodyValue",
    "value": "rdf:value",
    "format": "dc:format",
    "language": "dc:language",
    "exact": "oa:exact",
    "prefix": "oa:prefix",
    "suffix": "oa:suffix",
    "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
    "end": {"@id": "oa:end", "@type": "xsd:nonNegativeInteger"},
    "label": "rdfs:label",
    "name": "foaf:name",
    "nickname": "foaf:nick",
    "total": {"@id": "as:totalItems", "@type": "xsd:nonNegativeInteger"},
    "first": {"@type": "@id", "@id": "as:first"},
    "last": {"@type": "@id", "@id": "as:last"},
    "next": {"@type": "@id", "@id": "as:next"},
    "prev": {"@type": "@id", "@id": "as:prev"},
    "partOf": {"@type": "@id", "@id": "as:partOf"},
    "items": {"@id": "as:items", "@container": "@list"},
    "startIndex": {"@id": "as:startIndex", "@type": "xsd:nonNegativeInteger"},
}
LDP_CONTEXT = {
    "ldp": "http://www.w3.org/ns/ldp#",
    "BasicContainer": "ldp:BasicContainer",
    "contains": {"@id": "ldp:contains", **_ID},
}
LOCAL_CONTEXTS = {
    "http://www.w3.org/ns/anno.jsonld": ANNO_CONTEXT,
    "http://www.w3.org/ns/ldp.jsonld": LDP_CONTEXT,
}


def _local(value, contexts: dict):
    """A JSON-LD value with every context IRI replaced by the context itself."""
    if isinstance(value, list):
        return [_local(item, contexts) for item in value]
    if not isinstance(value, dict):
        return value
    local = {}
    for name, item in value.items():
        if name == "@context":
            named = item if isinstance(item, list) else [item]
            local[name] = [
                contexts[c] if isinstance(c, str) else c
                for c in named
                if not isinstance(c, str) or c in contexts
            ]
        else:
            local[name] = _local(item, contexts)
    return local


def to_rdf(document: dict, media_type: str, *, contexts: dict) -> bytes:
    """`document` (JSON-LD) in `media_type` (TURTLE or NQUADS). `contexts` adds the
    contexts the caller serves itself (Reader's own, by its IRI on this host)."""
    # Imported here: rdflib is 70 ms of a start, and only this answer uses it.
    from rdflib import Graph

    graph = Graph()
    data = _local(document, LOCAL_CONTEXTS | contexts)
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD reader builds a ConjunctiveGraph, which it warns is deprecated.
        warnings.simplefilter("ignore", DeprecationWarning)
        graph.parse(data=json.dumps(data), format="json-ld")
    return graph.serialize(format=FORMATS[media_type], encoding="utf-8")
