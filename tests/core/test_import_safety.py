"""Hostile imports: a metadata CSV that points outside its folder and Word files that explode are
refused one by one with the reason, and everything else is imported."""

import io
import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from r2pcoder import readers
from r2pcoder.cli import main
from r2pcoder.db import Project
from r2pcoder.errors import ImportProblem
from r2pcoder.importer import import_files
from r2pcoder.metadata import resolve_listed
from r2pcoder.readers.ziplimits import MAX_PARTS, check_archive

OUTSIDE = "the metadata file may only name files in its own folder"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """data/metadata.csv beside good files, and a secret outside data/ it tries to reach."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "secret.txt").write_text("The lead's private notes.\n", encoding="utf-8")
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "good.txt").write_text("A statement on prevention.\n", encoding="utf-8")
    (data / "sub" / "nested.txt").write_text("A statement on the veto.\n", encoding="utf-8")
    os.symlink(secret / "secret.txt", data / "link.txt")
    rows = [
        "file,speaker,regional_group",
        "good.txt,Ghana,African",
        "../secret/secret.txt,Mexico,Latin American and Caribbean",
        f"{secret / 'secret.txt'},Peru,Latin American and Caribbean",
        "sub/nested.txt,Chile,Latin American and Caribbean",
        r"..\secret\secret.txt,Cuba,Latin American and Caribbean",
        "link.txt,Fiji,Asia-Pacific",
    ]
    (data / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return data


def test_metadata_csv_names_resolve_inside_its_folder_only(project: Project, tree: Path) -> None:
    before = len(project.documents.list())
    report = import_files(project, [], metadata_csv=tree / "metadata.csv")
    imported = {d.meta.speaker: d for d in report.imported}
    assert sorted(imported) == ["Chile", "Ghana"]  # their rows' metadata is kept
    assert imported["Ghana"].meta.regional_group == "African"
    failed = dict(report.failed)
    assert set(failed) == {
        "../secret/secret.txt",
        str(tree.parent / "secret" / "secret.txt"),
        r"..\secret\secret.txt",
        "link.txt",
    }
    assert failed["../secret/secret.txt"] == (
        f"not imported: {OUTSIDE}, and this name leads out of it with '..'"
    )
    assert failed[r"..\secret\secret.txt"] == failed["../secret/secret.txt"]
    assert failed[str(tree.parent / "secret" / "secret.txt")] == (
        f"not imported: {OUTSIDE}, and this is an absolute path"
    )
    assert failed["link.txt"] == (
        f"not imported: {OUTSIDE}, and this name is a link to a file outside it"
    )
    texts = [project.documents.get(d.id).text for d in project.documents.list()]
    assert len(texts) == before + 2
    assert not any("private notes" in t for t in texts)


def test_the_command_line_names_each_refused_row_and_exits_partial(
    project_path: Path, tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["import", str(project_path), "--metadata", str(tree / "metadata.csv")])
    out, err = capsys.readouterr()
    assert code == 4
    assert err == ""
    assert out.splitlines()[0] == (
        "Imported 2 statements; 0 duplicates skipped; 4 files not imported."
    )
    assert f"../secret/secret.txt: not imported: {OUTSIDE}" in out


@pytest.mark.parametrize(
    "name",
    ["C:\\Users\\lead\\secret.txt", "\\\\server\\share\\secret.txt", "/etc/passwd", "a/../../b"],
)
def test_windows_and_unix_absolute_names_and_climbs_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ImportProblem, match=OUTSIDE):
        resolve_listed(tmp_path, name)


def test_names_inside_the_folder_resolve_there(tmp_path: Path) -> None:
    assert resolve_listed(tmp_path, "a.txt") == tmp_path / "a.txt"
    assert resolve_listed(tmp_path, "sub\\b.txt") == tmp_path / "sub" / "b.txt"
    assert resolve_listed(tmp_path, "./c.txt") == tmp_path / "c.txt"


# --- zip bombs ---------------------------------------------------------------------------------


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _with_part(base: bytes, name: str, size: int) -> bytes:
    """``base`` (a .docx) plus a part of ``size`` zero bytes, deflated as it is written."""
    buffer = io.BytesIO(base)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as part,
    ):
        chunk = bytes(1 << 20)
        for _ in range(size >> 20):
            part.write(chunk)
    return buffer.getvalue()


def _declared_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` with the central directory declaring ``size`` bytes for part ``name``."""
    raw = bytearray(data)
    offset = 0
    while True:
        entry = raw.find(b"PK\x01\x02", offset)
        assert entry >= 0, name
        name_len = struct.unpack_from("<H", raw, entry + 28)[0]
        if raw[entry + 46 : entry + 46 + name_len] == name.encode():
            struct.pack_into("<I", raw, entry + 24, size)
            return bytes(raw)
        offset = entry + 4


@pytest.mark.slow
def test_a_docx_bomb_is_refused_at_once_and_the_batch_goes_on(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "a.txt").write_text("A statement before the bomb.\n", encoding="utf-8")
    bomb = _with_part(_docx("Looks like a statement."), "word/media/zeros.bin", 120 << 20)
    assert len(bomb) < 1 << 20  # 120 MB of zeros deflate to about 120 KB
    (folder / "b-bomb.docx").write_bytes(bomb)
    (folder / "c.docx").write_bytes(_docx("A statement after the bomb."))
    report = import_files(project, [folder])
    assert sorted(d.title for d in report.imported) == ["a", "c"]
    [(name, reason)] = report.failed
    assert name == "b-bomb.docx"
    # 120 MB of zeros plus the parts of python-docx's empty template, under a megabyte
    assert re.fullmatch(
        r"b-bomb\.docx would expand to 12[01] MB, more than the import limit of 100 MB; "
        r"it is not a statement \(it may be a 'zip bomb'\)",
        reason,
    )


def test_a_part_expanding_beyond_what_it_declares_is_refused_as_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 2 << 20)
    honest = _with_part(_docx("Short."), "word/media/zeros.bin", 8 << 20)
    path = tmp_path / "liar.docx"
    path.write_bytes(_declared_size(honest, "word/media/zeros.bin", 1000))
    with pytest.raises(ImportProblem) as refused:
        readers.read_document(path)
    assert str(refused.value) == (
        "liar.docx is not a valid zip-based file (it may be damaged or encrypted)"
    )
    path.write_bytes(honest)
    with pytest.raises(ImportProblem, match=r"would expand to [89] MB, more than the import limit"):
        readers.read_document(path)


def test_an_archive_of_too_many_parts_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(MAX_PARTS + 1):
            archive.writestr(f"p{i}", b"")
    with pytest.raises(ImportProblem, match=r"holds 10,001 parts"):
        check_archive(buffer.getvalue(), "many.docx", 1 << 30)


def test_a_part_with_a_broken_stream_is_damaged() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>" * 100)
    raw = bytearray(buffer.getvalue())
    start = raw.find(zlib.compress(b"<w:document/>" * 100)[2:8])
    raw[start : start + 6] = b"\xff" * 6
    with pytest.raises(ImportProblem, match="not a valid zip-based file"):
        check_archive(bytes(raw), "broken.docx", 1 << 30)
