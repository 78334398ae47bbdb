"""Search without diacritics; the same results on PostgreSQL and SQLite (run the suite on both)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from egov.documents import search
from egov.documents.models import Document, Status
from egov.documents.search import build_search_text, terms
from egov.documents.selectors import DocumentFilter, search_documents
from egov.documents.tests.factories import draft, incoming, outgoing_in
from egov.lib.workdays import VIETNAM

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(world):  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=VIETNAM), tick=False):
        plan = outgoing_in(
            world,
            Status.ISSUED,
            subject="Kế hoạch kiểm tra trật tự xây dựng đô thị năm 2026",
            content="Đoàn kiểm tra liên ngành đến các công trình nhà ở riêng lẻ.",
        )
        letter = outgoing_in(
            world,
            Status.ISSUED,
            doc_type="cong_van",
            subject="V/v hướng dẫn cấp giấy phép xây dựng",
        )
        arrived = incoming(
            world,
            subject="Về việc đôn đốc giải ngân vốn đầu tư công",
            signer_full_name="Nguyễn Văn Đức",
        )
        idea = draft(
            world,
            doc_type="quy_che",
            subject="Dự thảo quy chế phối hợp quản lý quy hoạch",
            content="",
        )
    return {"plan": plan, "letter": letter, "incoming": arrived, "draft": idea}


def _find(user, q: str = "", **filters) -> set[str]:  # type: ignore[no-untyped-def]
    return {d.subject for d in search_documents(user, DocumentFilter(q=q, **filters))}


@pytest.mark.parametrize(
    "query",
    [
        "kế hoạch trật tự",
        "ke hoach trat tu",
        "KE HOACH TRAT TU",
        "trat tu do thi",
        "rieng le",  # in the summary
        "ke hoa",  # word prefixes
    ],
)
def test_words_with_or_without_diacritics_find_the_plan(world, library, query) -> None:  # type: ignore[no-untyped-def]
    assert _find(world.specialist, query) == {library["plan"].subject}


def test_the_letter_d_with_stroke_folds_to_d(world, library) -> None:  # type: ignore[no-untyped-def]
    assert _find(world.specialist, "don doc giai ngan") == {library["incoming"].subject}
    assert _find(world.specialist, "nguyen van duc") == {library["incoming"].subject}


def test_numbers_and_notations_are_found(world, library) -> None:  # type: ignore[no-untyped-def]
    assert _find(world.specialist, "01/KH-SXD") == {library["plan"].subject}
    assert _find(world.specialist, "02/SXD-QLXD") == {library["letter"].subject}
    assert _find(world.specialist, "1234/UBND-KT") == {library["incoming"].subject}
    # "01" is also found as "1"
    assert _find(world.specialist, "1 KH") == {library["plan"].subject}


def test_all_words_must_match(world, library) -> None:  # type: ignore[no-untyped-def]
    assert _find(world.specialist, "ke hoach giai ngan") == set()
    assert _find(world.specialist, "giay phep xay dung") == {library["letter"].subject}
    # The issuing agency's name is searchable too: every outgoing document of Sở Xây dựng.
    assert _find(world.specialist, "so xay dung") == {
        library["plan"].subject,
        library["letter"].subject,
        library["draft"].subject,
    }


def test_filters_narrow_the_results(world, library) -> None:  # type: ignore[no-untyped-def]
    user = world.specialist
    assert _find(user, direction="incoming") == {library["incoming"].subject}
    assert _find(user, doc_type="cong_van", direction="outgoing") == {library["letter"].subject}
    assert _find(user, status=Status.DRAFT) == {library["draft"].subject}
    # Drafts have no document date; incoming documents are dated by arrival.
    assert _find(user, date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 5)) == {
        library["plan"].subject,
        library["letter"].subject,
        library["incoming"].subject,
    }
    assert _find(user, "xay dung", date_from=dt.date(2026, 3, 6)) == set()


def test_another_agency_finds_none_of_these(world, library) -> None:  # type: ignore[no-untyped-def]
    assert _find(world.outsider, "xay dung") == set()
    assert _find(world.outsider) == set()


def test_punctuation_alone_is_no_query(world, library) -> None:  # type: ignore[no-untyped-def]
    assert terms(" /-, ") == []
    assert len(_find(world.specialist, " /-, ")) == 4


def test_the_indexed_text_holds_number_type_subject_and_signer(world, library) -> None:  # type: ignore[no-untyped-def]
    text = build_search_text(library["plan"])
    for part in ["01", "KH SXD", "Kế hoạch", "trật tự", "Sở Xây dựng"]:
        assert part in text
    assert "/" not in text


def test_postgresql_searches_through_the_gin_index(world, library) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        matching = search.filter_matching(Document.objects.order_by(), "ke hoach")
        sql, params = matching.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "document_search_gin" in plan


def test_sqlite_keeps_the_fts_table_in_step(world, library) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    from egov.documents import actions

    doc = library["draft"]
    actions.update_draft(
        acting_user=world.specialist, document=doc, subject="Quy chế mới hoàn toàn"
    )
    assert _find(world.specialist, "quy hoach phoi hop") == set()
    assert _find(world.specialist, "quy che moi") == {"Quy chế mới hoàn toàn"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM documents_search WHERE rowid = %s", [doc.pk])
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize("query", ["ke hoach", "xay dung", "giai ngan", "so xay", "quy"])
@pytest.mark.parametrize(("offset", "limit"), [(0, 1), (0, 2), (1, 1), (0, 10)])
def test_a_page_of_results_is_the_same_slice_whichever_way_it_is_found(  # type: ignore[no-untyped-def]
    world, library, query, offset, limit, monkeypatch
) -> None:
    from egov.documents import selectors

    flt = DocumentFilter(q=query)
    expected = list(search_documents(world.specialist, flt))
    for window in (1, 2, 1000):  # a window too small to fill the page, and one large enough
        monkeypatch.setattr(selectors, "RECENT_WINDOW", window)
        page, has_more = selectors.search_page(world.specialist, flt, offset, limit)
        assert page == expected[offset : offset + limit]
        assert has_more == (len(expected) > offset + limit)


def test_the_statistics_bound_the_matches_of_common_words(world, library) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import math

    search.forget_word_shares()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")
    try:
        for query in ["ke hoach", "so xay dung", "trat tu", "giai ngan"]:
            bound = search.most_matches(query)
            assert bound != math.inf
            actual = search.filter_matching(Document.objects.all(), query).count()
            assert bound >= actual
    finally:
        search.forget_word_shares()
