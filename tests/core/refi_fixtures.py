"""Small REFI-QDA files built on purpose, one quirk each, for the REFI tests.

Positions in these files are hand-counted in the unit the imitated program uses; the comments
next to each fixture say how. Nothing here comes from another program's files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

NS = 'xmlns="urn:QDA-XML:project:1.0"'

ANA = "aaaaaaaa-1111-2222-3333-444444444444"
BEN = "bbbbbbbb-1111-2222-3333-444444444444"
VETO = "11111111-0000-0000-0000-000000000001"
ACT = "11111111-0000-0000-0000-000000000002"
GREET = "11111111-0000-0000-0000-000000000003"
SRC = "33333333-0000-0000-0000-000000000001"
BOM = "\ufeff"

# NVivo-like source: UTF-8 with BOM, CRLF line breaks, an emoji, a decomposed "é".
NVIVO_TEXT = "Hello \U0001f600 world.\r\nWe support the ACT Code of Conduct.\r\nCafe\u0301 ok."
# UTF-16 units (BOM not counted, CR counted): "Hello " 0-6, emoji 6-8, " " 8, "world" 9-14,
# "." 14, CR LF 15-17; "We support the " 17-32, "ACT Code of Conduct" 32-51, "." 51,
# CR LF 52-54; "Cafe" 54-58, U+0301 58, " ok." 59-63.
NVIVO_WORLD = (9, 14)
NVIVO_ACT = (32, 51)
NVIVO_CAFE = (54, 59)


def zip_project(
    path: Path,
    qde: str | bytes,
    files: dict[str, bytes] | None = None,
    qde_name: str = "project.qde",
) -> Path:
    """Write a .qdpx with ``qde`` and ``files`` (member name -> bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde if isinstance(qde, bytes) else qde.encode("utf-8"))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


def selection(
    guid: str,
    span: tuple[int, int],
    codes: list[tuple[str, str]],
    *,
    user: str | None = None,
    inner: str = "",
    created: bool = True,
) -> str:
    """A PlainTextSelection with one Coding per ``(code GUID, coding user)``."""
    attrs = f'guid="{guid}" startPosition="{span[0]}" endPosition="{span[1]}"'
    if user:
        attrs += f' creatingUser="{user}"'
    if created:
        attrs += ' creationDateTime="2020-01-02T03:04:05Z"'
    codings = "".join(
        f'<Coding guid="{guid[:-4]}c{n:03d}" creatingUser="{who}">'
        f'<CodeRef targetGUID="{code}"/></Coding>'
        for n, (code, who) in enumerate(codes)
    )
    return f"<PlainTextSelection {attrs}>{inner}{codings}</PlainTextSelection>"


def note(guid: str, name: str, user: str, text: str) -> str:
    """A Note with its text inline."""
    return (
        f'<Note guid="{guid}" name="{name}" creatingUser="{user}">'
        f"<PlainTextContent>{text}</PlainTextContent></Note>"
    )


def value(variable: str, text: str, kind: str = "TextValue") -> str:
    """A VariableValue."""
    return (
        f'<VariableValue><VariableRef targetGUID="{variable}"/>'
        f"<{kind}>{text}</{kind}></VariableValue>"
    )


NOTE = "66666666-0000-0000-0000-00000000000%d"
VAR = "22222222-0000-0000-0000-00000000000%d"


def nvivo_project(path: Path) -> Path:
    """NVivo-like: UTF-16 positions, CR of CRLF counted, BOM not counted, lower-case GUIDs in
    braces for users, a Sources folder, a coding by another user than its selection, notes."""
    sels = [
        selection("44444444-0000-0000-0000-000000000001", NVIVO_WORLD, [(GREET, ANA)], user=ANA),
        selection("44444444-0000-0000-0000-000000000002", NVIVO_ACT, [(ACT, BEN)], user=ANA),
        selection(
            "44444444-0000-0000-0000-000000000003",
            NVIVO_CAFE,
            [(VETO, ANA)],
            user=ANA,
            created=False,
        ),
    ]
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project {NS} name="T" origin="NVivo 14">
<Users><User guid="{{{ANA.upper()}}}" name="Ana"/><User guid="{BEN}" name="Ben"/></Users>
<CodeBook><Codes>
<Code guid="{VETO}" name="Veto" isCodable="true" color="#f00">
<Description>About the veto</Description><NoteRef targetGUID="{NOTE % 2}"/>
<Code guid="{ACT}" name="ACT code" isCodable="true" color="rgb(0,128,255)"/></Code>
<Code guid="{GREET}" name="Greetings" isCodable="false"/>
</Codes></CodeBook>
<Variables>
<Variable guid="{VAR % 1}" name="Country" typeOfVariable="Text"/>
<Variable guid="{VAR % 2}" name="Language" typeOfVariable="Text"/>
</Variables>
<Sources>
<TextSource guid="{SRC}" name="Statement A" plainTextPath="internal://{SRC}.txt"
 creatingUser="{ANA}">
{"".join(sels)}
<NoteRef targetGUID="{NOTE % 1}"/>
{value(VAR % 1, "Ghana")}{value(VAR % 2, "English")}
</TextSource>
</Sources>
<Notes>
{note(NOTE % 1, "memo", ANA, "A memo on A")}
{note(NOTE % 2, "code memo", BEN, "Ben on the veto")}
{note(NOTE % 3, "link memo", ANA, "Linked to ACT")}
{note(NOTE % 4, "Journal", ANA, "Project diary")}
</Notes>
<Links><Link guid="77777777-0000-0000-0000-000000000001" originGUID="{NOTE % 3}"
 targetGUID="44444444-0000-0000-0000-000000000002"/></Links>
</Project>"""
    text = (BOM + NVIVO_TEXT).encode("utf-8")
    return zip_project(path, qde, {f"Sources/{SRC}.txt": text})
