"""`coachat match`: rankings for a queries file against a catalog file."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from suppliers.matching.command import main

NAMES = [
    "Ramette papier A4 80 g/m² recyclé",
    "Sacs poubelle 50 L noir - rouleau de 20",
    "Gobelets carton 20 cl - sachet de 50",
    "Sacs poubelle 100 L noir - carton de 200",
]


@pytest.fixture
def queries(tmp_path):
    path = tmp_path / "queries.txt"
    path.write_text("gobelets 200ml\n\nsac poubelle 50l noir\n", encoding="utf-8")
    return path


def run_json(capsys, *args):
    assert main([*args, "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_json_gives_one_object_per_query_in_input_order(tmp_path, queries, capsys):
    catalog = tmp_path / "catalog.txt"
    catalog.write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    results = run_json(capsys, "--catalog", str(catalog), "--queries", str(queries), "--top", "2")
    assert [r["query"] for r in results] == ["gobelets 200ml", "sac poubelle 50l noir"]
    first = results[0]["matches"][0]
    assert first == {
        "line": 3,
        "name": NAMES[2],
        "score": first["score"],
        "confidence": first["confidence"],
    }
    assert isinstance(first["score"], float) and 0 <= first["score"] <= 100
    # how sure the match is: never more than the score
    assert isinstance(first["confidence"], float) and 0 <= first["confidence"] <= first["score"]
    # at most --top matches, and only products sharing a word with the query
    assert [len(r["matches"]) for r in results] == [1, 2]


def test_a_text_catalog_counts_blank_lines(tmp_path, queries, capsys):
    catalog = tmp_path / "catalog.txt"
    catalog.write_text("\n" + NAMES[0] + "\n\n" + NAMES[1] + "\n" + NAMES[2], encoding="utf-8")
    results = run_json(capsys, "--catalog", str(catalog), "--queries", str(queries))
    assert results[1]["matches"][0]["line"] == 4


@pytest.mark.parametrize(
    ("delimiter", "header", "encoding"),
    [
        (";", "Référence;Désignation;Prix", "utf-8-sig"),
        (",", "sku,Libellé produit,price", "utf-8"),
        ("\t", "code\tNom\tprix", "cp1252"),
    ],
)
def test_a_csv_catalog_is_read_by_its_name_column(
    tmp_path, queries, capsys, delimiter, header, encoding
):
    rows = [header] + [delimiter.join([f"R{i}", name, "1,50"]) for i, name in enumerate(NAMES)]
    catalog = tmp_path / "catalog.csv"
    catalog.write_bytes("\n".join(rows).encode(encoding))
    results = run_json(capsys, "--catalog", str(catalog), "--queries", str(queries))
    assert results[0]["matches"][0] == {
        "line": 4,
        "name": NAMES[2],
        "score": results[0]["matches"][0]["score"],
        "confidence": results[0]["matches"][0]["confidence"],
    }


def test_an_xlsx_catalog_gives_sheet_rows(tmp_path, queries, capsys):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Réf", "Désignation"])
    for i, name in enumerate(NAMES):
        sheet.append([f"R{i}", name])
    catalog = tmp_path / "catalog.xlsx"
    workbook.save(catalog)
    results = run_json(capsys, "--catalog", str(catalog), "--queries", str(queries))
    assert results[1]["matches"][0]["line"] == 3
    assert results[1]["matches"][0]["name"] == NAMES[1]


def test_text_output_lists_the_ranking_under_each_query(tmp_path, queries, capsys):
    catalog = tmp_path / "catalog.txt"
    catalog.write_text("\n".join(NAMES), encoding="utf-8")
    assert main(["--catalog", str(catalog), "--queries", str(queries), "--top", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "gobelets 200ml"
    assert out[1].strip().startswith("1.") and "line 3" in out[1] and NAMES[2] in out[1]


def test_a_missing_file_exits_2_with_a_message(tmp_path, queries, capsys):
    assert main(["--catalog", str(tmp_path / "nope.csv"), "--queries", str(queries)]) == 2
    assert "nope.csv: no such file" in capsys.readouterr().err


def test_an_empty_file_exits_2_with_a_message(tmp_path, queries, capsys):
    catalog = tmp_path / "catalog.txt"
    catalog.write_text("\n\n", encoding="utf-8")
    assert main(["--catalog", str(catalog), "--queries", str(queries)]) == 2
    assert "no product names" in capsys.readouterr().err
    empty = tmp_path / "queries.txt"
    empty.write_text("", encoding="utf-8")
    catalog.write_text(NAMES[0], encoding="utf-8")
    assert main(["--catalog", str(catalog), "--queries", str(empty)]) == 2
    assert "no queries" in capsys.readouterr().err


def test_a_csv_without_a_name_column_exits_2_with_a_message(tmp_path, queries, capsys):
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("code;prix\nR1;1,50\n", encoding="utf-8")
    assert main(["--catalog", str(catalog), "--queries", str(queries)]) == 2
    assert "no product-name column" in capsys.readouterr().err
