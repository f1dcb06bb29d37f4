"""`alaska-kg link status|check|suggest` end to end through main(argv), against a copy of ontology/ and data/
and a local fake of the Wikidata API (tests/wikidata_fake_server.py). No test touches the network or the
repository's own data/links.ttl."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from alaska_kg.cli.app import main
from alaska_kg.errors import (
    LinkRefused,
    OutputError,
    ResourceNotFound,
    UsageError,
    WikidataError,
    WikidataUnreachable,
)
from alaska_kg.wikidata import write
from alaska_kg.wikidata.client import API_ENV_VAR
from wikidata_fake_server import FakeWikidata, closed_port_url, hit, item, missing, redirect

REPO_ROOT = Path(__file__).resolve().parents[1]
AKR = Namespace("https://w3id.org/alaska-kg/resource/")
WD = Namespace("http://www.wikidata.org/entity/")
# not rdflib's XSD, which warns when pytest inspects the names a test module imports
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
LINKS_HEADER = """\
@prefix akr: <https://w3id.org/alaska-kg/resource/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix wd: <http://www.wikidata.org/entity/> .

"""
CANDIDATE = re.compile(r"^\s+\d+\. wd:(Q\d+)", re.MULTILINE)


@pytest.fixture(scope="module", autouse=True)
def repository_links_untouched() -> Iterator[None]:
    """Whatever these tests do, the repository's data/links.ttl ends as it began."""
    before = (REPO_ROOT / "data" / "links.ttl").read_bytes()
    yield
    assert (REPO_ROOT / "data" / "links.ttl").read_bytes() == before


@pytest.fixture(autouse=True)
def offline_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unless a test starts the fake API, the API URL is a closed local port: never wikidata.org."""
    monkeypatch.setenv(API_ENV_VAR, closed_port_url())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A private copy of ontology/ and data/ that a test may change."""
    for name in ("ontology", "data"):
        shutil.copytree(REPO_ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWikidata]:
    """The fake API, with ALASKA_KG_WIKIDATA_API pointing at it."""
    with FakeWikidata() as server:
        monkeypatch.setenv(API_ENV_VAR, server.url)
        yield server


def links_file(root: Path) -> Path:
    return root / "data" / "links.ttl"


def write_links(root: Path, links: dict[str, str]) -> None:
    """Replace the copy's links.ttl by these links only (akr name → QID)."""
    body = "".join(f"akr:{name} skos:exactMatch wd:{qid} .\n" for name, qid in links.items())
    links_file(root).write_text(LINKS_HEADER + body, encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "data").iterdir() if p.name.startswith("."))


# ---------------------------------------------------------------- status


def test_status_lists_linked_and_unlinked_entities(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """If status runs (offline), then Blinken is listed as linked to Q7821917 and the Atlantic Council, which
    has no confirmed QID, as unlinked; statements and text units are not listed at all."""
    code, out, err = run(capsys, "link", "status", "--root", str(root))
    assert code == 0, err
    linked, _, unlinked = out.partition("not linked, no confirmed QID")
    assert re.search(r"^\s+akr:antony-blinken\s+wd:Q7821917\s+Antony Blinken$", linked, re.MULTILINE)
    assert "linked to Wikidata (45):" in linked
    assert re.search(
        r"^\s+akr:atlantic-council\s+Atlantic Council\s+\(ak:ThinkTank\)$", unlinked, re.MULTILINE
    )
    assert "akr:antony-blinken" not in unlinked and "akr:atlantic-council" not in linked
    assert "akr:sentence-" not in out and "akr:american-delegation" not in out


# ---------------------------------------------------------------- check


def test_check_ok_under_the_label_rule(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]
) -> None:
    """If Wikidata's label or an alias equals one of ours up to case, spaces and a leading 'the', then the
    link is OK, and check exits 0."""
    write_links(
        root, {"antony-blinken": "Q7821917", "us-federal-government": "Q48525", "washington-post": "Q166032"}
    )
    fake.entities["Q7821917"] = item("Q7821917", "Antony  Blinken", description="American diplomat")
    fake.entities["Q48525"] = item("Q48525", "federal government of the United States", ["U.S. government"])
    fake.entities["Q166032"] = item("Q166032", "Washington Post", ["WaPo"])
    code, out, err = run(capsys, "link", "check", "--root", str(root))
    assert code == 0, out + err
    assert len(re.findall(r"^OK\s", out, re.MULTILINE)) == 3
    assert f"3 links checked against {fake.url}: 3 OK" in out
    (request,) = fake.seen("wbgetentities")
    assert sorted(request.params["ids"].split("|")) == ["Q166032", "Q48525", "Q7821917"]


def test_check_reports_a_label_mismatch_with_both_sides(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]
) -> None:
    """If none of our labels equals Wikidata's label or aliases, then the link is LABEL-MISMATCH, both sets of
    names are printed, and check exits 1."""
    write_links(root, {"peoples-daily": "Q54340", "antony-blinken": "Q7821917"})
    fake.entities["Q54340"] = item("Q54340", "Renmin Ribao", ["RMRB"], "official newspaper of the CCP")
    fake.entities["Q7821917"] = item("Q7821917", "Antony Blinken")
    code, out, _ = run(capsys, "link", "check", "--root", str(root))
    assert code == 1
    assert re.search(r"^LABEL-MISMATCH\s+akr:peoples-daily\s+wd:Q54340$", out, re.MULTILINE)
    assert 'ours:     "People\'s Daily"' in out
    assert 'Wikidata: "Renmin Ribao" | "RMRB" — official newspaper of the CCP' in out
    assert "1 OK, 1 LABEL-MISMATCH" in out


def test_check_reports_a_redirect(root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]) -> None:
    """If the linked item was merged into another, then the link is REDIRECT, naming the target; exit 1."""
    write_links(root, {"alaska": "Q797"})
    fake.entities["Q797"] = redirect("Q797", "Q999797", "Alaska")
    code, out, _ = run(capsys, "link", "check", "--root", str(root))
    assert code == 1
    assert re.search(
        r"^REDIRECT\s+akr:alaska\s+wd:Q797\s+redirects to wd:Q999797 \(Alaska\)", out, re.MULTILINE
    )


def test_check_reports_a_missing_item(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the linked item was deleted, then the link is MISSING; exit 1."""
    write_links(root, {"anchorage": "Q39450"})
    fake.entities["Q39450"] = missing("Q39450")
    code, out, _ = run(capsys, "link", "check", "--root", str(root))
    assert code == 1
    assert re.search(r"^MISSING\s+akr:anchorage\s+wd:Q39450\s+the item was deleted", out, re.MULTILINE)


def test_check_reports_a_known_wrong_qid(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a link uses a QID the reference lists as wrong for that entity, then it is KNOWN-WRONG, whatever the
    labels say; exit 1."""
    write_links(root, {"sergey-lavrov": "Q80137"})
    fake.entities["Q80137"] = item("Q80137", "Emily Brontë")
    code, out, _ = run(capsys, "link", "check", "--root", str(root))
    assert code == 1
    assert re.search(r"^KNOWN-WRONG\s+akr:sergey-lavrov\s+wd:Q80137\s+listed as wrong", out, re.MULTILINE)


def test_check_reads_every_link_of_the_real_file(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]
) -> None:
    """If check runs on the unchanged links.ttl, then all 45 QIDs go in one request (batches of 50)."""
    code, out, _ = run(capsys, "link", "check", "--root", str(root))
    assert code == 1  # the fake knows none of them: all MISSING
    (request,) = fake.seen("wbgetentities")
    assert len(request.params["ids"].split("|")) == 45
    assert "45 links checked" in out and "45 MISSING" in out


def test_check_retries_after_429(root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]) -> None:
    """If the API first answers 429 with Retry-After: 1, then check waits, asks again (the server sees both
    requests, a second apart) and succeeds."""
    write_links(root, {"antony-blinken": "Q7821917"})
    fake.entities["Q7821917"] = item("Q7821917", "Antony Blinken")
    fake.script.append((429, {"Retry-After": "1", "Content-Type": "text/plain"}, b"Too Many Requests"))
    code, out, err = run(capsys, "link", "check", "--root", str(root))
    assert code == 0, out + err
    first, second = fake.seen("wbgetentities")
    assert second.at - first.at >= 0.9
    assert first.params == second.params


def test_check_timeout_is_one_clear_line(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the API is slower than --timeout, then check fails in one line naming the timeout, exit 21."""
    write_links(root, {"antony-blinken": "Q7821917"})
    fake.delay = 2.0
    code, out, err = run(capsys, "link", "check", "--root", str(root), "--timeout", "0.3")
    assert code == WikidataError.exit_code == 21
    assert out == ""
    assert err.count("\n") == 1 and "no answer within 0.3 s" in err


# ---------------------------------------------------------------- offline


@pytest.mark.parametrize(
    "argv",
    [
        ("link", "check"),
        ("link", "suggest"),
        ("link", "suggest", "akr:atlantic-council", "--accept", "Q900001"),
    ],
    ids=["check", "suggest", "suggest-accept"],
)
def test_offline_is_one_line_and_its_own_exit_code(
    root: Path, argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """If the API cannot be reached (a closed port), then check and suggest print one line saying so and exit
    20, and nothing is written."""
    before = links_file(root).read_bytes()
    code, out, err = run(capsys, *argv, "--root", str(root))
    assert code == WikidataUnreachable.exit_code == 20
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("alaska-kg: error: cannot reach the Wikidata API") and "offline" in err
    assert links_file(root).read_bytes() == before


# ---------------------------------------------------------------- suggest


@pytest.mark.parametrize(
    ("thing", "search", "hits", "expected_first"),
    [
        (
            "akr:barry-pavel",
            "Barry Pavel",
            [
                hit("Q900011", "Barry Pavel", "Wikimedia disambiguation page"),
                hit("Q900012", "Barry Pavel", "village in Romania"),
                hit("Q900013", "Barry Pavel", "American political scientist"),
            ],
            "Q900013",
        ),
        (
            "Anchorage",
            "Anchorage",
            [
                hit("Q900021", "Anchorage", "American politician"),
                hit("Q900022", "Anchorage", "2003 song"),
                hit("Q900023", "Anchorage", "city in Alaska, United States"),
            ],
            "Q900023",
        ),
    ],
    ids=["person", "city"],
)
def test_suggest_ranks_the_type_compatible_candidate_first(
    root: Path,
    fake: FakeWikidata,
    capsys: pytest.CaptureFixture[str],
    thing: str,
    search: str,
    hits: list[dict],
    expected_first: str,
) -> None:
    """If the search returns same-label items of several kinds, then the one whose description fits our class
    comes first (a person is not a city), and the one of an incompatible kind ranks below an unknown one."""
    fake.searches[search] = hits
    before = links_file(root).read_bytes()
    code, out, err = run(capsys, "link", "suggest", thing, "--root", str(root))
    assert code == 0, err
    order = CANDIDATE.findall(out)
    assert order[0] == expected_first and sorted(order) == sorted(h["id"] for h in hits)
    assert "type compatible" in out and "type incompatible" in out
    assert links_file(root).read_bytes() == before, "suggest without --accept wrote something"


def test_suggest_without_thing_searches_every_unlinked_entity(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]
) -> None:
    """If suggest runs without THING, then it searches once for each unlinked entity and for no linked one."""
    code, out, _ = run(capsys, "link", "status", "--root", str(root))
    unlinked = int(re.search(r"not linked, no confirmed QID \((\d+)\)", out).group(1))  # type: ignore[union-attr]
    code, out, err = run(capsys, "link", "suggest", "--root", str(root))
    assert code == 0, err
    searched = [r.params["search"] for r in fake.seen("wbsearchentities")]
    assert len(searched) == unlinked
    assert "Atlantic Council" in searched and "Antony Blinken" not in searched


def _accept(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str], qid: str = "Q900001"
) -> tuple:
    fake.searches["Atlantic Council"] = [
        hit("Q900001", "Atlantic Council", "American think tank"),
        hit("Q900002", "Atlantic Council", "1940s British wartime body"),
    ]
    fake.entities["Q900001"] = item("Q900001", "Atlantic Council", description="American think tank")
    fake.entities["Q900003"] = item("Q900003", "The Atlantic Council", description="think tank")
    return run(capsys, "link", "suggest", "akr:atlantic-council", "--accept", qid, "--root", str(root))


def test_accept_writes_the_link_and_its_source_note(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]
) -> None:
    """If a candidate is accepted, then links.ttl keeps its old text, gains the triple and a note
    (dcterms:source, dcterms:date) about it, still parses, still conforms to the shapes, and status now
    lists the entity as linked."""
    before = links_file(root).read_text(encoding="utf-8")
    code, out, err = _accept(root, fake, capsys)
    assert code == 0, err
    assert "linked akr:atlantic-council skos:exactMatch wd:Q900001 (Atlantic Council)" in out
    after = links_file(root).read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n")), "old text not kept as it was"
    assert after.count("@prefix rdf:") == 1, "a prefix the file already binds was added again"
    graph = Graph().parse(links_file(root), format="turtle")
    assert (AKR["atlantic-council"], SKOS.exactMatch, WD.Q900001) in graph
    note = AKR["link-atlantic-council"]
    assert (note, RDF.type, RDF.Statement) in graph
    assert (note, RDF.subject, AKR["atlantic-council"]) in graph
    assert (note, RDF.predicate, SKOS.exactMatch) in graph
    assert (note, RDF.object, WD.Q900001) in graph
    assert graph.value(note, DCTERMS.source) == Literal("Wikidata wbsearchentities, accepted by user")
    assert graph.value(note, DCTERMS.date) == Literal(date.today().isoformat(), datatype=XSD_DATE)
    mappings = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.relatedMatch)
    assert sum(len(list(graph.triples((None, p, None)))) for p in mappings) == 46  # 45 before, all relations
    assert leftovers(root) == []
    code, out, err = run(capsys, "validate", "--root", str(root))
    assert code == 0, out + err
    code, out, _ = run(capsys, "link", "status", "--root", str(root))
    assert re.search(r"^\s+akr:atlantic-council\s+wd:Q900001\s", out, re.MULTILINE)


def test_accept_replaces_the_file_by_rename(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If a link is accepted, then the new links.ttl is written beside the old one and renamed over it: until
    the rename, the file is as it was."""
    before = links_file(root).read_bytes()
    renames: list[tuple[Path, Path, bytes]] = []
    real_replace = write.os.replace

    def spy(source: str, target: str) -> None:
        renames.append((Path(source), Path(target), Path(target).read_bytes()))
        real_replace(source, target)

    monkeypatch.setattr(write.os, "replace", spy)
    code, _, err = _accept(root, fake, capsys)
    assert code == 0, err
    ((source, target, target_then),) = renames
    assert target == links_file(root) and source.parent == target.parent and source != target
    assert target_then == before
    assert leftovers(root) == []


def test_a_failed_rename_leaves_links_as_they_were(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the rename fails, then links.ttl is unchanged, no temporary file is left, and the exit code is the
    output error's."""
    before = links_file(root).read_bytes()

    def fail(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(write.os, "replace", fail)
    code, _, err = _accept(root, fake, capsys)
    assert code == OutputError.exit_code
    assert "cannot write" in err and err.count("\n") == 1
    assert links_file(root).read_bytes() == before
    assert leftovers(root) == []


def test_accept_of_a_qid_outside_the_candidates_says_so(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str]
) -> None:
    """If the accepted QID was not among the search candidates, then the note's source says it was given by
    the user, and the output says so too."""
    code, out, err = _accept(root, fake, capsys, qid="Q900003")
    assert code == 0, err
    assert "was not among the search candidates" in out
    graph = Graph().parse(links_file(root), format="turtle")
    assert "QID given by the user" in str(graph.value(AKR["link-atlantic-council"], DCTERMS.source))


@pytest.mark.parametrize(
    ("thing", "qid"),
    [
        ("China–United States relations", "Q1066282"),  # listed as wrong: a song
        ("akr:issue-trade-sanctions-and-tariffs", "Q166032"),
    ],  # wrong for tariffs (it is the Washington Post)
)
def test_accept_of_a_known_wrong_qid_is_refused(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str], thing: str, qid: str
) -> None:
    """If the QID is listed as wrong in the reference, then --accept refuses (exit 22) before asking the API,
    and links.ttl is unchanged."""
    before = links_file(root).read_bytes()
    code, _, err = run(capsys, "link", "suggest", thing, "--accept", qid, "--root", str(root))
    assert code == LinkRefused.exit_code == 22
    assert f"{qid} is listed as wrong" in err
    assert fake.requests == []
    assert links_file(root).read_bytes() == before


@pytest.mark.parametrize(
    ("thing", "qid", "message"),
    [
        ("akr:antony-blinken", "Q900002", "already linked to wd:Q7821917"),
        ("akr:atlantic-council", "Q7821917", "already links akr:antony-blinken"),
        ("akr:atlantic-council", "Q900004", "does not exist on Wikidata"),
        ("akr:atlantic-council", "Q900005", "is a redirect to Q900001"),
    ],
    ids=["entity-taken", "item-taken", "missing", "redirect"],
)
def test_accept_refuses_links_that_cannot_be_right(
    root: Path, fake: FakeWikidata, capsys: pytest.CaptureFixture[str], thing: str, qid: str, message: str
) -> None:
    """If the entity is already linked, the item already links another entity, or the item is deleted or a
    redirect, then --accept refuses (exit 22) and links.ttl is unchanged."""
    fake.entities["Q900004"] = missing("Q900004")
    fake.entities["Q900005"] = redirect("Q900005", "Q900001", "Atlantic Council")
    before = links_file(root).read_bytes()
    code, _, err = run(capsys, "link", "suggest", thing, "--accept", qid, "--root", str(root))
    assert code == 22
    assert message in err
    assert links_file(root).read_bytes() == before


def test_accept_of_the_existing_link_changes_nothing(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """If the accepted link is already there, then nothing is asked or written, exit 0 (even offline)."""
    before = links_file(root).read_bytes()
    code, out, _ = run(
        capsys, "link", "suggest", "Antony Blinken", "--accept", "wd:Q7821917", "--root", str(root)
    )
    assert code == 0 and "already linked to wd:Q7821917" in out
    assert links_file(root).read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "exit_code", "message"),
    [
        (("--accept", "Q1"), UsageError.exit_code, "needs the THING"),
        (("akr:atlantic-council", "--accept", "X12"), UsageError.exit_code, "not a Wikidata item id"),
        (("akr:no-such-thing",), ResourceNotFound.exit_code, "no labelled resource"),
        (("Atlantic Counsil",), ResourceNotFound.exit_code, "akr:atlantic-council"),
    ],
    ids=["accept-without-thing", "bad-qid", "unknown-iri", "unknown-label"],
)
def test_suggest_usage_errors(
    root: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], exit_code: int, message: str
) -> None:
    """If THING or QID is missing or unknown, then suggest fails in one line before any request."""
    code, _, err = run(capsys, "link", "suggest", *argv, "--root", str(root))
    assert code == exit_code
    assert message in err and err.count("\n") == 1
