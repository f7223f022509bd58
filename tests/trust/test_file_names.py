"""Rule (compostela.filenames): file names built from what people typed are made of safe parts — no path
separator, no "..", no CR/LF, quotes or backslashes — in ZIP entries and in Content-Disposition."""

import io
import zipfile

import pytest

from compostela.filenames import safe_filename, safe_filename_part

HOSTILE = ["../../../../tmp/evil", "a\r\nContent-Type: text/html", 'say "hi"', "back\\slash", "..", "/etc/passwd",
           "名前\tタブ", "C:\\Windows\\x", "\u202eexe.pdf"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_part_never_carries_a_separator_or_a_header_break(name):
    part = safe_filename_part(name)
    assert part and not {"/", "\\", "\r", "\n", '"', "'", "\t", "\u202e"} & set(part)
    assert ".." not in part and not part.startswith(".")


def test_a_part_keeps_japanese_and_falls_back_when_empty():
    assert safe_filename_part("札幌 一郎") == "札幌 一郎"
    assert safe_filename_part("../..", fallback="client") == "client"
    assert safe_filename("claims 2024-05.xlsx") == "claims 2024-05.xlsx"
    assert safe_filename('x"\r\n.pdf') == "x.pdf"


@pytest.mark.django_db
def test_the_zip_of_per_client_pdfs_has_only_safe_entry_names(world):
    from billing.documents.pdfs import billing_month_zip
    from tests.billing.documents.conftest import MAY, build_known_month

    known = build_known_month(world)
    known.ichiro.family_name, known.ichiro.given_name = "../../../../tmp/evil", "\r\n"
    known.ichiro.save()
    known.hanako.family_name, known.hanako.given_name = 'q"uote\\back', "slash"
    known.hanako.save()
    names = zipfile.ZipFile(io.BytesIO(billing_month_zip(office=known.office, month=MAY))).namelist()
    assert len(names) >= 3
    for name in names:
        folder, entry = name.split("/")  # exactly one folder level, never more
        assert folder and entry and ".." not in name and "\\" not in name and "\r" not in name and '"' not in name
    assert any("tmp evil" in name for name in names)
