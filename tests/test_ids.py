"""Ids and page numbers as typed: only ASCII digits, from 1 to the largest id the database
stores; the URL converter of ids agrees with the parser on every number."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from persistence.ids import MAX_ID, parse_id, parse_page
from web.params import up_to


def test_an_id_is_ascii_digits_within_the_databases_range():
    assert parse_id("42") == 42 and parse_id(" 7 ") == 7 and parse_id(MAX_ID) == MAX_ID
    for odd in ("99999999999999999999", "²", "-1", "1e3", "0x1", "0", "", "٣", "4.0", None, True):
        assert parse_id(odd) is None, odd
    assert parse_id(str(MAX_ID + 1)) is None and parse_page(str(MAX_ID + 1)) is None
    assert parse_page("3") == 3 and parse_page("0") is None


@given(st.integers(min_value=-10, max_value=10 * MAX_ID))
def test_the_url_converter_matches_exactly_the_ids_the_parser_reads(number):
    pattern = re.compile(up_to(MAX_ID))
    assert bool(pattern.fullmatch(str(number))) == (parse_id(str(number)) is not None)


def test_the_url_converter_refuses_leading_zeros_and_the_edges():
    pattern = re.compile(up_to(MAX_ID))
    assert pattern.fullmatch("2147483647") and not pattern.fullmatch("2147483648")
    assert pattern.fullmatch("1000000000") and not pattern.fullmatch("0")
    assert not pattern.fullmatch("01")
