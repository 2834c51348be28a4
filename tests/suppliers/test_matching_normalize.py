"""However members and catalogs write a product, its normalised form is the same."""

from __future__ import annotations

import pytest

from suppliers.matching import normalize, parse_quantities, split_reference


def same(*texts: str) -> bool:
    return len({normalize(t) for t in texts}) == 1


def test_80g_and_80_g_and_0_08_kg_normalise_the_same():
    assert same("papier 80g", "papier 80 g", "papier 0,08 kg", "papier 80 g/m²", "papier 80gr")
    assert normalize("papier 80 g") == "papier 80g"


def test_volumes_are_written_in_millilitres_whatever_the_unit():
    assert same("eau 50 cl", "eau 500 ml", "eau 0,5 L", "eau 0.5l", "eau 50cl")
    assert same("bidon 5 L", "bidon 5 litres", "bidon 5000 ml")


def test_a_unit_typed_with_a_slip_is_still_a_unit():
    assert same("gel 5 lotres", "gel 5 litres")
    assert same("ruban 100 metrres", "ruban 100 m")


@pytest.mark.parametrize("pack", ["x5", "x 5", "(x5)", "lot de 5", "par 5", "paquet de 5", "5 pcs"])
def test_pack_notations_give_one_pack_count(pack):
    assert normalize(f"stylos {pack}") == "stylo x5"


def test_a_pack_of_measured_items_gives_the_count_and_the_measure():
    assert same("5x500ml", "5 x 500 ml", "lot de 5 x 0,5 L")
    assert normalize("gel 5 x 500 ml") == "gel x5 500ml"
    assert normalize("carton de 12 bouteilles") == "x12 bouteille"


def test_a_carton_that_is_a_box_keeps_its_dimensions():
    assert normalize("Carton 31 x 22 x 15 cm - lot de 20") == "carton 31x22x15 x20"
    assert same("enveloppes 110 x 220 mm", "enveloppe 110x220")


def test_case_accents_and_punctuation_do_not_count():
    assert same("Désignation ÉCOLOGIQUE !", "designation ecologique", "DESIGNATION, écologique")
    assert normalize("Œufs") == "oeuf"


def test_shop_abbreviations_are_expanded():
    assert same("ram. pap. A4 rec.", "ramette papier A4 recyclé")
    assert same("bte de 100 gants", "boîte de 100 gants")


def test_ram_without_its_dot_is_not_a_ramette():
    assert normalize("Barrette RAM 8 Go") == "barrette ram 8go"


def test_simple_plurals_are_singular():
    assert same("sacs poubelles", "sac poubelle")
    assert same("rouleaux", "rouleau")
    assert same("enveloppes recyclées", "enveloppe recyclé")


def test_model_codes_are_glued_together():
    assert normalize("Barrette KTC-D320/1G") == "barrette ktcd3201g"
    assert same("piles LR03", "piles lr3", "pile LR-03")


def test_brands_used_as_nouns_also_give_the_noun():
    assert normalize("Sopalin") == "sopalin essuie tout"
    assert same("post-it", "Post it", "postit")


def test_quantities_read_back_sizes_and_pack():
    quantities = parse_quantities("Ramette A4 80 g/m² - carton de 5")
    assert quantities.sizes == {"mass": frozenset({"80g"})}
    assert quantities.pack == 5


def test_different_sizes_of_one_dimension_conflict():
    eighty, ninety = parse_quantities("papier 80 g"), parse_quantities("papier 0,09 kg")
    assert [c.render() for c in eighty.conflicts(ninety)] == ["size 80g ≠ 90g"]
    assert eighty.agrees_with(parse_quantities("ramette 80g")) is True
    assert eighty.agrees_with(parse_quantities("cable 2 m")) is None


def test_different_pack_counts_conflict():
    assert parse_quantities("stylos x10").conflicts(parse_quantities("stylos lot de 50"))


def test_a_supplier_reference_is_set_apart():
    assert split_reference("Agrafeuse 40 feuilles - Réf. 3JBW60") == (
        "Agrafeuse 40 feuilles",
        "3JBW60",
    )
    assert split_reference("Code de la route") == ("Code de la route", "")
