"""Every route of the API, for tests that probe them all (OPTIONS, query parameters)."""

import re

from django.urls import Resolver404, URLResolver, get_resolver, resolve

GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _concrete(pattern: str, sample: str) -> str | None:
    """A URL for one route's pattern, with `sample` for every parameter (None: cannot say)."""
    if "format" in pattern:  # DRF's .json/.api suffix routes repeat the plain ones
        return None
    text = pattern.replace("^", "").replace("$", "").replace("\\Z", "")
    text = GROUP.sub(sample, text)
    text = CONVERTER.sub(sample, text)
    text = text.replace("\\.", ".").replace("\\-", "-").replace("/?", "/")
    if any(c in text for c in "()[]*+?\\"):
        return None
    return "/" + text


def _resolves(url: str) -> bool:
    try:
        resolve(url)
    except Resolver404:
        return False
    return True


def api_urls() -> list[str]:
    """Every /api/ route, its parameters filled with 1 (51 where a region code is asked)."""
    urls: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            here = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, here)
                continue
            for sample in ("1", "51"):
                url = _concrete(here, sample)
                if url is not None and url.startswith("/api/") and _resolves(url):
                    urls.add(url)
                    break

    walk(get_resolver().url_patterns, "")
    return sorted(urls)
