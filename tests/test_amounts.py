"""Amounts as reps write them: `1.234,56`, `48,000`, `48000`; the number_format setting decides."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealcoach.answers.amounts import AmountError, read_amount
from dealcoach.vocabulary import NumberFormat

from .clirun import invoke, rows


@pytest.mark.parametrize(
    ("text", "fmt", "value", "interpreted"),
    [
        ("48000", "us", "48000", False),
        ("48000", "eu", "48000", False),
        ("48000.50", "eu", "48000.50", False),
        ("0.5", "us", "0.5", False),
        (" 12 ", "us", "12", False),
        ("1.234,56", "us", "1234.56", True),
        ("1.234,56", "eu", "1234.56", True),
        ("48.000,00", "us", "48000", True),
        ("48,000.00", "eu", "48000", True),
        ("1,234,567.5", "us", "1234567.5", True),
        ("1.234.567,5", "us", "1234567.5", True),
        ("1.234.567", "us", "1234567", True),
        ("1,234,567", "eu", "1234567", True),
        ("1.234", "us", "1.234", True),
        ("1.234", "eu", "1234", True),
        ("48,000", "us", "48000", True),
        ("48,000", "eu", "48", True),
        ("1234,567", "eu", "1234.567", True),
    ],
)
def test_reads_both_styles(text: str, fmt: str, value: str, interpreted: bool) -> None:
    amount = read_amount(text, NumberFormat(fmt))
    assert amount.value == Decimal(value)
    assert amount.interpreted is interpreted


@pytest.mark.parametrize(
    "text",
    [
        "1,5", "48,00", "1.234,5.6", "1,234.567,89", "12,34,567", "1.23.456", ",5", "5,",
        "1..234", "$48,000", "48 000", "48k", "1,,234", "1.234,", "abc", "1_000",
    ],
)  # fmt: skip
@pytest.mark.parametrize("fmt", ["us", "eu"])
def test_refuses_the_rest_with_the_forms_that_work(text: str, fmt: str) -> None:
    with pytest.raises(AmountError) as caught:
        read_amount(text, NumberFormat(fmt))
    assert "48000" in str(caught.value) and "1.234,56" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "fmt"), [("1234,567", "us"), ("1234.567", "eu"), ("12345,000", "us")]
)
def test_a_bad_group_is_refused(text: str, fmt: str) -> None:
    with pytest.raises(AmountError):
        read_amount(text, NumberFormat(fmt))


def _grouped(number: Decimal, style: str) -> str:
    text = f"{number:,.2f}"
    return text.translate(str.maketrans(",.", ".,")) if style == "eu" else text


amounts = st.decimals(min_value=0, max_value=Decimal("1e14"), places=2, allow_nan=False)
thousands = st.decimals(min_value=1000, max_value=Decimal("1e14"), places=2, allow_nan=False)


@given(thousands, st.sampled_from(["us", "eu"]), st.sampled_from(["us", "eu"]))
def test_any_grouped_amount_with_cents_reads_back_equal(
    number: Decimal, style: str, fmt: str
) -> None:
    """With both marks written, the setting does not matter."""
    assert read_amount(_grouped(number, style), NumberFormat(fmt)).value == number


@given(st.integers(min_value=0, max_value=10**14), st.sampled_from(["us", "eu"]))
def test_whole_amounts_grouped_in_the_settings_style_read_back_equal(
    number: int, style: str
) -> None:
    text = f"{number:,}"
    if style == "eu":
        text = text.replace(",", ".")
    assert read_amount(text, NumberFormat(style)).value == number


@given(amounts, st.sampled_from(["us", "eu"]))
def test_a_plain_decimal_reads_as_itself_in_us(number: Decimal, fmt: str) -> None:
    """What dealcoach itself writes (`str(Decimal)`) reads back unchanged with the default."""
    assert read_amount(str(number), NumberFormat.us).value == number


# -- through the CLI ------------------------------------------------------------------------------


def _answers(tmp_path: Path, value: str) -> Path:
    path = tmp_path / "a.toml"
    path.write_text(f'[deal]\naccount = "Acme"\nvalue = "{value}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "config", "stored", "echoed"),  # stored: the Decimal text
    [
        ("1.234,56", "", "1234.56", True),
        ("48.000,00", "", "48000", True),
        ("48,000.00", "", "48000", True),
        ("48,000", "", "48000", True),
        ("48,000", 'number_format = "eu"\n', "48", True),
        ("48.000", 'number_format = "eu"\n', "48000", True),
        ("48000", 'number_format = "eu"\n', "48000", False),
    ],
)
def test_qualify_answers_stores_the_resolved_value(
    tmp_path: Path, dealcoach_home: Path, value: str, config: str, stored: str, echoed: bool
) -> None:
    dealcoach_home.mkdir(parents=True, exist_ok=True)
    if config:
        (dealcoach_home / "config.toml").write_text(config, encoding="utf-8")
    result = invoke("--today", "2026-11-23", "qualify", "--answers", str(_answers(tmp_path, value)))
    assert result.exit_code == 0, result.stderr
    [(kept,)] = rows(dealcoach_home / "dealcoach.db", "SELECT value FROM deals")
    assert Decimal(kept) == Decimal(stored)
    assert (f"read as {stored}" in result.stderr) is echoed
    assert "read as" not in result.stdout


def test_qualify_answers_refuses_an_unreadable_amount(tmp_path: Path, dealcoach_home: Path) -> None:
    result = invoke("--today", "2026-11-23", "qualify", "--answers", str(_answers(tmp_path, "1,5")))
    assert result.exit_code == 1
    assert "deal.value" in result.stderr and "1.234,56" in result.stderr
    assert not (dealcoach_home / "dealcoach.db").exists() or not rows(
        dealcoach_home / "dealcoach.db", "SELECT id FROM deals"
    )


def test_a_bad_number_format_is_one_line(dealcoach_home: Path) -> None:
    dealcoach_home.mkdir(parents=True, exist_ok=True)
    (dealcoach_home / "config.toml").write_text('number_format = "fr"\n', encoding="utf-8")
    result = invoke("--today", "2026-11-23", "next")
    assert result.exit_code == 1
    assert "number_format" in result.stderr


@pytest.mark.parametrize("fmt", ["us", "eu"])
def test_number_format_is_a_setting_kept_in_the_cache(dealcoach_home: Path, fmt: str) -> None:
    from dealcoach.home.config import load_settings

    dealcoach_home.mkdir(parents=True, exist_ok=True)
    (dealcoach_home / "config.toml").write_text(f'number_format = "{fmt}"\n', encoding="utf-8")
    assert load_settings().number_format == NumberFormat(fmt)
    assert load_settings().number_format == NumberFormat(fmt)  # read back from the cache
