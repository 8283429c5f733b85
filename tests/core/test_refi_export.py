import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import Cancelled, ExportFailed
from r2pcoder.export.layers import parse_layer
from r2pcoder.refi import export_refi, import_refi

DATA = Path(__file__).resolve().parent.parent / "data" / "refi"
PROJECT_NS = "{urn:QDA-XML:project:1.0}"


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / name)))


def code(
    project: Project,
    doc: int,
    coder: int,
    theme: str,
    quote: str,
    stance: str | None,
    *,
    memo: str = "",
) -> None:
    text = project.documents.get(doc).text
    start = text.index(quote)
    theme_id = project.codebook.theme_by_key(theme).id
    stance_id = project.codebook.stance_by_key(stance).id if stance else None
    project.codings.apply(
        CodingRequest(doc, coder, theme_id, start, start + len(quote), stance_id, memo)
    )


@pytest.fixture
def coded(project: Project, ids) -> Project:
    ana, ben = ids.coders
    ghana, mexico, nordic = ids.documents
    code(project, ghana, ana, "veto", "ACT Code of Conduct", "supports", memo="clear support")
    code(project, ghana, ben, "veto", "ACT Code of Conduct", "neutral")
    code(project, ghana, ana, "early_warning", "Early warning", None)
    code(
        project,
        mexico,
        ana,
        "prevention",
        "responsibility \U0001f600",
        "opposes",
        memo="memo with <markup> & a\ttab\r\nand CRLF",
    )
    code(project, mexico, ben, "veto", "The veto must not block action.", "supports")
    code(project, nordic, ben, "prevention", "Caf\u00e9 diplomacy", "supports")
    project.memos.set_document_memo(ghana, "Ana on Ghana", ana)
    project.memos.set_document_memo(mexico, "The lead's note", None)
    project.memos.set_theme_memo(project.codebook.theme_by_key("veto").id, "Ben on veto", ben)
    book = project.codebook.current()
    assert book is not None
    first = book.themes[0]
    tricky = replace(
        first,
        description="Prevention.\n\nInclude: not a label",
        include="early action",
        example='"prevent"',
    )
    project.codebook.load(
        replace(book, description="How to code.", themes=(tricky, *book.themes[1:]))
    )
    meta = project.documents.get(nordic).meta
    attributes = {"members": "Denmark; Finland", "Speaker": "a free attribute named like a field"}
    project.documents.set_meta(nordic, replace(meta, attributes=attributes))
    return project


def snapshot(project: Project) -> dict[str, Any]:
    """Everything a round trip must keep, by identities and keys (never row ids)."""
    coders = {c.id: (c.uuid, c.name) for c in project.coders.list()}
    names: dict[int | None, str | None] = {c.id: c.name for c in project.coders.list()}
    themes = {t.id: t for t in project.codebook.themes(include_retired=True)}
    stances = {s.id: s for s in project.codebook.stances(include_retired=True)}
    docs = {d.id: project.documents.get(d.id) for d in project.documents.list()}
    codings = sorted(
        (
            docs[c.document_id].uuid,
            coders[c.coder_id],
            themes[c.theme_id].key,
            stances[c.stance_id].key if c.stance_id else None,
            c.start,
            c.end,
            c.memo,
            c.uuid,
            docs[c.document_id].text[c.start : c.end],
        )
        for d in docs
        for c in project.codings.for_document(d)
    )
    memos = sorted(
        (d.uuid, names.get(cid), project.memos.document_memo(d.id, cid))
        for d in docs.values()
        for cid in [None, *coders]
        if project.memos.document_memo(d.id, cid)
    )
    memos += sorted(
        (t.key, names.get(cid), project.memos.theme_memo(t.id, cid))
        for t in themes.values()
        for cid in [None, *coders]
        if project.memos.theme_memo(t.id, cid)
    )
    return {
        "codebook": project.codebook.current(),
        "theme_uuids": sorted((t.key, t.uuid, t.retired) for t in themes.values()),
        "stance_uuids": sorted((s.key, s.uuid, s.position) for s in stances.values()),
        "coders": sorted(coders.values()),
        "statements": [(d.uuid, d.text, d.meta) for d in docs.values()],
        "codings": codings,
        "memos": memos,
    }


def test_round_trip_into_an_empty_project_keeps_everything(coded, tmp_path):
    before = snapshot(coded)
    assert len(before["codings"]) == 6
    assert len(before["memos"]) == 3
    assert before["codebook"].themes[0].include == "early action"
    out = tmp_path / "out.qdpx"
    report = export_refi(coded, out)
    assert report.complete
    assert report.counts == {
        "statements": 3,
        "themes": 3,
        "stances": 3,
        "coders": 2,
        "codings": 6,
        "memos": 3,
    }
    with Project.create(tmp_path / "copy.r2p") as copy:
        back = import_refi(copy, out)
        assert back.complete, back.left_out
        assert back.offsets.startswith("code points (the standard)")
        assert snapshot(copy) == snapshot(coded)


def test_exported_project_validates_against_the_published_schema(coded, tmp_path):
    out = tmp_path / "out.qdpx"
    export_refi(coded, out)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        qde = etree.fromstring(archive.read("project.qde"))
        texts = {n: archive.read(n) for n in names if n.startswith("sources/")}
    xsd = schema("Project.xsd")
    assert xsd.validate(qde), xsd.error_log
    assert [child.tag.removeprefix(PROJECT_NS) for child in qde] == [
        "Users",
        "CodeBook",
        "Variables",
        "Sources",
        "Notes",
    ]
    docs = coded.documents.list()
    assert sorted(texts) == sorted(f"sources/{d.uuid}.txt" for d in docs)
    for doc in docs:
        raw = texts[f"sources/{doc.uuid}.txt"]
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert raw.decode("utf-8") == coded.documents.get(doc.id).text


def test_stances_are_a_code_group_and_ride_with_the_theme_on_one_selection(coded, tmp_path):
    out = tmp_path / "out.qdpx"
    export_refi(coded, out)
    with zipfile.ZipFile(out) as archive:
        qde = etree.fromstring(archive.read("project.qde"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    top = qde.findall("q:CodeBook/q:Codes/q:Code", ns)
    assert [c.get("name") for c in top] == ["Prevention", "Veto restraint", "Stance"]
    assert top[-1].get("isCodable") == "false"
    stance_codes = top[-1].findall("q:Code", ns)
    assert [c.get("name") for c in stance_codes] == ["Supports", "Neutral", "Opposes"]
    stance_guids = {c.get("guid"): c.get("name") for c in stance_codes}
    mexico = coded.documents.list()[1]
    source = qde.find(f"q:Sources/q:TextSource[@guid='{mexico.uuid}']", ns)
    prevention = coded.codebook.theme_by_key("prevention").uuid
    sel = next(
        s
        for s in source.findall("q:PlainTextSelection", ns)
        if s.find("q:Coding/q:CodeRef", ns).get("targetGUID") == prevention
    )
    refs = [r.get("targetGUID") for r in sel.findall("q:Coding/q:CodeRef", ns)]
    assert refs[0] == prevention
    assert stance_guids[refs[1]] == "Opposes"
    # Code points of the stored text: "Sovereignty is " is 15 characters, the emoji counts once.
    assert (sel.get("startPosition"), sel.get("endPosition")) == ("15", "31")
    assert sel.find("q:Description", ns).text == "memo with <markup> & a\ttab\r\nand CRLF"


def test_codebook_export_validates_and_imports_back(coded, tmp_path):
    out = tmp_path / "codebook.qdc"
    report = export_refi(coded, out)
    assert report.counts == {"themes": 3, "stances": 3}
    assert [str(i) for i in report.left_out] == [
        "1 theme memo: a .qdc codebook has no notes; export a .qdpx project to keep them"
    ]
    xsd = schema("Codebook.xsd")
    assert xsd.validate(etree.parse(str(out))), xsd.error_log
    with Project.create(tmp_path / "copy.r2p") as copy:
        back = import_refi(copy, out)
        assert back.complete
        assert copy.codebook.current() == coded.codebook.current()


def test_a_layer_exports_one_coder(coded, tmp_path):
    out = tmp_path / "ana.qdpx"
    report = export_refi(coded, out, layer=parse_layer("Ana"))
    assert report.layer == "coder Ana"
    assert (report.counts["coders"], report.counts["codings"]) == (1, 3)
    with Project.create(tmp_path / "copy.r2p") as copy:
        import_refi(copy, out)
        assert [c.name for c in copy.coders.list()] == ["Ana"]
        assert copy.codings.count() == 3


def test_refused_targets_and_cancel_leave_no_file(coded, tmp_path):
    with pytest.raises(ExportFailed, match=r"ending in \.qdpx or \.qdc"):
        export_refi(coded, tmp_path / "out.zip")
    with pytest.raises(ExportFailed, match="does not exist"):
        export_refi(coded, tmp_path / "missing" / "out.qdpx")
    with pytest.raises(ExportFailed, match="takes no layer"):
        export_refi(coded, tmp_path / "out.qdc", layer=parse_layer("Ana"))
    with pytest.raises(Cancelled):
        export_refi(coded, tmp_path / "out.qdpx", cancelled=lambda: True)
    left = [p.name for p in tmp_path.iterdir() if not p.name.startswith("project.r2p")]
    assert left == []


def test_retired_themes_with_codings_and_done_marks(coded, ids, tmp_path):
    revised = coded.codebook.current()
    assert revised is not None
    without_veto = replace(revised, themes=revised.themes[:1])
    coded.codebook.load(without_veto)  # veto retired; its 3 codings stay
    coded.documents.set_done(ids.documents[0], ids.coders[0])
    out = tmp_path / "out.qdpx"
    report = export_refi(coded, out)
    assert [str(i) for i in report.left_out] == [
        "1 'done' mark of coders on statements: REFI-QDA has no element for a coder's progress"
    ]
    with Project.create(tmp_path / "copy.r2p") as copy:
        import_refi(copy, out)
        veto = copy.codebook.theme_by_key("veto")
        assert veto.retired
        assert snapshot(copy)["codings"] == snapshot(coded)["codings"]
