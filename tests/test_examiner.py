"""The optional examiner, against a fake OpenAI-compatible server on 127.0.0.1.

Each behaviour of a real endpoint (a good structured reply, invalid JSON, a
quote that is not in the answer, a rating that contradicts its lists, 401,
429, 500, a redirect, silence, a trickle, a refused connection) is one small
handler; every failure must end in one clear line, the built-in assessment
standing, never a traceback. The last tests prove, with strace, that no
process prep starts opens a network connection unless an examiner is set.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from interview_prep.bank import load_bank
from interview_prep.domain import Rating
from interview_prep.errors import PrepError
from interview_prep.examiner import (
    GRADING_INSTRUCTIONS,
    MAX_PROBE_TURNS,
    REPLY_SCHEMA,
    ExaminerConfig,
    ExaminerFailure,
    ExaminerReport,
    Misconception,
    PointVerdict,
    Turn,
    check_url,
    combine,
    config_origins,
    disagreements,
    examine,
    load_config,
    parse_reply,
    payload,
    probe,
    quote_in,
    read_record,
    record_json,
    respond,
    save_config,
)
from interview_prep.grading import Status, assess

from .conftest import GOOD_BANK

KEY = "sk-test-secret-4f9a1c"
MODEL = "fake-model"
EXAMINER_ENV = ("PREP_EXAMINER_URL", "PREP_EXAMINER_MODEL", "PREP_EXAMINER_KEY")
PROXY_ENV = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
# The answer has a curly apostrophe and double spaces, which quotes must see past.
ANSWER = "The mean minimises  the squared error: set the derivative to zero. An outlier doesn’t move it much."


@pytest.fixture(autouse=True)
def no_examiner_of_the_developer(monkeypatch, tmp_path):
    """A developer's own endpoint never receives test traffic: no PREP_EXAMINER_*, no proxy,
    and the config folder is the test's own (<PREP_HOME>/config, PREP_HOME set by conftest)."""
    for name in EXAMINER_ENV:
        monkeypatch.delenv(name, raising=False)
    for name in PROXY_ENV:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture(scope="module")
def card():
    return load_bank([GOOD_BANK]).get("toy-mean")


# ---------------------------------------------------------------------------
# The fake server


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


class FakeExaminer:
    """An OpenAI-compatible endpoint on 127.0.0.1: `behaviour(handler, server)` answers each POST."""

    def __init__(self, behaviour: Callable[..., None]):
        self.requests: list[Received] = []
        self.release = threading.Event()  # set at the end: a handler that waits stops waiting
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append(Received(self.path, dict(self.headers), body))
                try:
                    behaviour(self, outer)
                except OSError:
                    pass  # the client gave up, as it should

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def config(self, timeout: float = 5.0, key: str | None = KEY) -> ExaminerConfig:
        return ExaminerConfig(url=self.url, model=MODEL, key=key, timeout=timeout)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve():
    servers: list[FakeExaminer] = []

    def start(behaviour: Callable[..., None]) -> FakeExaminer:
        server = FakeExaminer(behaviour)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def send(handler, status: int, body: bytes, content_type: str = "application/json", **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def chat(content: object) -> bytes:
    """A chat-completions answer whose message is `content` (JSON-encoded unless a string)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return json.dumps(
        {
            "id": "x",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}],
        }
    ).encode()


def replies(content: object) -> Callable[..., None]:
    return lambda handler, server: send(handler, 200, chat(content))


def grading(points, misconceptions=(), rating="again", feedback="Solid on the mean; wrong on outliers."):
    return {
        "points": [{"point": n, "verdict": v, "quote": q} for n, v, q in points],
        "misconceptions": [{"mistake": n, "what": w, "quote": q} for n, w, q in misconceptions],
        "feedback": feedback,
        "rating": rating,
    }


GOOD_GRADING = grading(
    [
        (1, "covered", "the MEAN minimises the squared error"),  # case and spaces differ from the answer
        (2, "contradicted", "an outlier doesn't move it much"),  # a straight apostrophe for the curly one
        (3, "covered", "“set the derivative to zero.”"),  # quoted and full-stopped by the model
    ],
    rating="again",
)


def assert_one_line(failure: object) -> str:
    assert isinstance(failure, ExaminerFailure), failure
    assert failure.reason and "\n" not in failure.reason
    assert KEY not in failure.reason
    assert "Traceback" not in failure.reason
    return failure.reason


# ---------------------------------------------------------------------------
# A good structured reply, and exactly what was sent


def test_a_good_structured_reply_is_read_and_the_request_holds_the_card_and_the_answer_only(card, serve):
    server = serve(replies(GOOD_GRADING))
    report = examine(server.config(), card, ANSWER)

    assert isinstance(report, ExaminerReport), report
    assert [(p.number, p.verdict) for p in report.points] == [
        (1, Status.COVERED),
        (2, Status.CONTRADICTED),
        (3, Status.COVERED),
    ]
    assert report.points[0].point == "The mean minimises squared error."
    assert report.rating is Rating.AGAIN
    assert report.notes == ()
    assert report.structured is True
    assert report.model == MODEL
    assert report.feedback == "Solid on the mean; wrong on outliers."

    (request,) = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json
    assert set(body) == {"model", "messages", "temperature", "response_format"}
    assert body["model"] == MODEL
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "examiner_report", "strict": True, "schema": REPLY_SCHEMA},
    }
    system, user = body["messages"]
    assert system == {"role": "system", "content": GRADING_INSTRUCTIONS}
    # The card's question, key points, common mistakes with corrections, and the answer: nothing else.
    assert user == {
        "role": "user",
        "content": (
            "Question: Which single number minimises the squared error to a list of values?\n"
            "\n"
            "Key points a strong answer covers:\n"
            "1. The mean minimises squared error.\n"
            "2. Outliers pull it because errors are squared.\n"
            "3. The derivative is zero at the optimum.\n"
            "\n"
            "Common mistakes candidates make:\n"
            "1. Thinking the median minimises squared error. Correction: The median minimises"
            " absolute error; squared error gives the mean.\n"
            "\n"
            "The candidate's answer:\n"
            "<answer>\n"
            f"{ANSWER}\n"
            "</answer>"
        ),
    }
    sent = request.body.decode()
    for private in (
        KEY,
        card.short_answer,
        card.intuition,
        card.snippet.code.splitlines()[0],
        card.id,
        "toy-median",
    ):
        assert private not in sent
    assert body == payload(card, ANSWER, MODEL)  # what `prep examiner show --payload` prints


def test_without_a_key_no_authorization_header_is_sent(card, serve):
    server = serve(replies(GOOD_GRADING))
    assert isinstance(examine(server.config(key=None), card, ANSWER), ExaminerReport)
    assert "Authorization" not in server.requests[0].headers


def test_a_server_that_refuses_the_schema_is_asked_again_without_it(card, serve):
    def schema_refused(handler, server):
        if "response_format" in json.loads(server.requests[-1].body):
            send(handler, 400, b'{"error": {"message": "response_format is not supported"}}')
        else:
            send(handler, 200, chat("```json\n" + json.dumps(GOOD_GRADING) + "\n```"))

    server = serve(schema_refused)
    report = examine(server.config(), card, ANSWER)
    assert isinstance(report, ExaminerReport), report
    assert report.structured is False
    assert [("response_format" in r.json) for r in server.requests] == [True, False]
    assert any("did not take a response schema" in note for note in report.notes)


# ---------------------------------------------------------------------------
# Validation: the schema, the quotes, the rating against the lists


def test_invalid_json_falls_back_with_one_line(card, serve):
    server = serve(replies('Sure! {"points": [1, 2'))
    reason = assert_one_line(examine(server.config(), card, ANSWER))
    assert reason.startswith("the examiner's reply is not valid JSON")


def test_a_reply_off_the_schema_falls_back_naming_where(card, serve):
    broken = grading([(1, "partially", "the mean")])
    server = serve(replies(broken))
    reason = assert_one_line(examine(server.config(), card, ANSWER))
    assert reason == (
        "the examiner's reply does not follow the schema: points[0].verdict is 'partially',"
        " not one of covered, missed, contradicted"
    )


def test_an_answer_that_is_not_a_chat_completion_falls_back(card, serve):
    server = serve(lambda handler, _: send(handler, 200, b"<html>hello</html>", "text/html"))
    assert "not JSON" in assert_one_line(examine(server.config(), card, ANSWER))


def test_an_item_whose_quote_is_not_in_the_answer_is_dropped_not_the_reply(card, serve):
    invented = grading(
        [
            (1, "covered", "the mean is the best constant guess"),  # never said
            (2, "missed", ""),
            (3, "covered", "set the derivative to zero"),
        ],
        misconceptions=[(1, "median for squared error", "the median minimises squared error")],  # never said
        rating="hard",
    )
    server = serve(replies(invented))
    report = examine(server.config(), card, ANSWER)
    assert isinstance(report, ExaminerReport), report
    assert report.verdict_on(1) is None
    assert [(p.number, p.verdict) for p in report.points] == [(2, Status.MISSED), (3, Status.COVERED)]
    assert report.misconceptions == ()
    assert report.rating is Rating.HARD  # consistent with what is left: nothing wrong, not all covered
    assert report.notes == (
        "dropped its verdict on key point 1 (covered): the quote is not in your answer",
        "dropped a misconception whose quote is not in your answer",
    )


@pytest.mark.parametrize(
    ("points", "misconceptions", "said", "taken"),
    [
        # A misconception heard, yet "easy": again.
        ([(1, "covered", "the mean")], [(0, "outliers do nothing", "doesn't move it much")], "easy", "again"),
        # Every point covered and nothing wrong, yet "again": good.
        (
            [(1, "covered", "mean"), (2, "covered", "outlier"), (3, "covered", "derivative")],
            [],
            "again",
            "good",
        ),
        # Not every point covered, yet "easy": good.
        ([(1, "covered", "mean"), (2, "missed", ""), (3, "missed", "")], [], "easy", "good"),
        # Not every point covered, yet "again" with nothing wrong: hard.
        ([(1, "covered", "mean"), (2, "missed", ""), (3, "missed", "")], [], "again", "hard"),
    ],
)
def test_a_rating_that_contradicts_its_lists_is_corrected_with_a_note(
    card, points, misconceptions, said, taken
):
    report = parse_reply(card, ANSWER, json.dumps(grading(points, misconceptions, rating=said)))
    assert isinstance(report, ExaminerReport), report
    assert report.rating is Rating[taken.upper()]
    assert report.notes[-1].startswith(f"the examiner suggested {said}, but ")
    assert report.notes[-1].endswith(f"taken as {taken}")


def test_a_consistent_rating_stands_without_a_note(card):
    report = parse_reply(
        card,
        ANSWER,
        json.dumps(
            grading(
                [(1, "covered", "mean"), (2, "covered", "outlier"), (3, "covered", "derivative")],
                rating="easy",
            )
        ),
    )
    assert isinstance(report, ExaminerReport)
    assert report.rating is Rating.EASY and report.notes == ()


def test_quotes_match_after_normalising_case_spaces_and_quote_marks():
    answer = "It’s  the MEAN, “not” the median."
    assert quote_in("it's the mean", answer)
    assert quote_in('"not" the median.', answer)
    assert quote_in("‘it’s the mean’", answer)
    assert not quote_in("it is the mean", answer)
    assert not quote_in("", answer)
    assert not quote_in("...", answer)


def test_verdicts_on_points_the_card_lacks_and_repeated_verdicts_are_dropped(card):
    reply = grading([(9, "covered", "mean"), (1, "covered", "mean"), (1, "missed", "")], rating="hard")
    report = parse_reply(card, ANSWER, json.dumps(reply))
    assert isinstance(report, ExaminerReport)
    assert [(p.number, p.verdict) for p in report.points] == [(1, Status.COVERED)]
    assert report.notes[:2] == (
        "dropped a verdict on key point 9, which the card does not have",
        "dropped a second verdict on key point 1",
    )


# ---------------------------------------------------------------------------
# HTTP failures: each one line, never the key


def test_401_says_the_key_was_refused_and_never_repeats_it(card, serve):
    echoed = json.dumps({"error": {"message": f"Incorrect API key provided: {KEY}"}}).encode()
    server = serve(lambda handler, _: send(handler, 401, echoed))
    reason = assert_one_line(examine(server.config(), card, ANSWER))
    assert reason.startswith("the key was refused (HTTP 401: Incorrect API key provided: [key])")


def test_429_says_busy_or_over_quota(card, serve):
    server = serve(lambda handler, _: send(handler, 429, b'{"error": {"message": "Rate limit reached"}}'))
    reason = assert_one_line(examine(server.config(), card, ANSWER))
    assert reason == "the examiner is busy or over its quota (HTTP 429: Rate limit reached); try again later"


def test_500_says_the_examiner_failed(card, serve):
    server = serve(lambda handler, _: send(handler, 500, b"Internal Server Error", "text/plain"))
    reason = assert_one_line(examine(server.config(), card, ANSWER))
    assert reason == "the examiner failed (HTTP 500: Internal Server Error)"


def test_a_redirect_is_not_followed_so_the_key_goes_nowhere_else(card, serve):
    elsewhere = serve(replies(GOOD_GRADING))
    server = serve(lambda handler, _: send(handler, 307, b"", Location=f"{elsewhere.url}/chat/completions"))
    reason = assert_one_line(examine(server.config(), card, ANSWER))
    assert reason.startswith("the examiner answered with a redirect (HTTP 307 to 127.0.0.1:")
    assert "redirects are not followed" in reason
    assert len(server.requests) == 1
    assert elsewhere.requests == []


def test_a_server_that_never_answers_ends_at_the_deadline(card, serve):
    server = serve(lambda handler, srv: srv.release.wait(30))
    started = time.monotonic()
    reason = assert_one_line(examine(server.config(timeout=1.0), card, ANSWER))
    elapsed = time.monotonic() - started
    assert reason == "no complete reply within 1.0 s"
    assert 0.9 < elapsed < 1.6


def trickle(handler, server, *, headers_first: bool) -> None:
    """A byte every 0.1 s: each read returns in time, so only a total deadline ends it."""
    stream = handler.wfile
    if headers_first:
        stream.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        drip = chat(GOOD_GRADING)
    else:
        stream.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        drip = b"z" * 1000
    for byte in drip:
        if server.release.wait(0.1):
            return
        stream.write(bytes([byte]))
        stream.flush()


@pytest.mark.parametrize("headers_first", [True, False], ids=["body", "headers"])
def test_a_server_that_trickles_bytes_past_the_deadline_still_ends_on_time(card, serve, headers_first):
    server = serve(lambda handler, srv: trickle(handler, srv, headers_first=headers_first))
    started = time.monotonic()
    reason = assert_one_line(examine(server.config(timeout=1.0), card, ANSWER))
    elapsed = time.monotonic() - started
    assert reason == "no complete reply within 1.0 s"
    assert 0.9 < elapsed < 1.6


def test_the_deadline_may_be_given_for_the_whole_exchange(card, serve):
    server = serve(lambda handler, srv: srv.release.wait(30))
    started = time.monotonic()
    failure = examine(server.config(timeout=60), card, ANSWER, deadline=started + 0.5)
    assert isinstance(failure, ExaminerFailure)
    assert time.monotonic() - started < 1.0


def test_a_refused_connection_says_so(card):
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    config = ExaminerConfig(url=f"http://127.0.0.1:{port}/v1", model=MODEL, key=KEY)
    reason = assert_one_line(examine(config, card, ANSWER))
    assert reason == f"the connection to 127.0.0.1:{port} was refused (is the server running?)"


def test_an_empty_answer_is_not_sent(card, serve):
    server = serve(replies(GOOD_GRADING))
    assert_one_line(examine(server.config(), card, "   \n"))
    assert server.requests == []


def test_loopback_ignores_every_proxy_setting(card, serve, monkeypatch):
    with socket.socket() as dead:
        dead.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{dead.getsockname()[1]}"
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, nowhere)
        monkeypatch.setenv(name.upper(), nowhere)
    server = serve(replies(GOOD_GRADING))
    assert isinstance(examine(server.config(), card, ANSWER), ExaminerReport)
    assert len(server.requests) == 1


def test_a_remote_examiner_goes_through_https_proxy_and_the_proxy_never_sees_the_key(card, monkeypatch):
    seen: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))

    def proxy() -> None:
        conn, _ = listener.accept()
        with conn:
            seen.append(conn.recv(65536))
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=proxy, daemon=True)
    thread.start()
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{listener.getsockname()[1]}")
    config = ExaminerConfig(url="https://examiner.invalid/v1", model=MODEL, key=KEY)
    try:
        reason = assert_one_line(examine(config, card, ANSWER))
    finally:
        thread.join(5)
        listener.close()
    assert seen and seen[0].startswith(b"CONNECT examiner.invalid:443 HTTP/1.")
    assert KEY.encode() not in seen[0] and b"Authorization" not in seen[0]
    assert "403" in reason


# ---------------------------------------------------------------------------
# Combining with the built-in assessment


def test_enter_takes_the_lower_of_the_two_suggestions(card):
    builtin = assess("The mean minimises it and outliers pull it, the derivative is zero there.", card)
    assert builtin.suggested is Rating.GOOD and builtin.wrong_count == 0
    hard = ExaminerReport(points=(), misconceptions=(), feedback="", rating=Rating.HARD, total_points=3)
    easy = ExaminerReport(points=(), misconceptions=(), feedback="", rating=Rating.EASY, total_points=3)
    assert combine(builtin.suggested, builtin, hard) is Rating.HARD
    assert combine(builtin.suggested, builtin, easy) is Rating.GOOD
    assert (
        combine(builtin.suggested, builtin, ExaminerFailure("no complete reply within 30.0 s")) is Rating.GOOD
    )
    assert combine(builtin.suggested, builtin, None) is Rating.GOOD


def test_the_examiner_never_clears_a_mistake_the_built_in_assessment_caught(card):
    builtin = assess(card.answers.wrong[0].text, card)
    assert builtin.wrong_count > 0
    clean = ExaminerReport(
        points=tuple(
            PointVerdict(n, p.point, Status.COVERED, "mean") for n, p in enumerate(card.key_points, 1)
        ),
        misconceptions=(),
        feedback="Perfect.",
        rating=Rating.EASY,
        total_points=3,
    )
    # Even with a built-in suggestion passed in higher than it should be.
    assert combine(Rating.GOOD, builtin, clean) is Rating.AGAIN


def test_disagreements_name_both_verdicts(card):
    caught = assess(card.answers.wrong[0].text, card)
    assert [c.number for c in caught.mistakes] == [1]
    silent = ExaminerReport(points=(), misconceptions=(), feedback="", rating=Rating.AGAIN, total_points=3)
    assert [(d.what, d.builtin, d.examiner) for d in disagreements(caught, silent)] == [
        ("common mistake 1: Thinking the median minimises squared error.", "caught", "not heard"),
    ]

    answer = "The mean minimises it and outliers pull it, the derivative is zero there."
    clean = assess(answer, card)
    assert clean.wrong_count == 0 and clean.points[0].status is Status.COVERED
    report = ExaminerReport(
        points=(PointVerdict(1, card.key_points[0].point, Status.MISSED),),  # points 2 and 3 not judged
        misconceptions=(Misconception(1, "median for squared error", "the mean"),),
        feedback="",
        rating=Rating.AGAIN,
        total_points=3,
    )
    assert [(d.what, d.builtin, d.examiner) for d in disagreements(clean, report)] == [
        ("key point 1: The mean minimises squared error.", "covered", "missed"),
        ("common mistake 1: median for squared error", "not caught", "heard"),
        ("suggested rating", "good", "again"),
    ]


# ---------------------------------------------------------------------------
# Probing follow-ups


def test_probe_asks_one_question_from_the_answer_and_the_cards_follow_ups(card, serve):
    server = serve(replies('"What if one of the values were 1,000?"'))
    question = probe(server.config(), card, ANSWER)
    assert question == "What if one of the values were 1,000?"
    user = server.requests[0].json["messages"][1]["content"]
    assert ANSWER in user
    assert "Which number minimises the absolute error?" in user  # the card's follow-ups
    assert "response_format" not in server.requests[0].json


def test_respond_keeps_three_sentences_and_sends_the_exchange(card, serve):
    server = serve(replies("Right. The mean moves. By a lot. And more words here."))
    exchange = [Turn("What if one value were 1,000?", reply="The mean jumps toward it.")]
    response = respond(server.config(), card, ANSWER, exchange)
    assert response == "Right. The mean moves. By a lot."
    user = server.requests[0].json["messages"][1]["content"]
    assert "What if one value were 1,000?" in user and "The mean jumps toward it." in user


def test_at_most_two_probing_turns_and_no_request_for_a_third(card, serve):
    server = serve(replies("Another?"))
    turns = [Turn("one?", "a", "ok"), Turn("two?", "b", "ok")]
    assert MAX_PROBE_TURNS == 2
    assert isinstance(probe(server.config(), card, ANSWER, turns), ExaminerFailure)
    assert isinstance(respond(server.config(), card, ANSWER, [Turn("q?")]), ExaminerFailure)  # no reply yet
    assert server.requests == []


def test_probe_failures_are_one_line_too(card, serve):
    server = serve(lambda handler, _: send(handler, 500, b"{}"))
    assert assert_one_line(probe(server.config(), card, ANSWER)) == "the examiner failed (HTTP 500: {})"


# ---------------------------------------------------------------------------
# The record kept with the review


def test_the_record_round_trips_with_its_exchange(card, serve):
    server = serve(replies(GOOD_GRADING))
    report = examine(server.config(), card, ANSWER)
    turns = (Turn("And with an outlier?", "It moves.", "Yes, a lot."),)
    back, back_turns = read_record(record_json(report, turns))
    assert back_turns == turns
    assert back == report.__class__(**{**report.__dict__, "seconds": round(report.seconds, 2)})
    failure, _ = read_record(record_json(ExaminerFailure("no complete reply within 30.0 s")))
    assert failure == ExaminerFailure("no complete reply within 30.0 s")
    assert isinstance(read_record("{not json")[0], ExaminerFailure)


# ---------------------------------------------------------------------------
# Configuration


def test_no_configuration_means_no_examiner(tmp_path):
    assert load_config(tmp_path, {}) is None
    assert load_config(tmp_path, {"PREP_EXAMINER_KEY": KEY}) is None  # a key alone configures nothing


def test_the_environment_overrides_the_file_one_setting_at_a_time(tmp_path):
    save_config(tmp_path, ExaminerConfig("http://localhost:11434/v1", "llama3.1", key="file-key", timeout=12))
    env = {"PREP_EXAMINER_MODEL": "qwen2.5", "PREP_EXAMINER_KEY": "env-key"}
    config = load_config(tmp_path, env)
    assert (config.url, config.model, config.key, config.timeout) == (
        "http://localhost:11434/v1",
        "qwen2.5",
        "env-key",
        12,
    )
    assert config_origins(tmp_path, env) == {
        "url": "config file",
        "model": "PREP_EXAMINER_MODEL",
        "key": "PREP_EXAMINER_KEY",
        "timeout": "config file",
    }


def test_half_a_configuration_is_an_error_not_silence(tmp_path):
    with pytest.raises(PrepError, match="no model"):
        load_config(tmp_path, {"PREP_EXAMINER_URL": "http://localhost:11434/v1"})
    with pytest.raises(PrepError, match="no URL"):
        load_config(tmp_path, {"PREP_EXAMINER_MODEL": "llama3.1"})


def test_the_config_file_is_created_for_the_user_only(tmp_path):
    old = os.umask(0)
    try:
        path = save_config(tmp_path / "config", ExaminerConfig("http://localhost:1/v1", "m", key=KEY))
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["key"] == KEY


def test_a_broken_config_file_is_one_line(tmp_path):
    (tmp_path / "examiner.json").write_text("{url: nope")
    with pytest.raises(PrepError, match="examiner.json: not valid JSON"):
        load_config(tmp_path, {})
    (tmp_path / "examiner.json").write_text('{"url": "http://localhost:1", "modle": "x"}')
    with pytest.raises(PrepError, match="unknown setting 'modle'"):
        load_config(tmp_path, {})


def test_the_config_never_shows_its_key():
    config = ExaminerConfig("https://api.example.com/v1", "gpt", key=KEY)
    for shown in (repr(config), str(config), f"{config}", config.where, config.endpoint):
        assert KEY not in shown
    assert "key=set" in repr(config)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:11434/v1",
        "http://127.0.0.1:8080/v1",
        "http://[::1]:1234/v1",
        "https://api.openai.com/v1",
    ],
)
def test_allowed_urls(url):
    assert check_url(url) == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://192.168.1.20:11434/v1",
            "plain http:// is only for localhost; use https:// for 192.168.1.20",
        ),
        ("http://api.openai.com/v1", "plain http:// is only for localhost"),
        ("ftp://localhost/v1", "must start with https://"),
        ("localhost:11434", "must start with https://"),
        ("https://user:hunter2@api.example.com/v1", "must not hold a user name or password"),
        ("http://localhost:port/v1", "port that is not a number"),
    ],
)
def test_refused_urls_say_why_in_one_line(url, message):
    with pytest.raises(PrepError) as error:
        check_url(url)
    assert message in str(error.value)
    assert "\n" not in str(error.value) and "hunter2" not in str(error.value)


def test_a_key_that_could_break_a_header_is_refused():
    with pytest.raises(PrepError, match="cannot carry"):
        ExaminerConfig("http://localhost:1/v1", "m", key="abc\r\nX-Evil: 1")


# ---------------------------------------------------------------------------
# What the terminal shows: outside text escaped, both assessments


def shown(renderable) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=100, no_color=True, highlight=False).print(renderable)
    return buffer.getvalue()


def test_the_examiners_words_are_escaped_before_the_terminal(card):
    from interview_prep import render

    answer = "The mean [bold red]wins[/] \x1b]0;pwned\x07 here."
    hostile = grading(
        [(1, "covered", "the mean [bold red]wins[/] \x1b]0;pwned\x07")],
        feedback="[link=http://evil]click[/link] \x1b[2J\x9b31m",
        rating="hard",
    )
    report = parse_reply(card, answer, json.dumps(hostile))
    assert isinstance(report, ExaminerReport), report
    text = shown(render.examiner_view(report, assess(answer, card)))
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "[link=http://evil]click[/link]" in text  # shown as typed, never interpreted
    assert "[bold red]wins[/]" in text
    assert "\\x1b]0;pwned\\x07" in text


def test_the_view_shows_verdicts_feedback_and_where_the_two_differ(card):
    from interview_prep import render

    answer = "The mean minimises it and outliers pull it, the derivative is zero there."
    builtin = assess(answer, card)
    report = parse_reply(
        card,
        answer,
        json.dumps(
            grading(
                [
                    (1, "covered", "the mean minimises it"),
                    (2, "missed", ""),
                    (3, "covered", "the derivative is zero"),
                ],
                rating="hard",
                feedback="You named the mean but not why outliers matter.",
            )
        ),
    )
    text = shown(render.examiner_view(report, builtin))
    assert "you covered 2 of 3" in text
    assert "✓ The mean minimises squared error.  “the mean minimises it”" in text
    assert "✗ Outliers pull it because errors are squared." in text
    assert "You named the mean but not why outliers matter." in text
    assert "Where the two assessments differ" in text
    assert "key point 2: Outliers pull it because errors are squared." in text
    assert "built-in: covered   examiner: missed" in text
    assert "Enter takes the lower: 2 hard" in text


def test_a_failure_is_one_line_saying_the_built_in_assessment_stands():
    from interview_prep import render

    text = shown(render.examiner_failure_line(ExaminerFailure("the key was refused (HTTP 401)")))
    assert text == "Examiner: the key was refused (HTTP 401); the built-in assessment stands.\n"


# ---------------------------------------------------------------------------
# The commands


@pytest.fixture
def toy(toy_bank_only):
    return None


def test_show_without_an_examiner_says_nothing_is_sent(cli):
    result = cli("examiner", "show")
    assert result.exit_code == 0, result.output
    assert "No examiner is configured: prep works offline and sends nothing anywhere." in result.output


def test_test_without_an_examiner_sends_nothing_and_says_so(cli):
    result = cli("examiner", "test")
    assert result.exit_code == 2
    assert result.stderr.startswith("prep: no examiner is configured, so nothing was sent")


def test_set_reads_the_key_from_stdin_and_never_prints_it(cli, serve, isolated_env):
    server = serve(replies(GOOD_GRADING))
    result = cli("examiner", "set", "--url", server.url, "--model", MODEL, "--ask-key", input=f"{KEY}\n")
    assert result.exit_code == 0, result.output
    path = isolated_env / "config" / "examiner.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"url": server.url, "model": MODEL, "key": KEY}
    assert KEY not in result.output
    assert f"Examiner: {MODEL} at {server.url}; key: set" in result.output

    show = cli("examiner", "show")
    assert show.exit_code == 0
    assert KEY not in show.output
    assert re.search(r"key\s+set\s+\(from config file\)", show.output)
    assert f"POST {server.url}/chat/completions" in show.output

    # Changing the model keeps the stored key; --forget-key drops it.
    assert cli("examiner", "set", "--model", "other").exit_code == 0
    assert json.loads(path.read_text())["key"] == KEY
    assert cli("examiner", "set", "--forget-key").exit_code == 0
    assert "key" not in json.loads(path.read_text())
    assert server.requests == []  # configuring sends nothing


def test_set_refuses_plain_http_to_a_remote_host(cli, isolated_env):
    result = cli("examiner", "set", "--url", "http://example.com/v1", "--model", "m")
    assert result.exit_code == 2
    assert result.stderr.startswith("prep: plain http:// is only for localhost; use https:// for example.com")
    assert not (isolated_env / "config" / "examiner.json").exists()


def test_show_payload_prints_exactly_what_would_be_sent(cli, serve, toy, card, monkeypatch):
    server = serve(replies(GOOD_GRADING))
    monkeypatch.setenv("PREP_EXAMINER_URL", server.url)
    monkeypatch.setenv("PREP_EXAMINER_MODEL", MODEL)
    monkeypatch.setenv("PREP_EXAMINER_KEY", KEY)
    result = cli("examiner", "show", "--payload", "toy-mean", "--answer", ANSWER)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == payload(card, ANSWER, MODEL)
    assert result.stderr == (
        f"POST {server.url}/chat/completions\nContent-Type: application/json\n"
        "Authorization: Bearer (your key, not shown)\n"
    )
    assert KEY not in result.output
    assert server.requests == []


def test_show_names_where_each_setting_comes_from(cli, monkeypatch):
    monkeypatch.setenv("PREP_EXAMINER_URL", "http://localhost:11434/v1")
    monkeypatch.setenv("PREP_EXAMINER_MODEL", "llama3.1")
    result = cli("examiner", "show")
    assert re.search(r"url\s+http://localhost:11434/v1\s+\(from PREP_EXAMINER_URL\)", result.output)
    assert re.search(r"key\s+not set", result.output)
    assert re.search(r"timeout\s+30 s\s+\(default\)", result.output)


def test_test_reports_latency_and_structured_output(cli, serve, monkeypatch):
    good = grading([(1, "covered", "mean squared error")], rating="good")
    server = serve(replies(good))
    monkeypatch.setenv("PREP_EXAMINER_URL", server.url)
    monkeypatch.setenv("PREP_EXAMINER_MODEL", MODEL)
    result = cli("examiner", "test")
    assert result.exit_code == 0, result.output
    assert re.search(r"✓ it answered in \d+\.\d\d s \(measured", result.output)
    assert "structured output: works" in result.output
    assert "grading: it credited a plainly right answer (rating: good)" in result.output
    (request,) = server.requests
    assert "MSE stands for mean squared error." in request.json["messages"][1]["content"]


def test_test_reports_a_failure_in_one_line_with_exit_1(cli, serve, monkeypatch):
    server = serve(lambda handler, _: send(handler, 401, b'{"error": "bad key"}'))
    monkeypatch.setenv("PREP_EXAMINER_URL", server.url)
    monkeypatch.setenv("PREP_EXAMINER_MODEL", MODEL)
    monkeypatch.setenv("PREP_EXAMINER_KEY", KEY)
    result = cli("examiner", "test")
    assert result.exit_code == 1
    assert re.search(r"✗ the key was refused \(HTTP 401: bad key\);.* \(after \d+\.\d s\)", result.output)
    assert KEY not in result.output


def test_clear_forgets_the_examiner(cli, isolated_env):
    assert cli("examiner", "set", "--url", "http://localhost:11434/v1", "--model", "llama3.1").exit_code == 0
    result = cli("examiner", "clear")
    assert result.exit_code == 0
    assert "Removed" in result.output and "nothing leaves this machine" in result.output
    assert not (isolated_env / "config" / "examiner.json").exists()
    assert "No examiner is configured" in cli("examiner", "show").output


# ---------------------------------------------------------------------------
# No network call of any kind without an examiner, in the whole process tree

INET = re.compile(r"AF_INET6?\b")


def traced(tmp_path: Path, name: str, args: list[str], env: dict[str, str], stdin: str | None = None):
    """Run `prep ARGS` under `strace -f`; the process's result and every traced line naming AF_INET(6)."""
    trace = tmp_path / f"{name}.strace"
    proc = subprocess.run(
        [
            "strace",
            "-f",  # every thread and child: snippet workers, the check pool, anything they start
            "--seccomp-bpf",  # stop only at the traced calls: the rest run at full speed
            "-qq",
            "-e",
            "trace=socket,connect,sendto,sendmsg,sendmmsg,execve",
            "-e",
            "signal=none",
            "-o",
            str(trace),
            sys.executable,
            "-m",
            "interview_prep",
            *args,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    lines = trace.read_text().splitlines()
    pids = {line.split()[0] for line in lines if "execve(" in line}
    return proc, [line for line in lines if INET.search(line)], pids


def strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    probe_run = subprocess.run(
        ["strace", "-f", "-qq", "-o", os.devnull, "true"], capture_output=True, check=False
    )
    return probe_run.returncode == 0  # ptrace may be forbidden in a container


needs_strace = pytest.mark.skipif(
    not strace_works(), reason="strace is missing or ptrace is not allowed here"
)


def offline_env(tmp_path: Path) -> dict[str, str]:
    env = {
        name: os.environ[name]
        for name in ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")
        if name in os.environ
    }
    env.update(
        PREP_HOME=str(tmp_path / "home"),
        PREP_BANK=str(GOOD_BANK),
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        NO_COLOR="1",
        COLUMNS="100",
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
    )
    return env


@needs_strace
def test_no_process_prep_starts_touches_the_network_without_an_examiner(tmp_path):
    """Proof for the whole process tree, not one monkeypatched process.

    strace -f follows every thread and child at the system-call level, so it
    sees the snippet workers too, although they start as `python -s` with a
    minimal environment (no PYTHONPATH, no sitecustomize would reach them),
    and any non-Python process. It records every attempt to create an
    internet socket or connect or send to one, whether or not it succeeds; a
    network namespace (unshare -rn) would only make attempts fail, which a
    program that swallows errors would never show. The positive control below
    runs the same harness on a command that does connect, so this test can
    fail.
    """
    from interview_prep.trust import trust

    env = offline_env(tmp_path)
    trust(Path(env["PREP_HOME"]), GOOD_BANK)
    runs = [
        (
            "quiz",
            ["quiz", "--topic", "toy", "-n", "2", "--seed", "1"],
            "the mean\n\nr\n3\nn\nthe median\n\n3\n",
        ),
        ("explain", ["explain", "toy-mean"], None),  # a live snippet run in a worker process
        ("check", ["check", "toy-mean", "toy-median"], None),  # grading, and snippets in the pool
        ("grade", ["grade", "toy-mean", "--answer", "the mean"], None),
        ("examiner-show", ["examiner", "show"], None),
        ("examiner-test", ["examiner", "test"], None),  # refuses: nothing configured
    ]
    for name, args, stdin in runs:
        proc, inet, pids = traced(tmp_path, name, args, env, stdin)
        assert proc.returncode in (0, 1, 2), (name, proc.returncode, proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr, (name, proc.stderr)
        assert inet == [], (name, inet)
        if name in ("quiz", "explain", "check"):
            assert len(pids) >= 2, (name, "the snippet's process was not traced")
        if name in ("quiz", "explain"):
            assert "matches the stored output" in proc.stdout, (name, "the snippet did not run")


@needs_strace
def test_the_harness_sees_a_connection_when_an_examiner_is_configured(tmp_path, serve):
    """The positive control: the same trace catches the one request `prep examiner test` makes."""
    server = serve(replies(grading([(1, "covered", "mean squared error")], rating="good")))
    env = offline_env(tmp_path)
    env.update(PREP_EXAMINER_URL=server.url, PREP_EXAMINER_MODEL=MODEL)
    proc, inet, _ = traced(tmp_path, "configured", ["examiner", "test"], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    port = server.server.server_address[1]
    assert any(f"htons({port})" in line and "connect(" in line for line in inet), inet
    assert len(server.requests) == 1
