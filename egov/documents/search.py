"""Full-text search over documents, without diacritics, on PostgreSQL and on SQLite.

Both databases index the same text, ``Document.search_text`` (kept by ``Document.save``): the
number and notation, type, subject, summary, signer, issuing agency, with punctuation turned
into spaces so "58/KH-UBND" is the words 58, KH, UBND on both sides.

- PostgreSQL: a stored generated column ``search_vector`` =
  ``to_tsvector('simple', egov_unaccent(search_text))`` with a GIN index (migration 0002);
  a query is ``search_vector @@ to_tsquery('simple', egov_unaccent('tok1:* & tok2:*'))``.
- SQLite: an FTS5 table ``documents_search`` (rowid = document id) holding the text folded by
  ``egov.lib.text.fold``; this module keeps it in step on every save; a query is
  ``"tok1"* "tok2"*``.

All the query's words must be in the text; the last one may be the start of a word (three
letters or more). The same results on both databases.
"""

from __future__ import annotations

import math
import re
import threading
import time
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save
from django.dispatch import receiver

from egov.lib.text import fold

if TYPE_CHECKING:
    from egov.documents.models import Document

FTS_TABLE = "documents_search"
MAX_TERMS = 8
MAX_CONTENT = 4000
PREFIX_MIN = 3
_NON_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> str:
    return _NON_WORD.sub(" ", text).strip()


def build_search_text(document: Document) -> str:
    number = document.code_number
    parts = [
        number,
        # "01" is also found as "1"
        str(int(number)) if number.isdigit() and number.startswith("0") else "",
        document.code_notation,
        document.type_name,
        document.subject,
        document.content[:MAX_CONTENT],
        document.signer_full_name,
        document.signer_position,
        document.organ_name,
        document.edxml_document_id.split(",", 1)[0],
    ]
    return _words(" ".join(part for part in parts if part))


def terms(query: str) -> list[str]:
    """The query's words, folded (no diacritics, lower case), at most MAX_TERMS of them."""
    return _words(fold(query)).split()[:MAX_TERMS]


def _is_prefix(index: int, words: list[str]) -> bool:
    """Whole words must match; the last one may be unfinished (as one types), if it has at
    least PREFIX_MIN letters: a one-letter prefix would match half the dictionary."""
    return index == len(words) - 1 and len(words[index]) >= PREFIX_MIN


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def tsquery(words: list[str]) -> str:
    return " & ".join(f"{word}:*" if _is_prefix(i, words) else word for i, word in enumerate(words))


_STATS_TTL = 600.0
_stats_lock = threading.Lock()
_stats: tuple[float, float, dict[str, float]] | None = None  # (loaded at, rows, word -> share)


def _word_shares() -> tuple[float, dict[str, float]]:
    """The table's row count and, for its most common words, the share of rows holding each
    (PostgreSQL's statistics of the search column, refreshed by ANALYZE), cached a while."""
    global _stats
    with _stats_lock:
        if _stats is not None and time.monotonic() - _stats[0] < _STATS_TTL:
            return _stats[1], _stats[2]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs "
            "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname "
            "AND s.attname = 'search_vector' WHERE c.relname = 'documents_document'"
        )
        row = cursor.fetchone()
    rows, words, shares = row or (0.0, None, None)
    table = dict(zip(words or [], shares or [], strict=False))
    with _stats_lock:
        _stats = (time.monotonic(), float(rows or 0), table)
    return float(rows or 0), table


def forget_word_shares() -> None:
    global _stats
    with _stats_lock:
        _stats = None


def most_matches(query: str) -> float:
    """An upper bound on the documents matching ``query`` (PostgreSQL), from the statistics:
    all words must match, so no more than the rarest word's rows. Infinite when unknown."""
    rows, table = _word_shares()
    if not table or rows <= 0:
        return math.inf
    # A word outside the common list is rarer than the rarest one in it.
    floor = min(table.values())
    words = terms(query)
    bounds = []
    for index, word in enumerate(words):
        if _is_prefix(index, words):
            share = sum(v for k, v in table.items() if k.startswith(word)) + floor
        else:
            share = table.get(word, floor)
        bounds.append(min(share, 1.0) * rows)
    return min(bounds) if bounds else math.inf


def filter_matching(
    queryset: QuerySet[Document], query: str, *, use_index: bool = True
) -> QuerySet[Document]:
    """Documents of ``queryset`` whose text has every word of ``query``.

    ``use_index=False`` (PostgreSQL) hides the condition from the GIN index, so the planner
    walks a narrow id range instead (see ``selectors.search_page``).
    """
    words = terms(query)
    if not words:
        return queryset
    if is_postgresql():
        condition = (
            '"documents_document"."search_vector" @@ '
            "to_tsquery('simple'::regconfig, egov_unaccent(%s))"
        )
        if not use_index:
            # The same test, in a form the planner cannot match to the index.
            condition = f"({condition}) IS TRUE"
        return queryset.filter(
            RawSQL(condition, [tsquery(words)], output_field=BooleanField())  # noqa: S611
        )
    match = " ".join(
        f'"{word}"*' if _is_prefix(i, words) else f'"{word}"' for i, word in enumerate(words)
    )
    return queryset.filter(
        id__in=RawSQL(  # noqa: S611 (constant SQL, the words are a parameter)
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [match],
        )
    )


def fts_rows(documents: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(id, search_text) -> (id, folded text) for the SQLite FTS table."""
    return [(pk, fold(text)) for pk, text in documents]


def index_on_sqlite(rows: list[tuple[int, str]]) -> None:
    """Put (id, search_text) rows into the FTS table, replacing what was there."""
    if connection.vendor != "sqlite" or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk, _ in rows])  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (%s, %s)",  # noqa: S608
            fts_rows(rows),
        )


@receiver(post_save, sender="documents.Document", dispatch_uid="documents_search_index")
def _index_saved_document(sender: type, instance: Document, **kwargs: object) -> None:
    index_on_sqlite([(instance.pk, instance.search_text)])
