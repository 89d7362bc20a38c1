"""DOC-4's file rules (carnet_contracts.documents): refused by extension (every suffix), accepted by an allow-list,
and refused by content whatever the name: a renamed executable, a script, an installer, a jar."""
import pytest

from carnet_contracts import documents as rules

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n"
DOCX = b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml word/document.xml"


@pytest.mark.parametrize("name", ["a.exe", "A.EXE", "x.js", "x.bat", "x.cmd", "x.msi", "x.sh", "x.ps1", "x.vbs",
                                  "x.jar", "x.scr", "offre.exe.pdf", "x.pdf.lnk", "x.hta", "x.py"])
def test_executable_and_script_extensions_are_refused(name):
    assert rules.refused_extension(name) == "executable_extension"


@pytest.mark.parametrize("name", ["a.zip", "noextension", "a.", "a.iso", ".bashrc"])
def test_unknown_extensions_are_refused(name):
    assert rules.refused_extension(name) == "unsupported_extension"


@pytest.mark.parametrize("name", ["Offre 2026.pdf", "a.DOCX", "b.xlsx", "c.odt", "d.png", "e.JPG", "f.mp3",
                                  "g.mp4", "h.txt", "i.csv", "j.mov", "k.webm", "l.pptx"])
def test_office_pdf_images_audio_video_and_text_are_accepted(name):
    assert rules.refused_extension(name) is None


@pytest.mark.parametrize(("head", "kind"), [
    (b"MZ\x90\x00\x03\x00\x00\x00", "pe"),
    (b"\x7fELF\x02\x01\x01\x00", "elf"),
    (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01", "mach-o"),
    (b"\xca\xfe\xba\xbe\x00\x00\x00\x34", "java-class-or-mach-o"),
    (b"#!/usr/bin/env python3\nprint(1)\n", "script"),
    (b"PK\x03\x04\x14\x00\x08\x08META-INF/MANIFEST.MF", "jar"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200) + "Installation Database".encode(), "msi"),
    (b"@echo off\r\nstart calc.exe\r\n", "script-text"),
    (b"\xef\xbb\xbf$c = New-Object System.Net.WebClient\n", "script-text"),
    (b"Set shell = CreateObject(\"WScript.Shell\")\nshell.Run \"calc\"\n", "script-text"),
    (b"<html><hta:application id=x></html>", "script-text"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT>alert(1)</SCRIPT></svg>', "script-text"),
])
def test_content_sniffing_finds_executables_and_scripts(head, kind):
    assert rules.sniff(head) == kind
    assert rules.refusal("innocent.pdf", head) == "executable_content"


def test_powershell_saved_as_utf16_is_refused():
    head = "\ufeffInvoke-Expression (Get-Content x)\n".encode("utf-16-le")
    assert rules.refusal("notes.txt", b"\xff\xfe" + head[2:]) == "executable_content"


@pytest.mark.parametrize("head", [
    PDF, DOCX, b"\x89PNG\r\n\x1a\n\x00\x00", b"\xff\xd8\xff\xe0\x00\x10JFIF",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200) + "Microsoft Word".encode("utf-16-le"),
    b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>',
    b"Nom,Ville\nAna,Montr\xc3\xa9al\nset up a meeting,Laval\n", b"Bonjour,\n\nVoici l'offre.\n", b"",
])
def test_documents_are_not_mistaken_for_executables(head):
    assert rules.sniff(head) is None


def test_extension_takes_the_last_suffix_only():
    assert rules.extension("a.tar.gz") == "gz"
    assert rules.extension("dir.v2/file") == ""
    assert rules.content_type("Offre.PDF") == "application/pdf"
    assert rules.content_type("x.unknown") == "application/octet-stream"
