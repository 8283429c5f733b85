import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from r2pcoder.metadata import KNOWN_COLUMNS, REGIONAL_GROUPS

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
DOC_TYPES = {
    "state statement",
    "Secretary-General remarks",
    "meeting summary",
    "country assessment",
}
TEXTS = sorted(SAMPLE.glob("*.txt"))

# Debris the conversions had and the clean texts must not: page furniture, markup, footnote
# markers, flattened tables.
DEBRIS = {
    "form feed": re.compile("\f"),
    "carriage return": re.compile("\r"),
    "tab (flattened table)": re.compile("\t"),
    "page x of y": re.compile(r"\bPage \d+ of \d+\b", re.IGNORECASE),
    "superscript footnote marker": re.compile("[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]"),
    "HTML tag": re.compile(r"</?(?:p|i|b|ul|li|sup|sub|br|em|strong)\b[^>]*>"),
    "Markdown heading": re.compile(r"^#+ ", re.MULTILINE),
    "Markdown emphasis": re.compile(r"\*\*|(?<!\w)\*\w"),
    "Markdown link": re.compile(r"\]\("),
    "Markdown rule": re.compile(r"^---+$", re.MULTILINE),
    "escaped character": re.compile(r"\\[$*_#]"),
    "trailing whitespace": re.compile(r"[ \u00a0]+$", re.MULTILINE),
    "more than one blank line": re.compile(r"\n\n\n"),
    "web address of the cover page": re.compile(r"r2pinfo@|^r2pasiapacific\.org$", re.MULTILINE),
}


def read_metadata() -> list[dict[str, str]]:
    with (SAMPLE / "metadata.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == list(KNOWN_COLUMNS)
        return list(reader)


def test_metadata_lists_exactly_the_text_files_once_each():
    files = [row["file"] for row in read_metadata()]
    assert sorted(files) == sorted(p.name for p in TEXTS)
    assert len(files) == len(set(files)) == 5


def test_metadata_fields_are_valid():
    for row in read_metadata():
        assert all(value == value.strip() for value in row.values()), row["file"]
        for required in ("title", "speaker", "event"):
            assert row[required], f"{row['file']}: {required} is empty"
        assert row["regional_group"] in REGIONAL_GROUPS, row["file"]
        assert row["doc_type"] in DOC_TYPES, row["file"]
        if row["date"]:
            assert dt.date.fromisoformat(row["date"]).isoformat() == row["date"], row["file"]


def test_only_state_statements_have_a_regional_group():
    for row in read_metadata():
        is_state = row["doc_type"] == "state statement"
        assert (row["regional_group"] != "none") == is_state, row["file"]


def test_metadata_facts_for_the_korean_statement():
    row = next(r for r in read_metadata() if r["file"] == "2017_republic_of_korea.txt")
    assert (row["speaker"], row["regional_group"], row["date"], row["doc_type"]) == (
        "Republic of Korea",
        "Asia-Pacific",
        "2017-09-06",
        "state statement",
    )


def test_every_document_type_is_represented():
    assert {row["doc_type"] for row in read_metadata()} == DOC_TYPES


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_text_is_non_empty_utf8_with_unix_line_ends(path: Path):
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # strict: raises on anything that is not UTF-8
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert len(text.split()) > 200
    assert text.endswith("\n")
    assert not text.startswith(("\n", " "))


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_text_has_no_conversion_debris(path: Path):
    text = path.read_text(encoding="utf-8")
    found = [name for name, pattern in DEBRIS.items() if pattern.search(text)]
    assert found == []


def test_sentences_split_by_page_breaks_were_joined():
    statement = (SAMPLE / "2017_republic_of_korea.txt").read_text(encoding="utf-8")
    assert "through prosecution in national and international criminal justice systems" in statement
    summary = (SAMPLE / "2017_global_centre_summary.txt").read_text(encoding="utf-8")
    assert "legal, moral and political accountability" in summary
    assert "Asia-Pacific Group: Bangladesh, China," in summary


def test_assessment_table_rows_were_put_back_together():
    text = (SAMPLE / "2022_republic_of_korea_assessment.txt").read_text(encoding="utf-8")
    assert text.count("\nIndicator: ") == 36
    assert (
        "Indicator: Develop the capacities needed to support civilian protection, including "
        "through the training of military and civilian personnel for peacekeeping.\n"
        "Assessment: Very Strong (Increase)\n"
        "Notes: South Korea held the 2021 UN Peacekeeping Ministerial in Seoul, with the intention "
        "of strengthening peacekeeping operations"
    ) in text
    notes = text.split("\nNotes\n\n", 1)[1].splitlines()
    assert [line.split(".", 1)[0] for line in notes] == [str(n) for n in range(1, 40)]
