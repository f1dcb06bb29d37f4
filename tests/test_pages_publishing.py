"""The w3id.org redirect file (docs/w3id/alaska-kg/.htaccess) sends each IRI of the graph to a page the
server has, in the format the client asked for; and docs/publishing.md shows that file as it is.

No Apache here: the file's rules are applied by a small reading of the mod_rewrite subset it uses
(`RewriteCond %{HTTP_ACCEPT} regex [NC,OR]`, `RewriteRule regex target [R=code,L,…]`), then each target is
requested from the pages served on loopback, with the deployment's host replaced by the test server's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import get, pages_app
from loopback import serving_app

ROOT = Path(__file__).resolve().parents[1]
HTACCESS = ROOT / "docs" / "w3id" / "alaska-kg" / ".htaccess"
DEPLOYMENT = "https://kg.example.org"


def _flags(text: str | None) -> set[str]:
    return {f.strip().upper() for f in (text or "").strip("[]").split(",") if f.strip()}


def rewrite(path: str, accept: str) -> tuple[int, str] | None:
    """Where the .htaccess sends `path` (below https://w3id.org/alaska-kg/) for this Accept header."""
    conditions: list[tuple[re.Pattern[str], bool]] = []  # (pattern, OR with the next)
    for raw in HTACCESS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("RewriteCond"):
            variable, pattern, *flags = line.split()[1:]
            assert variable == "%{HTTP_ACCEPT}", line
            found = _flags(flags[0] if flags else None)
            conditions.append((re.compile(pattern, re.I if "NC" in found else 0), "OR" in found))
        elif line.startswith("RewriteRule"):
            pattern, target, *flags = line.split()[1:]
            found = _flags(flags[0] if flags else None)
            groups: list[list[re.Pattern[str]]] = [[]]  # conditions joined by OR, the groups by AND
            for condition, with_or in conditions:
                groups[-1].append(condition)
                if not with_or:
                    groups.append([])
            met = all(any(c.search(accept) for c in group) for group in groups if group)
            conditions = []
            match = re.search(pattern, path)
            if match and met:
                code = next((int(f[2:]) for f in found if f.startswith("R=")), 302)
                return code, match.expand(re.sub(r"\$(\d)", r"\\g<\1>", target))
    return None


@pytest.fixture(scope="module")
def site(dataset, layout) -> Iterator[str]:
    with serving_app(pages_app(dataset, layout)) as url:
        yield url


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("path", "accept", "code", "target", "media_type"),
    [
        ("resource/yang-jiechi", BROWSER, 303, "/resource/yang-jiechi.html", "text/html"),
        ("resource/yang-jiechi", "text/turtle", 303, "/resource/yang-jiechi.ttl", "text/turtle"),
        (
            "resource/yang-jiechi",
            "application/ld+json",
            303,
            "/resource/yang-jiechi.jsonld",
            "application/ld+json",
        ),
        (
            "resource/yang-jiechi",
            "application/n-triples",
            303,
            "/resource/yang-jiechi.nt",
            "application/n-triples",
        ),
        ("resource/yang-jiechi", "*/*", 303, "/resource/yang-jiechi", None),  # the server negotiates
        ("ontology", "text/turtle", 303, "/ontology.ttl", "text/turtle"),
        ("ontology/0.1.0", "application/ld+json", 303, "/ontology.jsonld", "application/ld+json"),
        ("ontology", BROWSER, 303, "/ontology", "text/html"),
        ("graph/asserted", BROWSER, 302, "/", "text/html"),
    ],
)
def test_the_w3id_redirects_reach_the_document_asked_for(site, path, accept, code, target, media_type):
    redirected = rewrite(path, accept)
    assert redirected == (code, DEPLOYMENT + target)
    status, headers, _ = get(site + target, accept)
    if media_type is None:
        assert status == 303 and headers["vary"] == "Accept"
    else:
        assert status == 200 and headers["content-type"].startswith(media_type)


def test_the_publishing_guide_shows_the_redirect_file_as_it_is():
    guide = (ROOT / "docs" / "publishing.md").read_text(encoding="utf-8")
    shown = re.search(r"```apache\n(.*?)```", guide, re.S)
    assert shown is not None
    assert shown[1] == HTACCESS.read_text(encoding="utf-8")
