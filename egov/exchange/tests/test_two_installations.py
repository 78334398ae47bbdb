"""Two egov installations on loopback exchange signed documents.

A is Sở Xây dựng of Tiền Giang (000.00.09.H58), B the People's Committee of Hậu Giang
(000.00.00.H30). Each runs as its own processes (gunicorn + worker) on its own database, with its
own key and its peer directory pointing at the other. The test drives each installation's staff
through its console and waits for the packages and status messages to travel.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from egov.exchange.signing import generate_material
from egov.exchange.tests.loopback import Databases, Installation, wait_all, wait_for

pytestmark = pytest.mark.slow

A_ORGAN, A_PROVINCE, A_NAME = "000.00.09.H58", "000.00.00.H58", "Sở Xây dựng tỉnh Tiền Giang"
B_ORGAN, B_NAME = "000.00.00.H30", "Ủy ban nhân dân tỉnh Hậu Giang"


def _setup_args(organ: str, name: str, short: str, level: str, unit: str) -> list[str]:
    return [
        "exchange_setup",
        "--organ-code",
        organ,
        "--name",
        name,
        "--short-name",
        short,
        "--level",
        level,
        "--unit",
        unit,
        "--staff",
        "clerk=vanthu:Đặng Thị Hoa",
        "--staff",
        "leader=lanhdao:Võ Thị Giang",
        "--staff",
        "specialist=chuyenvien:Phạm Văn Dũng",
        "--staff",
        "unit_head=truongphong:Hoàng Minh Đức",
    ]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Installation, Installation]]:
    workdir = tmp_path_factory.mktemp("loopback")
    databases = Databases(workdir)
    installations: list[Installation] = []
    try:
        databases.create_empty("a")
        a = Installation(
            "A",
            workdir=workdir / "a",
            database_url=databases.url("a"),
            organ_code=A_ORGAN,
            province_organ_code=A_PROVINCE,
            material=generate_material(A_NAME, organ_code=A_ORGAN),
        )
        installations.append(a)
        wait_all([a.manage("migrate", "--no-input", "-v", "0")], "migrate", a.log.name)  # type: ignore[arg-type]
        databases.clone("a", "b")
        b = Installation(
            "B",
            workdir=workdir / "b",
            database_url=databases.url("b"),
            organ_code=B_ORGAN,
            province_organ_code=B_ORGAN,
            material=generate_material(B_NAME, organ_code=B_ORGAN, kind="ec"),
        )
        installations.append(b)
        wait_all(
            [
                a.manage(
                    *_setup_args(A_ORGAN, A_NAME, "SXD", "sector", "QLXD:Phòng Quản lý xây dựng")
                ),
                b.manage(
                    *_setup_args(B_ORGAN, B_NAME, "UBND", "province", "VP:Văn phòng UBND tỉnh")
                ),
            ],
            "exchange_setup",
            Path(workdir),
        )
        wait_all(
            [
                a.manage(
                    "exchange_peer",
                    "add",
                    B_ORGAN,
                    "--subordinates",
                    "--name",
                    B_NAME,
                    "--url",
                    b.url,
                    "--certificate",
                    str(b.certificate_file),
                ),
                b.manage(
                    "exchange_peer",
                    "add",
                    A_PROVINCE,
                    "--subordinates",
                    "--name",
                    "Tiền Giang",
                    "--url",
                    a.url,
                    "--certificate",
                    str(a.certificate_file),
                ),
            ],  # fmt: skip
            "exchange_peer",
            Path(workdir),
        )
        for installation in (a, b):
            installation.start()
            installation.open_console()
            installation.run("from egov.exchange.tests.installation_steps import *")
        for installation in (a, b):
            installation.wait_until_up()
        yield a, b
    finally:
        for installation in installations:
            installation.close()
        databases.drop_all()


def _call(installation: Installation, function: str, **kwargs: object) -> object:
    arguments = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
    return installation.run(f"result = {function}({arguments})")


def _outgoing(a: Installation, document_id: str) -> dict:  # type: ignore[type-arg]
    return _call(a, "outgoing", document_id=document_id)  # type: ignore[return-value]


def _incoming(b: Installation, document_id: str) -> dict:  # type: ignore[type-arg]
    return _call(b, "incoming", document_id=document_id)  # type: ignore[return-value]


def test_a_signed_document_travels_to_b_and_its_status_comes_back_until_finished_then_b_replies_and_a_revokes(  # noqa: E501
    pair: tuple[Installation, Installation],
) -> None:
    a, b = pair
    # (1) A's staff draft, approve, sign, issue and send; B registers it as incoming.
    sent = _call(
        a,
        "send_official_document",
        organ=A_ORGAN,
        subject="Về việc phối hợp kiểm tra trật tự xây dựng liên tỉnh",
        to_organ=B_ORGAN,
        to_name=B_NAME,
    )
    document_id = sent["document_id"]  # type: ignore[index]
    arrived = wait_for(lambda: _incoming(b, document_id), what="the document at B")
    assert arrived["document_status"] == "arrived"  # waits for B's document clerk
    assert arrived["arrival_number"] is None
    assert arrived["attachments"] == [f"{document_id.split(',')[2].replace('/', '-')}.pdf"]
    # Acknowledged (01), and nothing more until B's clerk has checked it.
    wait_for(lambda: _outgoing(a, document_id)["status"] == "01", what="the 01 at A")
    assert _call(b, "check_arrival", organ=B_ORGAN, document_id=document_id) == "registered"
    assert _incoming(b, document_id)["arrival_number"] == 1
    waiting = wait_for(
        lambda: (o := _outgoing(a, document_id)) and o["status"] == "04" and o,
        what="B's 03/04 at A",
    )
    assert waiting["recipient_status"] == "delivered"

    _call(b, "handle_incoming", organ=B_ORGAN, document_id=document_id)

    def whole_trail() -> dict | None:  # type: ignore[type-arg]
        # Status messages may overtake each other on retries; a late one is still recorded.
        o = _outgoing(a, document_id)
        codes = {code for kind, code, _c, _late in o["trail"] if kind == "handling"}
        return o if o["status"] == "06" and codes >= {"01", "03", "04", "05", "06"} else None

    finished = wait_for(whole_trail, what="the whole trail up to 06 at A")
    assert finished["recipient_code"] == "06"

    # (2) B answers with a document of its own; A links it to the original (ResponseFor).
    reply = _call(
        b,
        "send_official_document",
        organ=B_ORGAN,
        subject="Trả lời về việc phối hợp kiểm tra trật tự xây dựng",
        to_organ=A_ORGAN,
        to_name=A_NAME,
        reply_to=document_id,
    )
    reply_id = reply["document_id"]  # type: ignore[index]
    answered = wait_for(lambda: _incoming(a, reply_id), what="B's reply at A")
    assert answered["answers"] == document_id  # the exchange's link
    assert answered["document_answers"] == document_id  # and the documents app's
    assert _call(a, "check_arrival", organ=A_ORGAN, document_id=reply_id) == "registered"
    wait_for(
        lambda: (o := _outgoing(b, reply_id)) and o["status"] == "04",
        what="A's acknowledgement of the reply at B",
    )

    # (3) A revokes the original; B acknowledges (13) and agrees (15): B's copy is withdrawn.
    _call(a, "revoke_official_document", pk=sent["pk"], reason="Ban hành nhầm đối tượng")  # type: ignore[index]
    wait_for(
        lambda: _incoming(b, document_id)["request_state"] == "pending",
        what="the revocation request at B",
    )
    wait_for(
        lambda: any(code == "13" for _k, _v, code, _l in _outgoing(a, document_id)["trail"]),
        what="B's 13 at A",
    )
    assert (
        _call(b, "answer_request", organ=B_ORGAN, document_id=document_id, agree=True) == "agreed"
    )
    revoked = wait_for(
        lambda: (o := _outgoing(a, document_id)) and o["withdrawn"] and o, what="15 at A"
    )
    assert revoked["request_state"] == "agreed"
    assert revoked["recipient_code"] == "15"
    at_b = _incoming(b, document_id)
    assert at_b["withdrawn"] is True
    assert at_b["document_status"] == "revoked"


def test_killing_the_receiver_mid_flight_loses_and_duplicates_nothing(
    pair: tuple[Installation, Installation],
) -> None:
    a, b = pair
    before_a = _call(a, "tally")
    before_b = _call(b, "tally")
    b_console = b.console

    def pull_the_plug() -> None:
        # As soon as the first documents arrive, SIGKILL B's server and worker while A goes on
        # sending: packages are queued, in flight, or arrived without their answer.
        wait_for(
            lambda: _call(b, "tally")["incoming"] > before_b["incoming"],  # type: ignore[index]
            interval=0.05,
            what="the first deliveries",
        )
        b.kill()

    killer = threading.Thread(target=pull_the_plug)
    killer.start()
    first_batch = _call(a, "send_many", organ=A_ORGAN, to_organ=B_ORGAN, first=100, count=40)
    killer.join()
    assert b.console is b_console and b.server is None
    # More documents while B is down: they wait in A's outbox, retried with backoff.
    second_batch = _call(a, "send_many", organ=A_ORGAN, to_organ=B_ORGAN, first=200, count=10)
    sent = len(first_batch) + len(second_batch)  # type: ignore[arg-type]
    while_down = _call(a, "tally")
    assert while_down["pending"] >= len(second_batch)  # type: ignore[index,arg-type]
    assert _call(b, "tally")["incoming"] - before_b["incoming"] < sent  # type: ignore[index,operator]

    b.start()
    b.wait_until_up()

    def settled(code: str) -> bool:
        ta, tb = _call(a, "tally"), _call(b, "tally")
        return (
            ta["pending"] == 0  # type: ignore[index]
            and tb["pending"] == 0  # type: ignore[index]
            and ta["statuses_by_code"].get(code, 0) >= sent  # type: ignore[index]
        )

    wait_for(lambda: settled("01"), timeout=120, interval=0.5, what="A's outbox to drain")
    # B's document clerk accepts what arrived; B's worker reports 03 and 04 to A.
    assert _call(b, "accept_all_arrivals", organ=B_ORGAN) == sent
    wait_for(lambda: settled("04"), timeout=120, interval=0.5, what="both outboxes to drain")
    after_a, after_b = _call(a, "tally"), _call(b, "tally")
    assert after_a["outgoing"] - before_a["outgoing"] == sent  # type: ignore[index,operator]
    assert after_a["delivered_documents"] - before_a["delivered_documents"] == sent  # type: ignore[index,operator]
    assert after_a["failed"] == 0  # type: ignore[index]
    new_at_b = after_b["incoming"] - before_b["incoming"]  # type: ignore[index,operator]
    assert new_at_b == sent
    assert after_b["incoming_distinct"] == after_b["incoming"]  # type: ignore[index]
    assert after_b["incoming_documents"] - before_b["incoming_documents"] == sent  # type: ignore[index,operator]
    assert after_b["duplicate_documents"] == 0  # type: ignore[index]
    assert after_b["received_packages"] - before_b["received_packages"] == sent  # type: ignore[index,operator]
    assert after_b["failed"] == 0  # type: ignore[index]
    for document_id in [*first_batch, *second_batch]:  # type: ignore[misc]
        assert _outgoing(a, document_id)["status"] == "04"
