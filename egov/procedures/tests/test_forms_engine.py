"""Application forms as data: the definition check and the server-side engine."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils import translation

from egov.procedures.forms_engine import (
    definition_errors,
    sniff_kind,
    validate_definition,
    validate_submission,
)
from egov.procedures.tests import factories

TODAY = dt.date(2026, 3, 2)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def definition(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "fields": list(fields)}


def f(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "label": name.title(), **extra}


def check(
    fields: list[dict[str, Any]], data: dict[str, Any], files: Any = None
) -> tuple[dict[str, Any], dict[str, str]]:
    spec = definition(*fields)
    validate_definition(spec)
    return validate_submission(spec, data, files, today=TODAY)


# --- the definition ----------------------------------------------------------------------


def test_every_demo_style_definition_is_accepted() -> None:
    from egov.procedures.demo import catalog

    for item in catalog()["procedures"]:
        assert definition_errors(item["application_form"]) == [], item["code"]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ([], "JSON object"),
        ({"fields": "x"}, "list of fields"),
        ({"version": 2, "fields": []}, "version 1"),
        ({"fields": [], "colour": "red"}, "unknown keys: colour"),
        (definition(f("Bad Name", "text")), "lower-case letter"),
        (definition(f("a", "text"), f("a", "number")), "used twice"),
        (definition(f("a", "colour")), "type must be one of"),
        (definition({"name": "a", "type": "text"}), "label is missing"),
        (definition(f("a", "text", maxlength=3)), "unknown keys: maxlength"),
        (definition(f("a", "text", max_length=0)), "max_length must be a whole number"),
        (definition(f("a", "text", min_length=5, max_length=3)), "min_length is larger"),
        (definition(f("a", "text", regex="([a-z")), "not a valid pattern"),
        (definition(f("a", "number", min="1")), "min must be a number"),
        (definition(f("a", "number", min=5, max=1)), "min is larger than max"),
        (definition(f("a", "date", min="yesterday")), "YYYY-MM-DD"),
        (definition(f("a", "date", min="2026-02-01", max="2026-01-01")), "later than max"),
        (definition(f("a", "choice")), "non-empty list of choices"),
        (definition(f("a", "choice", choices=[{"value": "x"}])), "value and a label"),
        (
            definition(
                f(
                    "a",
                    "choice",
                    choices=[{"value": "x", "label": "X"}, {"value": "x", "label": "Y"}],
                )
            ),
            "same value",
        ),
        (definition(f("a", "file", max_size_mb=500)), "max_size_mb"),
        (definition(f("a", "file", kinds=["exe"])), "kinds must be"),
        (definition(f("a", "text", required="yes")), "required must be true or false"),
        (definition(f("a", "text", prefill="salary")), "prefill must be one of"),
        (
            definition(f("a", "text", show_if={"field": "b", "equals": "x"})),
            "not a field defined above",
        ),
        (
            definition(f("b", "text"), f("a", "text", show_if={"field": "b", "matches": "x"})),
            "exactly one of: equals, in, filled",
        ),
        (
            definition(f("b", "text"), f("a", "text", required_if={"field": "b", "in": []})),
            "non-empty list",
        ),
        (definition(f("a", "text", show_if="b")), "must be an object"),
    ],
)
def test_a_broken_definition_is_refused_with_the_field_named(spec: Any, expected: str) -> None:
    with translation.override("en"):
        errors = definition_errors(spec)
    assert any(expected in error for error in errors), errors


def test_a_condition_cannot_refer_to_itself_or_a_later_field() -> None:
    spec = definition(
        f("a", "text", show_if={"field": "a", "filled": True}),
        f("b", "text"),
    )
    with translation.override("en"):
        assert "fields[0] (a)" in definition_errors(spec)[0]


def test_definition_errors_are_translated() -> None:
    with translation.override("vi"):
        errors = definition_errors(definition(f("a", "colour")))
    assert "loại" in errors[0].lower()


# --- field types ---------------------------------------------------------------------------


def test_text_is_trimmed_and_checked_for_length_and_pattern() -> None:
    fields = [f("code", "text", min_length=2, max_length=5, regex="[A-Z]+", regex_message="Chữ in")]
    assert check(fields, {"code": "  ABC "}) == ({"code": "ABC"}, {})
    with translation.override("en"):
        assert check(fields, {"code": "A"})[1] == {"code": "Enter at least 2 characters."}
        assert check(fields, {"code": "ABCDEF"})[1] == {"code": "Enter at most 5 characters."}
        assert check(fields, {"code": "abc"})[1] == {"code": "Chữ in"}
        assert check(fields, {"code": ["A"]})[1] == {"code": "Enter text."}


def test_the_pattern_message_follows_the_language() -> None:
    fields = [f("code", "text", regex="[0-9]+", regex_message="Chỉ số", regex_message_en="Digits")]
    with translation.override("en"):
        assert check(fields, {"code": "x"})[1] == {"code": "Digits"}
    with translation.override("vi"):
        assert check(fields, {"code": "x"})[1] == {"code": "Chỉ số"}


def test_text_has_a_default_length_limit() -> None:
    assert "big" in check([f("big", "text")], {"big": "x" * 1001})[1]


def test_numbers_accept_the_vietnamese_decimal_comma() -> None:
    fields = [f("area", "number", min=1, max=1000)]
    assert check(fields, {"area": "12,5"})[0] == {"area": 12.5}
    assert check(fields, {"area": "12.5"})[0] == {"area": 12.5}
    assert check(fields, {"area": 80})[0] == {"area": 80}
    with translation.override("en"):
        assert check(fields, {"area": "0.5"})[1] == {"area": "Enter a number of at least 1."}
        assert check(fields, {"area": "2000"})[1] == {"area": "Enter a number of at most 1000."}
        for bad in ("abc", "nan", "inf", True, [1]):
            assert check(fields, {"area": bad})[1] == {"area": "Enter a number."}


def test_integer_fields_refuse_fractions() -> None:
    fields = [f("floors", "number", integer=True)]
    assert check(fields, {"floors": "3"})[0] == {"floors": 3}
    assert check(fields, {"floors": "3.0"})[0] == {"floors": 3}
    with translation.override("en"):
        assert check(fields, {"floors": "2,5"})[1] == {"floors": "Enter a whole number."}


def test_dates_take_iso_or_day_month_year_and_respect_bounds() -> None:
    fields = [f("born", "date", min="2000-01-01", max="today")]
    assert check(fields, {"born": "2001-02-03"})[0] == {"born": "2001-02-03"}
    assert check(fields, {"born": "03/02/2001"})[0] == {"born": "2001-02-03"}
    assert check(fields, {"born": dt.date(2001, 2, 3)})[0] == {"born": "2001-02-03"}
    with translation.override("en"):
        assert check(fields, {"born": "1999-12-31"})[1] == {
            "born": "Enter a date on or after 01/01/2000."
        }
        assert check(fields, {"born": "2026-03-03"})[1] == {
            "born": "Enter a date on or before 02/03/2026."
        }
        assert check(fields, {"born": "31/02/2001"})[1] == {
            "born": "Enter a valid date (DD/MM/YYYY)."
        }


def test_a_choice_must_be_one_of_the_listed_values() -> None:
    fields = [
        f(
            "sex",
            "choice",
            choices=[{"value": "male", "label": "Nam"}, {"value": "female", "label": "Nữ"}],
        )
    ]
    assert check(fields, {"sex": "female"})[0] == {"sex": "female"}
    assert "sex" in check(fields, {"sex": "other"})[1]
    assert "sex" in check(fields, {"sex": ["male"]})[1]


def test_a_multiple_choice_keeps_the_definition_order_from_a_query_dict() -> None:
    options = [{"value": v, "label": v.upper()} for v in ("a", "b", "c")]
    fields = [f("pick", "choice", choices=options, multiple=True)]
    data = QueryDict(mutable=True)
    data.setlist("pick", ["c", "a", "a"])
    assert check(fields, data)[0] == {"pick": ["a", "c"]}
    assert check(fields, {"pick": ["b"]})[0] == {"pick": ["b"]}
    assert "pick" in check(fields, {"pick": ["b", "z"]})[1]


def test_booleans_read_checkboxes_and_a_required_one_must_be_ticked() -> None:
    fields = [f("agree", "boolean", required=True), f("extra", "boolean")]
    assert check(fields, {"agree": "on"})[0] == {"agree": True, "extra": False}
    with translation.override("en"):
        assert check(fields, {})[1] == {"agree": "Tick this box to continue."}
        assert check(fields, {"agree": "maybe"})[1] == {"agree": "Answer yes or no."}


def test_personal_ids_use_the_shared_identifier_rules() -> None:
    fields = [f("pid", "personal_id")]
    assert check(fields, {"pid": "082 090 001 234"})[0] == {"pid": "082090001234"}
    with translation.override("en"):
        assert check(fields, {"pid": "12345"})[1] == {"pid": "A personal ID has exactly 12 digits."}
        # Province 999 does not exist; century digit 4 means born in 2100s.
        assert "province code" in check(fields, {"pid": "999090001234"})[1]["pid"]
        assert "future" in check(fields, {"pid": "082490001234"})[1]["pid"]


def test_tax_codes_are_checked_with_their_check_digit() -> None:
    fields = [f("mst", "tax_code")]
    assert check(fields, {"mst": "1201234560"})[0] == {"mst": "1201234560"}
    assert check(fields, {"mst": "1201234560-001"})[0] == {"mst": "1201234560001"}
    assert "mst" in check(fields, {"mst": "1201234561"})[1]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("0912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0273 3873 121", "02733873121"),
    ],
)
def test_phone_numbers_are_normalised(raw: str, clean: str) -> None:
    assert check([f("phone", "phone")], {"phone": raw})[0] == {"phone": clean}


@pytest.mark.parametrize("raw", ["12345", "0012345678", "091234567a", "+1 555 0100"])
def test_bad_phone_numbers_are_refused(raw: str) -> None:
    assert "phone" in check([f("phone", "phone")], {"phone": raw})[1]


def test_emails_are_checked_and_the_domain_lower_cased() -> None:
    fields = [f("email", "email")]
    assert check(fields, {"email": " An.Nguyen@Example.VN "})[0] == {
        "email": "An.Nguyen@example.vn"
    }
    assert "email" in check(fields, {"email": "not-an-address"})[1]


@pytest.mark.django_db
def test_an_address_uses_the_administrative_units_valid_today() -> None:
    units = factories.administrative_units()
    fields = [f("home", "address")]
    cleaned, errors = check(
        fields, {"home": {"province": "82", "commune": "28261", "street": "12 Ấp Bắc"}}
    )
    assert errors == {}
    assert cleaned["home"] == {
        "province": "82",
        "province_name": units["province"].name,
        "commune": "28261",
        "commune_name": "Phường Mỹ Tho",
        "street": "12 Ấp Bắc",
        "full": "12 Ấp Bắc, Phường Mỹ Tho, Tỉnh Đồng Tháp",
    }
    with translation.override("en"):
        # A ward abolished by the 2025 reform, and a ward of another province.
        assert check(fields, {"home": {"province": "82", "commune": "28252", "street": "x"}})[
            1
        ] == {"home": "This commune does not exist in the province chosen."}
        assert (
            "home"
            in check(fields, {"home": {"province": "82", "commune": "26734", "street": "x"}})[1]
        )
        assert check(fields, {"home": {"province": "99", "commune": "28261", "street": "x"}})[
            1
        ] == {"home": "This province does not exist (today)."}
        assert check(fields, {"home": {"province": "82", "commune": "28261"}})[1] == {
            "home": "Enter the house number and street or hamlet."
        }
        assert check(fields, {"home": "Mỹ Tho"})[1] == {
            "home": "Choose the province and the commune."
        }


@pytest.mark.django_db
def test_an_address_from_an_html_form_comes_in_parts() -> None:
    factories.administrative_units()
    fields = [f("home", "address", street=False)]
    data = QueryDict("home.province=82&home.commune=28261")
    cleaned, errors = check(fields, data)
    assert errors == {}
    assert cleaned["home"]["full"] == "Phường Mỹ Tho, Tỉnh Đồng Tháp"


@pytest.mark.django_db
def test_an_address_check_before_the_reform_uses_the_old_units() -> None:
    factories.administrative_units()
    spec = definition(f("home", "address"))
    data = {"home": {"province": "82", "commune": "28252", "street": "1 Lê Lợi"}}
    cleaned, errors = validate_submission(spec, data, today=dt.date(2024, 5, 1))
    assert errors == {}
    assert cleaned["home"]["full"] == "1 Lê Lợi, Phường 4, Tỉnh Tiền Giang"


# --- files ---------------------------------------------------------------------------------


def test_file_kinds_are_sniffed_from_content() -> None:
    assert sniff_kind(PDF) == "pdf"
    assert sniff_kind(PNG) == "png"
    assert sniff_kind(JPEG) == "jpeg"
    assert sniff_kind(b"MZ\x90\x00") is None


def test_an_upload_is_checked_by_its_content_not_its_name() -> None:
    fields = [f("scan", "file", kinds=["pdf"], max_size_mb=1)]
    good = SimpleUploadedFile("giay-to.pdf", PDF, content_type="application/pdf")
    cleaned, errors = check(fields, {}, {"scan": good})
    assert errors == {}
    info = cleaned["scan"]
    assert (info.kind, info.size, info.name) == ("pdf", len(PDF), "giay-to.pdf")
    assert len(info.sha256) == 64
    assert info.file.read() == PDF, "the upload is rewound for whoever stores it"
    disguised = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" * 10, content_type="application/pdf")
    with translation.override("en"):
        assert check(fields, {}, {"scan": disguised})[1] == {"scan": "virus.pdf is not a PDF file."}


def test_an_upload_over_the_size_limit_is_refused() -> None:
    fields = [f("scan", "file", max_size_mb=0.001)]
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 2000)
    with translation.override("en"):
        assert check(fields, {}, {"scan": big})[1] == {"scan": "big.png is larger than 0.001 MB."}


def test_multiple_files_are_counted() -> None:
    fields = [f("pages", "file", multiple=True, max_files=2)]
    uploads = [SimpleUploadedFile(f"p{i}.jpg", JPEG) for i in range(3)]
    assert check(fields, {}, {"pages": uploads[:2]})[1] == {}
    assert [info.name for info in check(fields, {}, {"pages": uploads[:2]})[0]["pages"]] == [
        "p0.jpg",
        "p1.jpg",
    ]
    with translation.override("en"):
        assert check(fields, {}, {"pages": uploads})[1] == {"pages": "Attach at most 2 files."}


def test_a_single_file_field_takes_one_file() -> None:
    uploads = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)]
    assert "scan" in check([f("scan", "file")], {}, {"scan": uploads})[1]


def test_plain_file_objects_work_too() -> None:
    cleaned, errors = check([f("scan", "file")], {}, {"scan": io.BytesIO(PDF)})
    assert errors == {} and cleaned["scan"].size == len(PDF)


def test_a_required_file_must_be_attached() -> None:
    with translation.override("en"):
        assert check([f("scan", "file", required=True)], {}, {})[1] == {
            "scan": "Attach this document."
        }
    assert check([f("scan", "file")], {}, None) == ({"scan": None}, {})


# --- required fields and conditions ----------------------------------------------------------


def test_required_fields_must_be_filled_and_optional_ones_may_be_empty() -> None:
    fields = [f("name", "text", required=True), f("nick", "text")]
    with translation.override("en"):
        assert check(fields, {"name": "  "}) == (
            {"name": None, "nick": None},
            {"name": "This field is required."},
        )
    assert check(fields, {"name": "An"}) == ({"name": "An", "nick": None}, {})


def test_every_invalid_field_is_reported_at_once() -> None:
    fields = [f("a", "number"), f("b", "email"), f("c", "text", required=True)]
    assert set(check(fields, {"a": "x", "b": "y"})[1]) == {"a", "b", "c"}


def test_a_hidden_field_is_neither_required_nor_returned() -> None:
    fields = [
        f("has_agent", "boolean"),
        f("agent_id", "personal_id", required=True, show_if={"field": "has_agent", "equals": True}),
    ]
    assert check(fields, {"agent_id": "garbage"}) == ({"has_agent": False}, {})
    assert check(fields, {"has_agent": "true"})[1].keys() == {"agent_id"}
    assert check(fields, {"has_agent": "true", "agent_id": "082090001234"}) == (
        {"has_agent": True, "agent_id": "082090001234"},
        {},
    )


def test_required_if_makes_a_visible_field_required() -> None:
    fields = [
        f("father", "text"),
        f("father_id", "personal_id", required_if={"field": "father", "filled": True}),
    ]
    assert check(fields, {}) == ({"father": None, "father_id": None}, {})
    assert check(fields, {"father": "Nguyễn Văn Bình"})[1].keys() == {"father_id"}


def test_in_conditions_match_any_listed_value_and_any_selected_one() -> None:
    options = [{"value": v, "label": v} for v in ("own", "rented", "family")]
    fields = [
        f("basis", "choice", choices=options, multiple=True),
        f("proof", "text", show_if={"field": "basis", "in": ["own", "rented"]}, required=True),
    ]
    assert "proof" not in check(fields, {"basis": ["family"]})[0]
    assert check(fields, {"basis": ["family", "rented"]})[1].keys() == {"proof"}


def test_a_condition_on_true_does_not_match_the_number_one() -> None:
    fields = [
        f("count", "number"),
        f("detail", "text", required=True, show_if={"field": "count", "equals": True}),
    ]
    assert check(fields, {"count": 1}) == ({"count": 1}, {})
    numeric = [f("count", "number"), f("detail", "text", show_if={"field": "count", "equals": 2})]
    assert "detail" in check(numeric, {"count": "2,0"})[0]


def test_a_condition_on_an_invalid_field_counts_it_as_empty() -> None:
    fields = [
        f("email", "email"),
        f("notify", "boolean", required=True, show_if={"field": "email", "filled": True}),
    ]
    cleaned, errors = check(fields, {"email": "broken"})
    assert errors.keys() == {"email"}
    assert "notify" not in cleaned


def test_unknown_keys_in_the_data_are_ignored() -> None:
    assert check([f("a", "text")], {"a": "x", "csrfmiddlewaretoken": "t"}) == ({"a": "x"}, {})


def test_messages_are_vietnamese_by_default() -> None:
    with translation.override("vi"):
        errors = check([f("a", "text", required=True)], {})[1]
    assert errors["a"] != "This field is required."
