from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import TEXTS
from tests.core.refi_fixtures import (
    ANA,
    BEN,
    NS,
    selection,
    value,
    zip_project,
)
from tests.core.refi_fixtures import nvivo_project as make_nvivo

from r2pcoder.db import Project
from r2pcoder.errors import Cancelled
from r2pcoder.refi import RefiRefused, import_refi
from r2pcoder.refi.codes import NOT_CODABLE, STANCE_ROOT


@pytest.fixture
def empty(tmp_path: Path):
    with Project.create(tmp_path / "empty.r2p") as project:
        yield project


def quotes(project: Project) -> dict[str, tuple[str, str]]:
    """quote -> (coder name, theme key) over every coding of the project."""
    coders = {c.id: c.name for c in project.coders.list()}
    themes = {t.id: t.key for t in project.codebook.themes(include_retired=True)}
    found = {}
    for doc in project.documents.list():
        text = project.documents.get(doc.id).text
        for c in project.codings.for_document(doc.id):
            found[text[c.start : c.end]] = (coders[c.coder_id], themes[c.theme_id])
    return found


def test_nvivo_utf16_offsets_with_emoji_crlf_bom_and_combining_mark(empty, tmp_path):
    report = import_refi(empty, make_nvivo(tmp_path / "nvivo.qdpx"))
    # Selection and coding users differ for "ACT Code of Conduct": the coding's user (Ben) codes.
    assert quotes(empty) == {
        "world": ("Ana", "greetings"),
        "ACT Code of Conduct": ("Ben", "act_code"),
        "Caf\u00e9": ("Ana", "veto"),
    }
    assert report.offsets.startswith(
        "UTF-16 code units, a CRLF line break as two characters, the byte-order mark not counted"
    )
    assert "3 of 3 selections are valid and 6 of 6 ends fall on word boundaries" in report.offsets
    doc = empty.documents.get(empty.documents.list()[0].id)
    assert doc.text == "Hello \U0001f600 world.\nWe support the ACT Code of Conduct.\nCaf\u00e9 ok."
    assert any("selection and the coding name different users" in w for w in report.warnings)


def test_nvivo_users_themes_metadata_and_notes(empty, tmp_path):
    report = import_refi(empty, make_nvivo(tmp_path / "nvivo.qdpx"))
    coders = {c.name: c.uuid for c in empty.coders.list()}
    assert coders == {"Ana": ANA, "Ben": BEN}  # braces and upper case dropped, GUIDs kept
    themes = {t.key: t for t in empty.codebook.themes()}
    assert [t.path for t in themes.values()] == [("Veto",), ("Veto", "ACT code"), ("Greetings",)]
    assert themes["veto"].color == "#ff0000"  # "#f00"
    assert themes["act_code"].color == "#0080ff"  # "rgb(0,128,255)"
    assert themes["veto"].description == "About the veto"
    assert themes["veto"].uuid == "11111111-0000-0000-0000-000000000001"
    assert empty.info.settings[NOT_CODABLE] == [themes["greetings"].uuid]
    doc = empty.documents.list()[0]
    assert doc.meta.speaker == "Ghana"  # variable "Country"
    assert doc.meta.attributes == {"Language": "English"}
    assert doc.uuid == "33333333-0000-0000-0000-000000000001"
    ana, ben = (empty.coders.find(n).id for n in ("Ana", "Ben"))
    assert empty.memos.document_memo(doc.id, ana) == "A memo on A"
    assert empty.memos.theme_memo(themes["veto"].id, ben) == "Ben on the veto"
    act = [c for c in empty.codings.for_document(doc.id) if c.coder_id == ben]
    assert act[0].memo == "Linked to ACT"  # the NVivo Link from a note to the selection
    world = empty.codings.for_document(doc.id)[0]
    assert world.created_at == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert [str(i) for i in report.left_out] == [
        "note 'Journal': it is attached to no source, code or selection; r2pcoder has no place "
        "for it"
    ]
    assert report.counts.codings_added == 3
    assert report.counts.memos_written == 2


def test_importing_the_same_file_twice_adds_nothing(empty, tmp_path):
    path = make_nvivo(tmp_path / "nvivo.qdpx")
    import_refi(empty, path)
    again = import_refi(empty, path)
    c = again.counts
    assert (c.statements_added, c.statements_matched) == (0, 1)
    assert (c.themes_added, c.themes_matched) == (0, 3)
    assert (c.coders_added, c.coders_matched) == (0, 2)
    assert (c.codings_added, c.codings_present) == (0, 3)
    assert c.memos_written == 0
    assert empty.codings.count() == 3


ATLAS_TEXT = "First line.\r\nSecond line here.\r\nThird line."
# CRLF counted as one: "First line." 0-11, break 11, "Second" 12-18, " line here." 18-29,
# break 29, "Third line" 30-40.


def atlas_project(path: Path) -> Path:
    g = "{ABCDEF01-0000-0000-0000-0000000000%02X}"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project {NS} name="Interviews" origin="ATLAS.ti 23">
<Users><User guid="{g % 1}" name="Chen"/></Users>
<CodeBook><Codes><Code guid="{g % 2}" name="Ordinals" isCodable="true" color="#00FF00"/>
</Codes></CodeBook>
<Sources><TextSource guid="{g % 3}" name="Interview 1"
 plainTextPath="internal://{(g % 3)[1:-1]}.txt">
{selection((g % 4)[1:-1], (12, 18), [(g % 2, g % 1)])}
{selection((g % 5)[1:-1], (30, 40), [(g % 2, g % 1)])}
</TextSource></Sources></Project>"""
    text = ATLAS_TEXT.encode("utf-8")
    files = {f"sources/{(g % 3)[1:-1]}.txt": text}
    return zip_project(path, qde, files, qde_name="Interviews.qde")


def test_atlas_counts_crlf_as_one_and_names_the_qde_after_the_project(empty, tmp_path):
    report = import_refi(empty, atlas_project(tmp_path / "atlas.qdpx"))
    assert quotes(empty) == {"Second": ("Chen", "ordinals"), "Third line": ("Chen", "ordinals")}
    assert report.offsets.startswith(
        "code points (the standard), a CRLF line break as one character"
    )
    assert "the project file is called Interviews.qde, not project.qde" in report.warnings
    assert empty.coders.list()[0].uuid == "abcdef01-0000-0000-0000-000000000001"
    assert report.complete


def test_offsets_option_forces_the_unit(empty, tmp_path):
    report = import_refi(empty, make_nvivo(tmp_path / "nvivo.qdpx"), offsets="code-points")
    assert report.offsets.startswith(
        "code points (the standard), a CRLF line break as two "
        "characters, the byte-order mark counted"
    )
    assert "the unit was given by the user" in report.offsets
    # Every selection lies after the one emoji: counting the BOM as one code point shifts them
    # back by the one unit the emoji's second half added, so the quotes are still right.
    assert set(quotes(empty)) == {"world", "ACT Code of Conduct", "Caf\u00e9"}


MAXQDA_TEXT = "Mr President, we support prevention. We oppose the veto."
# code points: "Mr President" 0-12, "prevention" 25-35, "veto" 51-55, "we support" 14-24.


def maxqda_project(path: Path) -> Path:
    u = "CCCCCCCC-0000-0000-0000-0000000000%02X"
    code = f'<Code guid="{u % 2}" name="Prevention" color="#80FF0000"/>'  # no isCodable
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project {NS} name="M" origin="MAXQDA 2022">
<Users><User guid="{u % 1}" name="Dora"/></Users>
<CodeBook><Codes>{code}</Codes></CodeBook>
<Variables><Variable guid="{u % 10}" name="Regional group" typeOfVariable="Text"/>
<Variable guid="{u % 11}" name="Date" typeOfVariable="Date"/>
<Variable guid="{u % 12}" name="Speaker" typeOfVariable="Text"/></Variables>
<Cases><Case guid="{u % 20}">{value(u % 10, "African")}{value(u % 11, "2017-09-06", "DateValue")}
{value(u % 12, "Ghana")}<SourceRef targetGUID="{u % 3}"/></Case></Cases>
<Sources>
<TextSource guid="{u % 3}" name="Statement" plainTextPath="internal://{u % 3}.txt">
{selection(u % 4, (25, 35), [(u % 2, u % 1)], created=False)}
<PlainTextSelection guid="{u % 5}" startPosition="51" endPosition="55" creatingUser="{u % 1}">
<Description>Check this</Description></PlainTextSelection>
</TextSource>
<TextSource guid="{u % 6}" name="Statement" plainTextPath="internal://{u % 6}.txt"/>
</Sources></Project>"""
    files = {f"Sources/{u % 3}.txt": MAXQDA_TEXT.encode(), f"Sources/{u % 6}.txt": b"Another."}
    return zip_project(path, qde, files)


def test_maxqda_quirks(empty, tmp_path):
    report = import_refi(empty, maxqda_project(tmp_path / "maxqda.qdpx"))
    assert quotes(empty) == {"prevention": ("Dora", "prevention")}
    theme = empty.codebook.themes()[0]
    assert theme.color == "#ff0000"  # "#80FF0000" read as #AARRGGBB
    docs = empty.documents.list()
    assert [d.title for d in docs] == ["Statement", "Statement"]
    meta = docs[0].meta
    assert (meta.regional_group, meta.date, meta.speaker) == ("African", "2017-09-06", "Ghana")
    warnings = "\n".join(report.warnings)
    assert "the sources folder is called Sources" in warnings
    assert "without creationDateTime: 2 selections" in warnings  # both of them
    assert "2 sources are called 'Statement'" in warnings
    assert "has no isCodable attribute" in warnings
    assert "read as #AARRGGBB" in warnings
    assert [str(i) for i in report.left_out] == [
        "annotation 51-55 in 'Statement': a passage with a note but no code has no theme; its "
        "note is kept in the statement memo"
    ]
    dora = empty.coders.find("Dora").id
    assert empty.memos.document_memo(docs[0].id, dora) == "On \u00abveto\u00bb (51-55): Check this"


def test_taguette_codebook_with_empty_sets(empty, tmp_path):
    qdc = tmp_path / "codebook.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
        'origin="Taguette 1.4.1"><Codes><Code guid="0A1B2C3D-0000-4000-8000-00000000000A" '
        'name="interesting" isCodable="true"/><Code guid="0A1B2C3D-0000-4000-8000-00000000000B" '
        'name="quote.strong" isCodable="true"/></Codes><Sets/></CodeBook>',
        encoding="utf-8",
    )
    report = import_refi(empty, qdc)
    assert report.kind == "codebook"
    assert [(t.key, t.name) for t in empty.codebook.themes()] == [
        ("interesting", "interesting"),
        ("quote_strong", "quote.strong"),
    ]
    assert "an empty <Sets/> (the schema wants at least one item)" in report.warnings
    assert report.complete


def test_codes_match_existing_themes_by_guid_then_name(project, tmp_path):
    prevention = project.codebook.theme_by_key("prevention")
    qdc = tmp_path / "cb.qdc"
    qdc.write_bytes(
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>'
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        + f'<Code guid="{{{prevention.uuid.upper()}}}" name="Prevent" isCodable="true">'
        '<Code guid="99999999-0000-0000-0000-000000000001" name="Sovereignty" isCodable="true"/>'
        '</Code><Code guid="99999999-0000-0000-0000-000000000002" name="veto RESTRAINT" '
        'isCodable="true"/></Codes></CodeBook>'.encode()
    )
    report = import_refi(project, qdc)
    assert [(k.code, k.key, k.how) for k in report.theme_keys] == [
        ("Prevent", "prevention", "matched by GUID"),
        ("Sovereignty", "sovereignty", "new"),
        ("veto RESTRAINT", "veto", "matched by name"),
    ]
    themes = {t.key: t for t in project.codebook.themes()}
    assert themes["sovereignty"].path == ("Prevention", "Sovereignty")
    assert themes["prevention"].name == "Prevention"  # the project's name is kept
    assert len(themes) == 4  # prevention, early_warning, veto and the new one


def test_existing_statement_is_matched_not_duplicated(project, tmp_path):
    text, meta = TEXTS[0]
    crlf = text.replace("\n", "\r\n")
    u = "DDDDDDDD-0000-0000-0000-0000000000%02X"
    start = crlf.index("ACT Code")  # no astral characters: code points, CRLF counted as two
    qde = f"""<Project {NS} name="X"><CodeBook><Codes>
<Code guid="{u % 1}" name="Veto restraint" isCodable="true"/></Codes></CodeBook>
<Variables><Variable guid="{u % 9}" name="Speaker" typeOfVariable="Text"/></Variables>
<Sources><TextSource guid="{u % 2}" name="{meta.title}" plainTextPath="internal://{u % 2}.txt">
{selection(u % 3, (start, start + 19), [(u % 1, u % 4)])}
{value(u % 9, "Ghana (Republic of)")}
</TextSource></Sources></Project>"""
    report = import_refi(
        project, zip_project(tmp_path / "x.qdpx", qde, {f"sources/{u % 2}.txt": crlf.encode()})
    )
    assert report.counts.statements_matched == 1
    assert len(project.documents.list()) == 3
    assert [str(i) for i in report.left_out] == [
        "source 'Statement of Ghana': speaker 'Ghana (Republic of)': the project's statement "
        "'Statement of Ghana' keeps 'Ghana'"
    ]
    assert project.documents.list()[0].meta.speaker == "Ghana"
    doc = project.documents.list()[0]
    coding = project.codings.for_document(doc.id)[0]
    assert text[coding.start : coding.end] == "ACT Code of Conduct"


def test_sources_without_text_and_other_media_are_reported(empty, tmp_path):
    u = "EEEEEEEE-0000-0000-0000-0000000000%02X"
    qde = f"""<Project {NS} name="X"><Sources>
<PDFSource guid="{u % 1}" name="Report.pdf" path="internal://{u % 1}.pdf">
<PDFSelection guid="{u % 9}" page="1" firstX="0" firstY="0" secondX="5" secondY="5"/>
<Representation guid="{u % 2}" plainTextPath="internal://{u % 2}.txt"/></PDFSource>
<AudioSource guid="{u % 3}" name="Interview.mp3" path="internal://{u % 3}.mp3"/>
<TextSource guid="{u % 4}" name="Gone" plainTextPath="internal://{u % 4}.txt"/>
<TextSource guid="{u % 5}" name="Inline">
<PlainTextContent>Inline text.</PlainTextContent></TextSource>
</Sources></Project>"""
    report = import_refi(
        empty, zip_project(tmp_path / "x.qdpx", qde, {f"sources/{u % 2}.txt": b"PDF text."})
    )
    assert [d.title for d in empty.documents.list()] == ["Report.pdf", "Inline"]
    assert [str(i) for i in report.left_out] == [
        "source 'Interview.mp3': a AudioSource holds no text; r2pcoder codes text only",
        f"source 'Gone': its file internal://{u % 4}.txt is not in the archive",
        "1 PDFSource selection in 'Report.pdf': they mark areas of a page or times in a "
        "recording, not text",
    ]


def test_cancel_leaves_the_project_as_it_was(empty, tmp_path):
    path = make_nvivo(tmp_path / "nvivo.qdpx")
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3  # after the reading phase, inside the transaction

    with pytest.raises(Cancelled):
        import_refi(empty, path, cancelled=cancelled)
    assert empty.documents.list() == []
    assert empty.coders.list() == []
    assert empty.codebook.themes() == []
    assert empty.codebook.current() is None


def test_a_failure_while_writing_rolls_everything_back(empty, tmp_path, monkeypatch):
    from r2pcoder.refi import load  # noqa: PLC0415

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(load, "place_codings", broken)
    with pytest.raises(RuntimeError):
        import_refi(empty, make_nvivo(tmp_path / "nvivo.qdpx"))
    assert empty.documents.list() == []
    assert empty.codebook.themes() == []


def test_a_packet_refuses_imports(tmp_path):
    path = make_nvivo(tmp_path / "nvivo.qdpx")
    with (
        Project.create(tmp_path / "packet.r2p", role="packet") as packet,
        pytest.raises(RefiRefused, match="is a coder's packet"),
    ):
        import_refi(packet, path)


def test_stances_of_the_file_join_the_project_scale_with_a_warning(project, tmp_path):
    # The stance group of another r2pcoder project (its fixed GUID), with one unknown stance.
    qdc = tmp_path / "cb.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{STANCE_ROOT}" name="Stance" isCodable="false">'
        '<Code guid="99999999-0000-0000-0000-0000000000a1" name="Supports" isCodable="true"/>'
        '<Code guid="99999999-0000-0000-0000-0000000000a2" name="Mixed" isCodable="true"/>'
        "</Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    report = import_refi(project, qdc)
    assert [s.key for s in project.codebook.stances()] == [
        "supports",
        "neutral",
        "opposes",
        "mixed",
    ]
    assert (report.counts.stances_matched, report.counts.stances_added) == (1, 1)
    assert "1 stance of the file went to the end of the project's stance scale: Mixed" in (
        report.warnings
    )


QUALCODER_TEXT = (
    "We must act early. Prevention saves lives \U0001f30d and money.\nThe veto blocks action."
)
# Code points of the text (the BOM QualCoder writes into the file is not counted):
# "Prevention saves lives 🌍 and money" 19-53, "The veto" 55-63 (56-64 in UTF-16 units).


def qualcoder_project(path: Path) -> Path:
    q = "0d0d0d0d-0000-4000-8000-0000000000%02x"
    sel = selection(q % 5, (19, 53), [(q % 3, q % 1)], user=q % 1)
    sel = sel.replace(
        "<PlainTextSelection ",
        '<PlainTextSelection name="Prevention saves lives \U0001f30d and money" ',
    )
    veto = selection(q % 6, (55, 63), [(q % 3, q % 1)], user=q % 1).replace(
        "<PlainTextSelection ", '<PlainTextSelection name="The veto" '
    )
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" {NS} name="qc.qda" origin="QualCoder 3.5">
<Users><User guid="{q % 1}" name="default" /></Users>
<CodeBook><Codes><Code guid="{q % 2}" name="Topics" isCodable="false"><Description />
<Code guid="{q % 3}" name="Prevention" isCodable="true" color="#EB7333"><Description /></Code>
</Code></Codes></CodeBook>
<Sources><TextSource guid="{q % 4}" name="interview.txt" plainTextPath="internal://{q % 4}.txt"
 creatingUser="{q % 1}" creationDateTime="2024-05-01T10:00:00Z">{sel}{veto}
<NoteRef targetGUID="{q % 7}"/></TextSource></Sources>
<Notes><Note guid="{q % 7}" creatingUser="{q % 1}" creationDateTime="2024-05-01T10:00:00Z">
<PlainTextContent>Check the veto</PlainTextContent>
<PlainTextSelection guid="{q % 8}" startPosition="55" endPosition="63" /></Note>
<Note guid="{q % 9}" creatingUser="{q % 1}" name="Diary" plainTextPath="internal://{q % 9}.txt">
<Description /></Note></Notes>
<Description>Project memo</Description></Project>"""
    files = {
        f"sources/{q % 4}.txt": ("\ufeff" + QUALCODER_TEXT).encode("utf-8"),
        f"sources/{q % 9}.txt": "\ufeffDay one.".encode(),
    }
    return zip_project(path, qde.encode("utf-8-sig"), files)


def test_qualcoder_quirks(empty, tmp_path):
    report = import_refi(empty, qualcoder_project(tmp_path / "qc.qdpx"))
    assert quotes(empty) == {
        "Prevention saves lives \U0001f30d and money": ("default", "prevention"),
        "The veto": ("default", "prevention"),
    }
    assert report.offsets.startswith("code points (the standard), the byte-order mark not counted")
    assert "its names agree with their text for 4 points" in report.offsets  # 2 whole quotes
    assert [(t.key, t.path) for t in empty.codebook.themes()] == [
        ("topics", ("Topics",)),
        ("prevention", ("Topics", "Prevention")),
    ]
    doc = empty.documents.list()[0]
    coder = empty.coders.find("default").id
    assert (
        empty.memos.document_memo(doc.id, coder)
        == "On \u00abThe veto\u00bb (55-63): Check the veto"
    )
    assert [str(i) for i in report.left_out] == [
        "annotation 55-63 in 'interview.txt': a passage with a note but no code has no theme; "
        "its note is kept in the statement memo",
        "note 'Diary': it is attached to no source, code or selection; r2pcoder has no place "
        "for it",
        "the project's description: r2pcoder projects have no description field",
    ]


def test_named_cases_become_an_attribute_and_their_other_members_are_reported(empty, tmp_path):
    u = "FFFFFFFF-0000-0000-0000-0000000000%02X"
    qde = f"""<Project {NS} name="X"><CodeBook><Codes>
<Code guid="{u % 1}" name="Theme" isCodable="true"/></Codes></CodeBook>
<Variables><Variable guid="{u % 2}" name="Cases:Country" typeOfVariable="Text"/></Variables>
<Cases><Case guid="{u % 3}" name="Ghana delegation">{value(u % 2, "Ghana")}
<CodeRef targetGUID="{u % 1}"/><SourceRef targetGUID="{u % 4}"/></Case>
<Case guid="{u % 5}" name="Speakers">{value(u % 2, "Mexico")}<SourceRef targetGUID="{u % 4}"/>
</Case></Cases>
<Sources><TextSource guid="{u % 4}" name="S"><PlainTextContent>Hello.</PlainTextContent>
</TextSource></Sources></Project>"""
    report = import_refi(empty, zip_project(tmp_path / "x.qdpx", qde))
    meta = empty.documents.list()[0].meta
    assert meta.speaker == "Ghana"  # the first case's value; the second is reported
    assert meta.attributes == {"case": "Ghana delegation; Speakers"}
    assert (
        "source 'S' has two values for 'Cases:Country' ('Ghana' and 'Mexico'); the first was kept"
        in report.warnings
    )
    assert [str(i) for i in report.left_out] == [
        "case 'Ghana delegation': 1 of its members are codes or selections; r2pcoder keeps "
        "cases as statement attributes only"
    ]


def test_new_codes_under_existing_and_retired_themes_keep_their_children(project, tmp_path):
    book = project.codebook.current()
    assert book is not None
    project.codebook.load(replace(book, themes=book.themes[:1]))  # "veto" retired
    prevention = project.codebook.theme_by_key("prevention").uuid
    veto = project.codebook.theme_by_key("veto").uuid
    code = '<Code guid="{}" name="{}" isCodable="true">'
    qdc = tmp_path / "cb.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        + code.format(prevention, "Prevention")
        + code.format("99999999-0000-0000-0000-000000000001", "Mediation")
        + code.format("99999999-0000-0000-0000-000000000002", "Good offices")
        + "</Code></Code></Code>"
        + code.format(veto, "Veto restraint")
        + code.format("99999999-0000-0000-0000-000000000003", "ACT")
        + "</Code></Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    report = import_refi(project, qdc)
    paths = {t.key: t.path for t in project.codebook.themes()}
    assert paths["mediation"] == ("Prevention", "Mediation")
    assert paths["good_offices"] == ("Prevention", "Mediation", "Good offices")
    assert paths["act"] == ("ACT",)
    assert "1 new theme under the retired theme veto went to the top level" in report.warnings
