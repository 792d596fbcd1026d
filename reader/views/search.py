"""The project search page: one box over everything the project wrote down."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from reader.models import Document
from reader.selectors.access import project_access
from reader.selectors.reading import facets_for_linking
from reader.selectors.search import QUERY_LIMIT, SearchFilters, search_results
from reader.views.common import HtmxHttpRequest, date_or_none, id_or_none, wants_partial
from reader.vocabularies import Kind


@login_required
@require_GET
@vary_on_headers("HX-Request")
def project_search(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(user=request.user, slug=slug)
    data = request.GET
    query = data.get("q", "").replace("\x00", "").strip()[:QUERY_LIMIT]
    kind = data.get("kind", "")
    filters = SearchFilters(
        kind=kind if kind in Kind.values else "",
        author_id=id_or_none(data.get("author", "")),
        document_id=id_or_none(data.get("document", "")),
        event_id=id_or_none(data.get("event", "")),
        facet_id=id_or_none(data.get("facet", "")),
        since=date_or_none(data.get("since", "")),
        until=date_or_none(data.get("until", "")),
    )
    offset = id_or_none(data.get("offset", "")) or 0
    page = search_results(access=access, query=query, filters=filters, offset=offset)
    more = data.copy()
    more["offset"] = str(page.next_offset or 0)
    context = {
        "access": access,
        "project": access.project,
        "query": query,
        "filters": filters,
        "page": page,
        "more_query": more.urlencode(),
    }
    template = "reader/project_search.html"
    if wants_partial(request):
        template += "#search-results"
    else:
        project = access.project
        context.update(
            members=project.memberships.select_related("user").order_by("user__username"),
            # Not project.documents: a related manager reads each row's project_id.
            documents=Document.objects.filter(project=project)
            .order_by("title")
            .values_list("pk", "title"),
            events=project.events.order_by("name"),
            facets=facets_for_linking(project),
        )
    return render(request, template, context)
