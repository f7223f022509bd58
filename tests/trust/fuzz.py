"""Hypothesis strategies for fuzzing forms: what a careless or hostile user can type or send.

    from tests.trust.fuzz import form_data, assert_refused_cleanly

    @fuzz_settings
    @given(data=form_data(["family_name", "birth_date", "granted_days"]))
    def test_client_form_survives_anything(staff_client, data):
        response = staff_client.post(url, data)
        assert_refused_cleanly(response)
        ... assert nothing was written ...

Every value is a string, or a list of strings (the same field sent several times), as HTTP delivers them;
a field may also be missing.  Families: empty, huge, wrong type, out of range, non-Japanese scripts,
mixed full-width/half-width (全角/半角) Japanese, control characters.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# pytest-django's fixtures are function-scoped; the examples of one test share them (and its transaction).
fuzz_settings = settings(
    max_examples=75, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FULL_WIDTH = "０１２３４５６７８９ＡＢＣａｂｃ－．／：　（）＠"
HALF_WIDTH_KANA = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾞﾟｰ｡｢｣､･"
KANA_KANJI = "あいうえおアイウエオ山田花子札幌市就労移行支援ー〜・"
ASCII = "0123456789abcXYZ -./:@_"


def empty() -> st.SearchStrategy[str]:
    return st.sampled_from(["", " ", "　", "\t", "\n", "\r\n", "   　 "])


def huge() -> st.SearchStrategy[str]:
    return st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "あ", "9", "𠮷", "<"]),
                     st.sampled_from([256, 1001, 10_000, 100_000]))


def wrong_type() -> st.SearchStrategy[str]:
    return st.sampled_from([
        "abc", "1.5", "1,000", "true", "None", "null", "[]", "{}", "{'a': 1}", "1e309", "NaN", "Infinity",
        "0x1F", "2025/13/45", "2025-02-30", "25:61", "yesterday", "令和7年4月1日", "R7.4.1", "四", "--1",
        "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "${7*7}", "{{ 7|add:7 }}",
    ])


def out_of_range() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.sampled_from(["-1", "0", "-0", "32", "366", "2147483648", "-2147483649", "9223372036854775808",
                         "9" * 40, "1900-01-01", "9999-12-31", "0001-01-01", "10000-01-01"]),
    )


def non_japanese() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["Ελληνικά", "العربية", "עברית‏", "हिन्दी", "한국어", "Ｚａｌｇｏ̴̡̛", "👩‍👩‍👧‍👦🇯🇵",
                         "\u202eevil", "e\u0301", "Straße", "İ"]),
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
    )


def mixed_width() -> st.SearchStrategy[str]:
    return st.text(alphabet=FULL_WIDTH + HALF_WIDTH_KANA + KANA_KANJI + ASCII, min_size=1, max_size=40)


def control_characters() -> st.SearchStrategy[str]:
    return st.sampled_from(["\x00", "a\x00b", "\x1b[31mred", "\x08\x7f", "\ufeff", "\u200b", "\ud7ff", "\uffff"])


def any_value() -> st.SearchStrategy[str]:
    return st.one_of(empty(), huge(), wrong_type(), out_of_range(), non_japanese(), mixed_width(),
                     control_characters())


def field_value() -> st.SearchStrategy[str | list[str]]:
    return st.one_of(any_value(), st.lists(any_value(), min_size=2, max_size=3))


def form_data(fields: list[str], *, fixed: dict[str, str] | None = None) -> st.SearchStrategy[dict]:
    """POST data for ``fields``: each fuzzed or missing; ``fixed`` values are always sent as given."""
    return st.fixed_dictionaries(dict(fixed or {}), optional={name: field_value() for name in fields})


def assert_refused_cleanly(response, allowed: frozenset[int] = frozenset({200, 302, 400, 403, 404, 429})) -> None:
    """No server error; the answer is one of ``allowed`` (a form with its errors is 200)."""
    assert response.status_code < 500, f"server error {response.status_code}"
    assert response.status_code in allowed, response.status_code
