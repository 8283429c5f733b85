from pathlib import Path

import pytest

from r2pcoder.db import Project
from r2pcoder.errors import Cancelled, ImportProblem
from r2pcoder.importer import import_files
from r2pcoder.metadata import DocumentMeta


def _folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "statements"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_folder_import_with_csv_metadata(project: Project, tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "ghana.txt": b"Ghana supports early warning.",
            "france.txt": "\ufeffLa France soutient le code ACT.\r\n".encode(),
        },
    )
    csv = folder / "meta.csv"
    csv.write_text(
        "file,title,speaker,regional_group,date,attr:language\n"
        "ghana.txt,Ghana 2017,Ghana,African,2017-09-06,en\n"
        "france.txt,France 2017,France,Western European and Others,2017-09-06,fr\n",
        encoding="utf-8",
    )
    report = import_files(project, [folder], metadata_csv=csv)
    assert [d.title for d in report.imported] == ["France 2017", "Ghana 2017"]
    assert report.failed == ()
    assert report.duplicates == ()
    france = project.documents.get(report.imported[0].id)
    assert france.text == "La France soutient le code ACT.\n"
    assert france.meta.regional_group == "Western European and Others"
    assert france.meta.attributes == {"language": "fr"}
    assert france.source_file == "france.txt"


def test_csv_alone_imports_what_it_lists_and_reports_missing_files(
    project: Project, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, {"a.txt": b"Statement A on prevention."})
    csv = folder / "meta.csv"
    csv.write_text(
        "file,speaker,colour\na.txt,Chile,blue\nmissing.txt,Peru,red\n", encoding="utf-8"
    )
    report = import_files(project, [], metadata_csv=csv)
    assert [d.meta.speaker for d in report.imported] == ["Chile"]
    assert report.failed == (
        ("missing.txt", "listed in the metadata file, but no such file was found"),
    )
    assert any("'colour' is not known" in w for w in report.warnings)


def test_duplicates_in_batch_and_project_are_reported_not_imported(
    project: Project, tmp_path: Path
) -> None:
    existing = project.documents.list()[0]
    text = project.documents.get(existing.id).text
    folder = _folder(
        tmp_path,
        {
            "copy_of_existing.txt": text.replace("\n", "\r\n").encode(),
            "one.txt": b"Same words.",
            "two.txt": b"\xef\xbb\xbfSame words.",
        },
    )
    report = import_files(project, [folder])
    assert [d.source_file for d in report.imported] == ["one.txt"]
    assert sorted(report.duplicates) == [
        ("copy_of_existing.txt", existing.title),
        ("two.txt", "one"),
    ]
    assert project.documents.get(existing.id).text == text


def test_bad_files_are_reported_and_the_rest_imported(project: Project, tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "good.txt": b"A good statement.",
            "empty.txt": b"",
            "binary.txt": b"\x00\x00\x01\x02\x03",
            "bad_group.txt": b"Another statement.",
        },
    )
    csv = folder / "meta.csv"
    csv.write_text("file,regional_group\nbad_group.txt,Europe\n", encoding="utf-8")
    report = import_files(project, [folder], metadata_csv=csv)
    assert [d.source_file for d in report.imported] == ["good.txt"]
    reasons = dict(report.failed)
    assert set(reasons) == {"empty.txt", "binary.txt", "bad_group.txt"}
    assert "not a UN regional group" in reasons["bad_group.txt"]


def test_defaults_fill_what_the_csv_leaves_empty(project: Project, tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"x.txt": b"Text x."})
    report = import_files(project, [folder / "x.txt"], defaults=DocumentMeta(event="GA 2019"))
    assert report.imported[0].meta.event == "GA 2019"
    assert report.imported[0].title == "x"


def test_cancel_writes_nothing(project: Project, tmp_path: Path) -> None:
    folder = _folder(tmp_path, {f"s{i}.txt": f"Statement {i}.".encode() for i in range(5)})
    calls: list[float] = []

    def cancelled() -> bool:
        return len(calls) > 3

    with pytest.raises(Cancelled):
        import_files(project, [folder], progress=calls.append, cancelled=cancelled)
    assert len(project.documents.list()) == 3


def test_unreadable_csv_is_refused(project: Project, tmp_path: Path) -> None:
    csv = tmp_path / "meta.csv"
    csv.write_text("name,speaker\nx.txt,Chile\n", encoding="utf-8")
    with pytest.raises(ImportProblem, match="no 'file' column"):
        import_files(project, [], metadata_csv=csv)


def test_imported_statements_follow_the_corpus_in_file_order(
    project: Project, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, {f"s{i}.txt": f"Statement {i}.".encode() for i in range(3)})
    import_files(project, [folder])
    (folder / "t.txt").write_bytes(b"A later statement.")
    import_files(project, [folder / "t.txt"])
    titles = [d.title for d in project.documents.list()]
    assert titles[3:] == ["s0", "s1", "s2", "t"]
