import hashlib
import os
import struct
import zipfile
from pathlib import Path

import pytest

from tests.core.refi_fixtures import NS, zip_project

from r2pcoder.db import Project
from r2pcoder.refi import ImportLimits, RefiRefused, import_refi

GOOD_QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project {NS} name="P"><Sources><TextSource guid="33333333-0000-0000-0000-000000000001"
 name="S" plainTextPath="internal://33333333-0000-0000-0000-000000000001.txt"/></Sources></Project>"""
SOURCE = "sources/33333333-0000-0000-0000-000000000001.txt"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def refuse(project_path: Path, archive: Path, limits: ImportLimits | None = None) -> str:
    """Import ``archive``; it must be refused with one line, leaving the project's bytes."""
    before = digest(project_path)
    around = files_under(project_path.parent)
    with Project(project_path) as project:
        count = len(project.documents.list())
        with pytest.raises(RefiRefused) as caught:
            import_refi(project, archive, limits=limits)
        assert len(project.documents.list()) == count
    assert digest(project_path) == before
    assert files_under(project_path.parent) == around
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("member", "why"),
    [
        ("../evil.txt", "points outside the archive (it contains ..)"),
        ("sources/../../evil.txt", "points outside the archive (it contains ..)"),
        ("..\\evil.txt", "points outside the archive (it contains ..)"),
        ("/tmp/evil.txt", "is an absolute path"),
        ("C:/evil.txt", "is an absolute path"),
    ],
)
def test_zip_slip_member_names_are_refused(project_path, tmp_path, member, why):
    archive = zip_project(tmp_path / "slip.qdpx", GOOD_QDE, {SOURCE: b"text", member: b"owned"})
    assert why in refuse(project_path, archive)
    assert not (tmp_path.parent / "evil.txt").exists()
    assert not Path("evil.txt").exists()


XXE = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&d;"/>"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://example.invalid/evil.dtd">
<Project xmlns="urn:QDA-XML:project:1.0" name="x">&undefined;</Project>"""


@pytest.mark.parametrize("xml", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entities_in_the_xml_are_refused(project_path, tmp_path, xml):
    archive = zip_project(tmp_path / "x.qdpx", xml)
    assert "declares XML entities or external references" in refuse(project_path, archive)


def test_entities_in_a_codebook_are_refused(project_path, tmp_path):
    qdc = tmp_path / "x.qdc"
    qdc.write_text(XXE.replace("Project", "CodeBook"), encoding="utf-8")
    assert "declares XML entities" in refuse(project_path, qdc)


def test_an_undefined_entity_behind_an_external_dtd_is_refused(project_path, tmp_path):
    archive = zip_project(tmp_path / "x.qdpx", EXTERNAL_DTD)
    message = refuse(project_path, archive)
    assert "refused" in message


def test_declared_size_over_the_limit(project_path, tmp_path):
    archive = zip_project(tmp_path / "big.qdpx", GOOD_QDE, {SOURCE: b"x" * 5000})
    message = refuse(project_path, archive, ImportLimits(member_bytes=4000))
    assert message == (
        f"Archive member '{SOURCE}' declares 5,000 bytes, more than the limit of 4,000; refused."
    )


def test_total_declared_size_and_member_count_limits(project_path, tmp_path):
    archive = zip_project(tmp_path / "big.qdpx", GOOD_QDE, {SOURCE: b"x" * 3000})
    assert "more than the limit of 3,000; refused" in refuse(
        project_path, archive, ImportLimits(total_bytes=3000)
    )
    assert "lists 2 members, more than the limit of 1" in refuse(
        project_path, archive, ImportLimits(members=1)
    )


def _patch_sizes(path: Path, name: str, size: int) -> None:
    """Make ``name`` declare ``size`` bytes in its local and central headers."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    at = data.find(b"PK\x03\x04")
    while at >= 0:
        if data[at + 30 : at + 30 + len(encoded)] == encoded:
            struct.pack_into("<I", data, at + 22, size)
        at = data.find(b"PK\x03\x04", at + 4)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        if data[at + 46 : at + 46 + len(encoded)] == encoded:
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_member_holding_more_than_it_declares_is_refused(project_path, tmp_path):
    archive = tmp_path / "liar.qdpx"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", GOOD_QDE)
        z.writestr(SOURCE, b"y" * 50_000)
    _patch_sizes(archive, SOURCE, 100)  # declares 100 bytes, unpacks to 50,000
    message = refuse(project_path, archive, ImportLimits(member_bytes=1000))
    assert message.startswith(
        f"Archive member '{SOURCE}' is damaged or does not hold what it declares"
    )


def test_an_encrypted_member_is_refused(project_path, tmp_path):
    archive = zip_project(tmp_path / "locked.qdpx", GOOD_QDE, {SOURCE: b"secret"})
    data = bytearray(archive.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        struct.pack_into("<H", data, at + 8, struct.unpack_from("<H", data, at + 8)[0] | 1)
        at = data.find(b"PK\x01\x02", at + 4)
    archive.write_bytes(bytes(data))
    assert "is encrypted; refused" in refuse(project_path, archive)


def test_not_a_zip(project_path, tmp_path):
    fake = tmp_path / "fake.qdpx"
    fake.write_bytes(os.urandom(64))
    assert refuse(project_path, fake) == (
        "fake.qdpx is not a REFI-QDA project: it is not a zip archive."
    )


def test_no_qde_in_the_archive(project_path, tmp_path):
    archive = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(SOURCE, b"text")
    assert refuse(project_path, archive) == "empty.qdpx holds no .qde project file; refused."


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("internal://../../../etc/passwd", "points outside the archive (it contains ..)"),
        ("internal:///etc/passwd", "'internal:///etc/passwd' is an absolute path, outside"),
        ("absolute:///etc/passwd", "r2pcoder reads sources only from inside the .qdpx"),
        ("relative://../secret.txt", "r2pcoder reads sources only from inside the .qdpx"),
        ("file:///etc/passwd", "r2pcoder reads sources only from inside the .qdpx"),
    ],
)
def test_a_source_path_outside_the_archive_is_refused(project_path, tmp_path, path, why):
    qde = GOOD_QDE.replace("internal://33333333-0000-0000-0000-000000000001.txt", path)
    archive = zip_project(tmp_path / "out.qdpx", qde, {SOURCE: b"text"})
    assert why in refuse(project_path, archive)


def test_not_xml_and_not_refi(project_path, tmp_path):
    archive = zip_project(tmp_path / "broken.qdpx", "<Project name='x'>")
    assert "is not well-formed XML" in refuse(project_path, archive)
    other = zip_project(tmp_path / "other.qdpx", "<html><body/></html>")
    assert refuse(project_path, other) == (
        "project.qde is not a REFI-QDA project or codebook (its root element is <html>)."
    )


def test_codes_nested_without_end_are_refused(project_path, tmp_path):
    deep = (
        "".join(
            f'<Code guid="{n:08d}-0000-0000-0000-000000000000" name="c" isCodable="true">'
            for n in range(5000)
        )
        + "</Code>" * 5000
    )
    qde = f"<Project {NS} name='x'><CodeBook><Codes>{deep}</Codes></CodeBook></Project>"
    archive = zip_project(tmp_path / "deep.qdpx", qde)
    assert refuse(project_path, archive) == (
        "project.qde nests codes more than 100 levels deep; refused."
    )
