"""Hand-written pieces against the libraries that could replace them (docs/architecture.md, the table
"Hand-written pieces a library could do"): lines of ours, import time added, behaviour on our inputs, cost.

    python benchmarks/library_choices.py [RUNS]        # default 9; needs a build in dist/ (alaska-kg build)

A candidate that is not installed is skipped, and the table says so. To measure them all:
    pip install requests httpx tenacity urllib3 PyLD pysbd nltk rapidfuzz wcwidth
No network: the HTTP checks talk to a server this script starts on 127.0.0.1; nothing is downloaded.
Import cost = (sum of -X importtime self times with the candidate imported after the module that would use
it) − (the same without it), median over RUNS fresh processes: what the candidate adds on that path.
"""

from __future__ import annotations

import contextlib
import importlib.metadata as md
import importlib.util
import inspect
import re
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
ARTICLE = ROOT / "data" / "source" / "alaska-talks.txt"
CONTEXT = ROOT / "ontology" / "context.jsonld"


def have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


# ---------------------------------------------------------------- cost: import time, size, dependencies


def _import_us(statement: str) -> int:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement], capture_output=True, text=True, check=True
    ).stderr
    return sum(int(m[1]) for m in re.finditer(r"^import time:\s+(\d+) \|", out, re.M))


def added_import_ms(base: str, candidate: str, runs: int) -> float:
    """Median over `runs` of the import time `candidate` adds to a process that has imported `base`."""
    diffs = []
    for _ in range(runs):  # interleaved, so that a noisy moment hits both
        without = _import_us(f"import {base}")
        with_it = _import_us(f"import {base}; {candidate}")
        diffs.append((with_it - without) / 1000)
    return statistics.median(diffs)


def _requires(dist: str) -> list[str]:
    names = []
    for req in md.requires(dist) or []:
        if "extra ==" in req:
            continue
        try:
            from packaging.requirements import Requirement

            parsed = Requirement(req)
            if parsed.marker is not None and not parsed.marker.evaluate():
                continue  # another platform's or an older Python's
        except ImportError:
            pass
        names.append(re.split(r"[\s<>=!~\[(;]", req, maxsplit=1)[0])
    return names


def dependency_cost(dist: str) -> str:
    """Version, installed size of it and its transitive runtime dependencies (not installed here: named)."""
    seen: dict[str, int] = {}
    stack = [dist]
    while stack:
        name = stack.pop()
        if name.lower() in seen:
            continue
        try:
            files = md.files(name) or []
        except md.PackageNotFoundError:
            seen[name.lower()] = -1
            continue
        seen[name.lower()] = sum(f.size or 0 for f in files)
        stack.extend(_requires(name))
    total = sum(v for v in seen.values() if v > 0)
    deps = sorted(n for n in seen if n != dist.lower())
    return f"{dist} {md.version(dist)}, {total / 2**20:.1f} MiB installed, deps: {', '.join(deps) or 'none'}"


def source_lines(*objects: object) -> int:
    return sum(len(inspect.getsource(o).splitlines()) for o in objects)  # type: ignore[arg-type]


# ---------------------------------------------------------------- behaviour: JSON-LD


def _stated_ntriples() -> str:
    nt = DIST / "alaska-kg.nt"
    if not nt.exists():
        sys.exit(f"{nt}: not found; run `alaska-kg build` first")
    return nt.read_text(encoding="utf-8")


def jsonld_check() -> list[str]:
    import json

    import pyoxigraph
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from alaska_kg.jsonld import to_jsonld

    nt = _stated_ntriples()
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    triples = [q.triple for q in pyoxigraph.parse(nt.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str)}
    t0 = time.perf_counter()
    ours = to_jsonld(triples, prefixes, context=context)
    t_ours = time.perf_counter() - t0
    reference = Graph().parse(data=nt, format="nt")
    ours_ok = isomorphic(Graph().parse(data=ours, format="json-ld"), reference)
    rows = [f"ours: {len(triples)} triples in {t_ours * 1000:.0f} ms; isomorphic to the N-Triples: {ours_ok}"]
    if not have("pyld"):
        return [*rows, "PyLD: not installed, skipped"]
    from pyld import jsonld

    def no_fetch(url: str, options: object = None) -> object:
        raise RuntimeError(f"PyLD tried to fetch {url}")

    jsonld.set_document_loader(no_fetch)
    t0 = time.perf_counter()
    expanded = jsonld.from_rdf(nt, {"format": "application/n-quads"})
    compacted = jsonld.compact(expanded, {"@context": context})
    t_pyld = time.perf_counter() - t0
    pyld_text = json.dumps(compacted, ensure_ascii=False, indent=2)
    pyld_ok = isomorphic(Graph().parse(data=pyld_text, format="json-ld"), reference)
    # the same JSON? PyLD's defaults (compactArrays) drop one-element arrays; compare also without that
    t0 = time.perf_counter()
    flat = jsonld.compact(expanded, {"@context": context}, {"compactArrays": False})
    t_flat = time.perf_counter() - t0

    def canon(doc: dict) -> list[str]:
        """Each node object as text, its values as sorted lists (a lone value read as a list of one), a plain
        string {"@value": s} read as the bare string s (both are the same xsd:string literal)."""

        def value(x: object) -> str:
            if isinstance(x, dict) and list(x) == ["@value"] and isinstance(x["@value"], str):
                x = x["@value"]
            return json.dumps(x, sort_keys=True)

        return sorted(
            json.dumps(
                {
                    k: v if k == "@id" else sorted(map(value, v if isinstance(v, list) else [v]))
                    for k, v in n.items()
                },
                sort_keys=True,
            )
            for n in doc.get("@graph", [])
        )

    ours_doc = json.loads(ours)
    same_nodes = canon(ours_doc) == canon(flat)
    diff_nodes = len(set(canon(ours_doc)) ^ set(canon(flat)))
    rows += [
        f"PyLD from_rdf+compact: {t_pyld * 1000:.0f} ms ({t_pyld / t_ours:.0f}x ours); isomorphic: {pyld_ok}",
        f"PyLD default JSON == ours: {json.loads(ours) == compacted}; "
        f"with compactArrays=False ({t_flat * 1000:.0f} ms), the same node objects up to order, one-element "
        f"arrays and plain strings written bare: {same_nodes} "
        f"({diff_nodes} node objects differ); bytes ours {len(ours.encode())}, "
        f"PyLD (defaults) {len(pyld_text.encode())}",
    ]
    return rows


# ---------------------------------------------------------------- behaviour: sentences


def sentence_check() -> list[str]:
    from alaska_kg.build.sentences import _HEADING, _LIST_ITEM, split_article, split_paragraph

    text = ARTICLE.read_text(encoding="utf-8")
    units = split_article(text)
    paragraphs = [
        line
        for line in text.split("\n")
        if line.strip() and not _HEADING.match(line) and not _LIST_ITEM.match(line)
    ]
    ours = [split_paragraph(p) for p in paragraphs]
    n_ours = sum(map(len, ours))
    rows = [f"ours: {len(units)} units, of which {n_ours} sentences in {len(paragraphs)} paragraphs"]

    def compare(name: str, spans_of) -> str:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        theirs = [spans_of(p) for p in paragraphs]
        elapsed = time.perf_counter() - t0
        same_par = sum(a == b for a, b in zip(ours, theirs, strict=True))
        ours_set = {(i, s) for i, spans in enumerate(ours) for s in spans}
        their_set = {(i, s) for i, spans in enumerate(theirs) for s in spans}
        kept = len(ours_set & their_set)
        return (
            f"{name}: {sum(map(len, theirs))} sentences, {kept}/{n_ours} of ours kept exactly, "
            f"{same_par}/{len(paragraphs)} paragraphs split identically, "
            f"{len(units) - n_ours + kept}/{len(units)} unit IRIs unchanged, {elapsed * 1000:.0f} ms"
        )

    def strip_spans(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        out = []
        for s, e in spans:
            while s < e and paragraph[s].isspace():
                s += 1
            while e > s and paragraph[e - 1].isspace():
                e -= 1
            if s < e:
                out.append((s, e))
        return out

    if have("pysbd"):
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
        rows.append(compare("pysbd", lambda p: strip_spans(p, [(c.start, c.end) for c in seg.segment(p)])))
    else:
        rows.append("pysbd: not installed, skipped")
    if have("nltk"):
        from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

        untrained = PunktSentenceTokenizer()  # the English model needs a download (punkt_tab): not allowed
        rows.append(
            compare("nltk punkt, untrained", lambda p: strip_spans(p, list(untrained.span_tokenize(p))))
        )
        params = PunktParameters()
        params.abbrev_types = {"u.s", "u.k", "e.g", "i.e", "mr", "ms", "dr", "st", "vs"}
        ours_abbr = PunktSentenceTokenizer(params)
        rows.append(
            compare(
                "nltk punkt, our abbreviations", lambda p: strip_spans(p, list(ours_abbr.span_tokenize(p)))
            )
        )
    else:
        rows.append("nltk: not installed, skipped")
    return rows


# ---------------------------------------------------------------- behaviour: label similarity


def similarity_check() -> list[str]:
    import difflib

    import pyoxigraph

    from alaska_kg.wikidata.links import normalize_label

    nt = _stated_ntriples()
    label_predicates = {
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://www.w3.org/2004/02/skos/core#altLabel",
    }
    labels = sorted(
        {
            normalize_label(q.object.value)
            for q in pyoxigraph.parse(nt.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
            if q.predicate.value in label_predicates and isinstance(q.object, pyoxigraph.Literal)
        }
    )
    pairs = [(a, b) for a in labels for b in labels if a != b]
    t0 = time.perf_counter()
    ours = {p: difflib.SequenceMatcher(None, *p).ratio() for p in pairs}
    t_ours = time.perf_counter() - t0
    rows = [f"difflib: {len(labels)} labels of the data, {len(pairs)} ordered pairs, {t_ours * 1000:.0f} ms"]
    if not have("rapidfuzz"):
        return [*rows, "rapidfuzz: not installed, skipped"]
    from rapidfuzz import fuzz

    t0 = time.perf_counter()
    theirs = {p: fuzz.ratio(*p) / 100 for p in pairs}
    t_theirs = time.perf_counter() - t0
    equal = sum(abs(ours[p] - theirs[p]) < 1e-9 for p in pairs)
    worst = max(abs(ours[p] - theirs[p]) for p in pairs)
    top1 = top5 = 0
    for a in labels:
        others = [b for b in labels if b != a]
        r_ours = sorted(others, key=lambda b: (-ours[(a, b)], b))
        r_theirs = sorted(others, key=lambda b: (-theirs[(a, b)], b))
        top1 += r_ours[0] == r_theirs[0]
        top5 += r_ours[:5] == r_theirs[:5]
    rows.append(
        f"rapidfuzz fuzz.ratio: {t_theirs * 1000:.0f} ms; same score on {equal}/{len(pairs)} pairs "
        f"(largest difference {worst:.3f}); same best match for {top1}/{len(labels)} labels, "
        f"same top 5 for {top5}/{len(labels)}"
    )
    return rows


# ---------------------------------------------------------------- behaviour: table width


def width_check() -> list[str]:
    text = ARTICLE.read_text(encoding="utf-8") + _stated_ntriples()
    chars = sorted({c for c in text if not c.isascii() and c.isprintable()})
    ours = {c: 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in chars}
    rows = [
        f"non-ASCII printable characters in the article and the data: {len(chars)}, "
        f"{sum(v == 2 for v in ours.values())} wide by unicodedata.east_asian_width"
    ]
    if not have("wcwidth"):
        return [*rows, "wcwidth: not installed, skipped"]
    import wcwidth

    differ = [c for c in chars if wcwidth.wcwidth(c) != ours[c]]
    rows.append(f"wcwidth: disagrees on {len(differ)} of them {''.join(differ)!r}")
    # beyond this data: every assigned, printable code point up to U+2FFFF
    zero = wide = other = total = 0
    for cp in range(0x20, 0x30000):
        c = chr(cp)
        if not c.isprintable() or unicodedata.category(c) == "Cn":
            continue
        total += 1
        theirs = wcwidth.wcwidth(c)
        mine = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if theirs == mine:
            continue
        if theirs == 0:
            zero += 1
        elif theirs == 2 or mine == 2:
            wide += 1
        else:
            other += 1

    def rule(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    names = ("杨洁篪", "王毅", "안토니 블링컨")
    rows.append(
        f"over all {total} assigned printable code points to U+2FFFF, the W/F rule and wcwidth differ on "
        f"{zero} that wcwidth gives 0 columns (combining marks, format characters), {wide} on wide/narrow "
        f"and {other} otherwise; CJK names agree: "
        f"{all(wcwidth.wcswidth(t) == rule(t) for t in names)}"
    )
    return rows


# ---------------------------------------------------------------- behaviour: HTTP deadline


class _Drip(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # 8 bytes, one every 0.4 s: no single read waits 1 s, the whole takes 3.2 s
        self.send_response(200)
        self.send_header("Content-Length", "8")
        self.end_headers()
        with contextlib.suppress(OSError):  # a client that gave up has closed the connection
            for _ in range(8):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.4)

    def log_message(self, *args: object) -> None:
        pass


def http_check() -> list[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []

    def timed(name: str, fetch) -> None:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            fetch()
            outcome = "answer read whole"
        except Exception as exc:  # what each client raises is the point
            outcome = f"stopped: {type(exc).__name__}"
        rows.append(
            f"{name}, timeout 1 s, a server dripping 8 bytes over 3.2 s: {time.perf_counter() - t0:.1f} s,"
            f" {outcome}"
        )

    from alaska_kg.store import client

    timed("ours (store.client.send)", lambda: client.send("GET", url, what="drip", timeout=1.0))
    if have("requests"):
        import requests

        timed("requests", lambda: requests.get(url, timeout=1.0).content)
    else:
        rows.append("requests: not installed, skipped")
    if have("httpx"):
        import httpx

        timed("httpx", lambda: httpx.get(url, timeout=1.0).content)
    else:
        rows.append("httpx: not installed, skipped")
    server.shutdown()
    return rows


class _DigestOnly(BaseHTTPRequestHandler):
    """RFC 7616 digest (MD5, qop=auth) for alice:s3cret; anything else, basic included, gets a challenge,
    as Virtuoso's /sparql-graph-crud-auth does. Counts requests and the bodies it accepted."""

    requests: list[str] = []  # noqa: RUF012 - one server per check
    bodies: list[int] = []  # noqa: RUF012

    def do_PUT(self) -> None:
        import hashlib

        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        auth = self.headers.get("Authorization") or ""
        self.requests.append(auth.split(" ", 1)[0] or "none")
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', auth[7:])) if auth.startswith("Digest ") else {}

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        if fields:
            ha1, ha2 = md5("alice:fake:s3cret"), md5(f"PUT:{fields.get('uri')}")
            expected = md5(
                f"{ha1}:{fields.get('nonce')}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}"
            )
            if fields.get("response") == expected:
                self.bodies.append(len(body))
                self.send_response(204)
                self.end_headers()
                return
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Digest realm="fake", nonce="abc123", qop="auth", algorithm=MD5')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def digest_check() -> list[str]:
    """Two PUTs of a 1 KiB file body to a digest-only server: accepted? how many requests? body intact?"""
    import io
    import os

    body = b"<urn:a> <urn:b> <urn:c> .\n" * 40
    rows = []

    def run(name: str, put_twice) -> None:  # type: ignore[no-untyped-def]
        _DigestOnly.requests, _DigestOnly.bodies = [], []
        server = ThreadingHTTPServer(("127.0.0.1", 0), _DigestOnly)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/crud"
        try:
            put_twice(url)
            outcome = "accepted"
        except Exception as exc:  # what each client raises is the point
            outcome = f"failed: {type(exc).__name__}: {str(exc)[:80]}"
        server.shutdown()
        intact = all(n == len(body) for n in _DigestOnly.bodies) and len(_DigestOnly.bodies) == 2
        rows.append(
            f"{name}: {outcome}; requests sent {_DigestOnly.requests}; both bodies received whole: {intact}"
        )

    from alaska_kg.store import client

    def ours(url: str) -> None:
        os.environ[client.AUTH_ENV_VAR] = "alice:s3cret"
        try:
            for _ in range(2):
                client.put_graph(
                    url, "urn:g", io.BytesIO(body), len(body), content_type="application/n-triples"
                )
        finally:
            del os.environ[client.AUTH_ENV_VAR]

    run("ours (store.client.put_graph)", ours)
    if have("requests"):
        import requests
        from requests.auth import HTTPDigestAuth

        def with_requests(url: str) -> None:
            session = requests.Session()
            session.auth = HTTPDigestAuth("alice", "s3cret")
            for _ in range(2):
                session.put(url, data=io.BytesIO(body), timeout=5).raise_for_status()

        run("requests (HTTPDigestAuth, a Session)", with_requests)
    else:
        rows.append("requests: not installed, skipped")
    if have("httpx"):
        import httpx

        def with_httpx(url: str) -> None:
            with httpx.Client(auth=httpx.DigestAuth("alice", "s3cret"), timeout=5) as session:
                for _ in range(2):
                    session.put(url, content=body).raise_for_status()

        run("httpx (DigestAuth, a Client)", with_httpx)
    else:
        rows.append("httpx: not installed, skipped")
    return rows


# ---------------------------------------------------------------- the table


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    from alaska_kg import jsonld
    from alaska_kg.build import sentences
    from alaska_kg.store import client as store_client
    from alaska_kg.wikidata import client as wd_client
    from alaska_kg.wikidata import suggest

    ours_lines = {
        "http": source_lines(
            store_client._NoRedirect,
            store_client._Rewind,
            store_client._BasicAfterSuccess,
            store_client._origin,
            store_client._DigestUpFront,
            store_client._opener,
        ),
        "retry": source_lines(wd_client.WikidataClient.call, wd_client.retry_after_seconds),
        "jsonld": source_lines(jsonld),
        "sentences": source_lines(
            sentences.split_paragraph, sentences._is_abbreviation_end, sentences._inside_quotation
        ),
        "similarity": source_lines(suggest.label_similarity),
    }
    pieces = [
        (
            "HTTP login and redirects (store.client's handlers; httpio stays: see the deadline check)",
            "http",
            "alaska_kg.store.client",
            [("requests", "requests", "import requests"), ("httpx", "httpx", "import httpx")],
        ),
        (
            "Wikidata retries (WikidataClient.call + Retry-After)",
            "retry",
            "alaska_kg.wikidata.client",
            [
                ("tenacity", "tenacity", "import tenacity"),
                ("urllib3", "urllib3", "from urllib3.util import Retry"),
            ],
        ),
        (
            "JSON-LD compaction (jsonld, on the export path)",
            "jsonld",
            "alaska_kg.query.convert",
            [("pyld", "PyLD", "from pyld import jsonld")],
        ),
        (
            "sentence splitting (build.sentences)",
            "sentences",
            "alaska_kg.build.sentences",
            [("pysbd", "pysbd", "import pysbd"), ("nltk", "nltk", "from nltk.tokenize import punkt")],
        ),
        (
            "label similarity (wikidata.suggest)",
            "similarity",
            "alaska_kg.wikidata.suggest",
            [("rapidfuzz", "rapidfuzz", "from rapidfuzz import fuzz")],
        ),
        (
            "table width (query.results)",
            None,
            "alaska_kg.query.results",
            [("wcwidth", "wcwidth", "import wcwidth"), ("unicodedata", None, "import unicodedata")],
        ),
    ]
    print(
        f"# cost (import time added: median of {runs} runs; ours = lines of the code a library would replace)"
    )
    print("| piece | our lines | candidate | import added (ms) | dependency |")
    print("|---|---:|---|---:|---|")
    for title, key, base, candidates in pieces:
        for module, dist, statement in candidates:
            if not have(module):
                print(f"| {title} | {ours_lines.get(key, '')} | {module} | not installed, skipped | |")
                continue
            ms = added_import_ms(base, statement, runs)
            cost = dependency_cost(dist) if dist else "standard library"
            print(f"| {title} | {ours_lines.get(key, '')} | {module} | {ms:.1f} | {cost} |")
    for name, check in [
        ("JSON-LD: ours vs PyLD on the built graph with the shipped context", jsonld_check),
        ("sentences: ours vs tokenizers on data/source/alaska-talks.txt", sentence_check),
        ("label similarity: difflib vs rapidfuzz on every pair of the data's labels", similarity_check),
        ("table width: unicodedata.east_asian_width vs wcwidth", width_check),
        ("HTTP: an overall deadline", http_check),
        ("HTTP: digest login (a server that refuses basic, as Virtuoso's does)", digest_check),
    ]:
        print(f"\n# {name}")
        for row in check():
            print(f"- {row}")


if __name__ == "__main__":
    main()
