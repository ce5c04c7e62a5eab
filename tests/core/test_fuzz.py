"""The pure-Python scorers give exactly rapidfuzz's floats, so beets and Picard decide alike."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tagbridge.core import fuzz
from tagbridge.core.normalize import normalize_text

try:
    from rapidfuzz import fuzz as rapidfuzz_fuzz
except ImportError:  # the pure backend's fixed examples still run
    rapidfuzz_fuzz = None  # type: ignore[assignment]

needs_rapidfuzz = pytest.mark.skipif(rapidfuzz_fuzz is None, reason="rapidfuzz is not installed to compare against")

# Every character Python's str.split() treats as whitespace, mixed with a few letters, so the
# property also checks that both splitters cut token_sort_ratio's tokens in the same places.
_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000"
_tight = st.text(alphabet=st.sampled_from(list(_WHITESPACE + "abcab東京が")), max_size=40)
_cjk = st.text(alphabet=st.characters(min_codepoint=0x3040, max_codepoint=0x30FF) | st.sampled_from("東京事変 "))
_words = st.lists(st.sampled_from(["the", "random", "access", "memories", "deluxe", "live", "ep", "2013"]))
_normalized = st.one_of(st.text(max_size=60), _words.map(" ".join)).map(normalize_text)
# Beyond 64 characters rapidfuzz switches to its multi-word bit-parallel path.
_long = st.text(alphabet="abcde ", min_size=60, max_size=300)
_any_text = st.one_of(st.text(), _tight, _cjk, _normalized, _long)


@needs_rapidfuzz
@settings(max_examples=600, deadline=None)
@given(a=_any_text, b=_any_text)
def test_pure_ratio_equals_rapidfuzz_exactly(a: str, b: str) -> None:
    assert fuzz._pure_ratio(a, b) == rapidfuzz_fuzz.ratio(a, b), "pure ratio must be the same float"


@needs_rapidfuzz
@settings(max_examples=600, deadline=None)
@given(a=_any_text, b=_any_text)
def test_pure_token_sort_ratio_equals_rapidfuzz_exactly(a: str, b: str) -> None:
    expected = rapidfuzz_fuzz.token_sort_ratio(a, b)
    assert fuzz._pure_token_sort_ratio(a, b) == expected, "pure token_sort_ratio must be the same float"


@needs_rapidfuzz
@settings(max_examples=200, deadline=None)
@given(a=_normalized, b=_normalized)
def test_backends_agree_through_the_public_functions(a: str, b: str) -> None:
    assert fuzz.ratio(a, b, backend="pure") == fuzz.ratio(a, b, backend="rapidfuzz")
    assert fuzz.token_sort_ratio(a, b, backend="pure") == fuzz.token_sort_ratio(a, b, backend="rapidfuzz")


@pytest.mark.parametrize("backend", ["pure", pytest.param("rapidfuzz", marks=needs_rapidfuzz)])
@pytest.mark.parametrize(
    ("a", "b", "expected_ratio", "expected_token_sort"),
    [
        ("", "", 100.0, 100.0),
        ("abc", "", 0.0, 0.0),
        ("this is a test", "this is a test!", 96.55172413793103, 96.55172413793103),
        ("lewenstein", "levenshtein", 85.71428571428572, 85.71428571428572),
        ("fuzzy wuzzy was a bear", "wuzzy fuzzy was a bear", 90.9090909090909, 100.0),
        ("東京事変", "東京", 66.66666666666667, 66.66666666666667),
        ("  ", "", 0.0, 100.0),  # no tokens on either side: token_sort compares "" with ""
    ],
)
def test_known_scores(backend: fuzz.Backend, a: str, b: str, expected_ratio: float, expected_token_sort: float) -> None:
    assert fuzz.ratio(a, b, backend=backend) == expected_ratio
    assert fuzz.token_sort_ratio(a, b, backend=backend) == expected_token_sort


def test_default_backend_is_rapidfuzz_when_importable() -> None:
    expected = "pure" if rapidfuzz_fuzz is None else "rapidfuzz"
    assert fuzz.BACKEND == expected, "rapidfuzz is chosen exactly when it imports"


def test_scores_are_plain_floats() -> None:
    assert type(fuzz.ratio("a", "b")) is float
    assert type(fuzz.ratio("a", "b", backend="pure")) is float


def test_pure_lcs_counts_repeated_characters() -> None:
    assert fuzz._pure_lcs_length("aaaa", "aa") == 2
    assert fuzz._pure_lcs_length("abcbdab", "bdcaba") == 4  # the textbook example
    assert fuzz._pure_lcs_length("東京事変", "事変東京") == 2


@needs_rapidfuzz
def test_pure_ratio_equals_rapidfuzz_on_long_strings() -> None:
    a = "random access memories " * 40
    b = "random access memory " * 40
    assert fuzz._pure_ratio(a, b) == rapidfuzz_fuzz.ratio(a, b)


@pytest.mark.parametrize("backend", ["pure", pytest.param("rapidfuzz", marks=needs_rapidfuzz)])
def test_no_break_space_splits_tokens_only_in_wide_strings(backend: fuzz.Backend) -> None:
    # rapidfuzz's C++ build: U+00A0 separates tokens only when the string also holds a
    # character above U+00FF. Odd, but the pure backend must reproduce it.
    assert fuzz.token_sort_ratio("b\xa0a", "a b", backend=backend) < 100.0
    assert fuzz.token_sort_ratio("b\xa0a 東", "a b 東", backend=backend) == 100.0
