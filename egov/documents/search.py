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

Each query word matches words that start with it, all words must match: the same results on
both databases.
"""

from __future__ import annotations

import re
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


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def filter_matching(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Documents of ``queryset`` whose text has every word of ``query`` (as a word prefix)."""
    words = terms(query)
    if not words:
        return queryset
    if is_postgresql():
        tsquery = " & ".join(f"{word}:*" for word in words)
        return queryset.filter(
            RawSQL(
                '"documents_document"."search_vector" @@ '
                "to_tsquery('simple'::regconfig, egov_unaccent(%s))",
                [tsquery],
                output_field=BooleanField(),
            )
        )
    match = " ".join(f'"{word}"*' for word in words)
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
