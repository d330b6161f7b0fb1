"""Public pages (门户): thin views over `govserve.catalog.selectors` and the search selectors."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from govserve.catalog import selectors
from govserve.catalog.models import Bundle, ImplementationItem, NegativeListEntry
from govserve.catalog.search import selectors as search_selectors

from .forms import LedgerForm, RegionFilterForm, SearchForm

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    form = SearchForm()  # the words only; filters are on the search page
    return render(
        request,
        "portal/home.html",
        {
            "form": form,
            "bundles": selectors.bundle_list()[:6],
            "item_count": selectors.published_items().count(),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    options = selectors.search_filter_options()
    form = SearchForm(request.GET, options=options)
    form.is_valid()  # invalid filters are dropped; the words are still searched
    query = (form.cleaned_data.get("q") or "").strip()
    filters = form.filters()
    page = form.cleaned_data.get("page") or 1
    result = None
    bundles: list[Bundle] = []
    if query or filters:
        result = search_selectors.search_items(
            query, **filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        if query and page == 1:
            bundles = search_selectors.search_bundles(query)
    pages = (result.total + PAGE_SIZE - 1) // PAGE_SIZE if result else 0
    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "query": query,
            "filters_active": len(filters),
            "result": result,
            "bundles": bundles,
            "page": page,
            "pages": pages,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < pages else None,
            "first_rank": (page - 1) * PAGE_SIZE + 1,
        },
    )


def item_guide(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.item_detail(pk)
    except ImplementationItem.DoesNotExist:
        raise Http404(_("事项不存在或未发布")) from None
    materials = [(m, selectors.government_holds(m)) for m in item.materials.all()]
    return render(
        request,
        "portal/item_guide.html",
        {
            "item": item,
            "materials": materials,
            "legal_bases": item.basic_item.legal_bases.all(),
            "fees": item.fees.all(),
            "responsibilities": item.responsibilities.all(),
            "bundles": item.bundles.all(),
            "co_departments": item.co_departments.all(),
            "local_code": item.local_code or item.basic_item.local_code,
        },
    )


def _region_form(request: HttpRequest, **kwargs) -> RegionFilterForm:
    regions = selectors.search_filter_options().regions
    return RegionFilterForm(request.GET or None, regions=regions, **kwargs)


def power_list(request: HttpRequest) -> HttpResponse:
    form = _region_form(request)
    region = form.selected_region()
    groups = selectors.power_list(region=region)
    return render(
        request,
        "portal/power_list.html",
        {"form": form, "region": region, "groups": groups, "total": sum(g.count for g in groups)},
    )


def responsibility_list(request: HttpRequest) -> HttpResponse:
    options = selectors.search_filter_options()
    form = RegionFilterForm(
        request.GET or None, regions=options.regions, departments=options.departments
    )
    items = selectors.responsibility_list(
        region=form.selected_region(), department=form.selected_department()
    )
    return render(request, "portal/responsibility_list.html", {"form": form, "items": items})


def negative_list(request: HttpRequest) -> HttpResponse:
    entries = list(selectors.negative_list())
    categories = [
        (value, label, [e for e in entries if e.category == value])
        for value, label in NegativeListEntry.Category.choices
    ]
    return render(
        request, "portal/negative_list.html", {"categories": categories, "total": len(entries)}
    )


def bundle_list(request: HttpRequest) -> HttpResponse:
    bundles = list(selectors.bundle_list())
    kinds = [
        (value, label, [b for b in bundles if b.kind == value])
        for value, label in Bundle.Kind.choices
    ]
    return render(request, "portal/bundle_list.html", {"kinds": kinds, "total": len(bundles)})


def bundle_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        detail = selectors.bundle_detail(code)
    except Bundle.DoesNotExist:
        raise Http404(_("一件事不存在或未发布")) from None
    return render(request, "portal/bundle_detail.html", {"detail": detail, "bundle": detail.bundle})


def ledger(request: HttpRequest) -> HttpResponse:
    regions = selectors.search_filter_options().regions
    data = request.GET.copy()
    for key, value in LedgerForm.default_window(selectors.ledger_span()).items():
        if not data.get(key):
            data[key] = value.isoformat()
    form = LedgerForm(data, regions=regions)
    result = None
    if form.is_valid():
        result = selectors.reform_ledger(
            form.cleaned_data["start"],
            form.cleaned_data["end"],
            region=form.selected_region(),
            level=form.cleaned_data.get("level"),
        )
    return render(request, "portal/ledger.html", {"form": form, "ledger": result})


def statistics(request: HttpRequest) -> HttpResponse:
    form = _region_form(request)
    region = form.selected_region()
    return render(
        request,
        "portal/stats.html",
        {"form": form, "region": region, "stats": selectors.catalog_statistics(region=region)},
    )
