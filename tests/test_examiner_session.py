"""The examiner in a study session: its grading beside the built-in one, a probing
follow-up, what is kept with the review, and a clean fall-back when it fails.

Driven through the CLI with piped input against the fake server of
tests/test_examiner.py, as a user with an examiner configured would see it.
"""

from __future__ import annotations

import json

import pytest

from interview_prep.examiner import GRADING_INSTRUCTIONS, PROBE_INSTRUCTIONS, RESPOND_INSTRUCTIONS
from interview_prep.store import ReviewStore, progress_path

from .test_examiner import MODEL, FakeExaminer, chat, grading, send

pytestmark = pytest.mark.usefixtures("toy_bank_only")


@pytest.fixture
def serve():
    servers: list[FakeExaminer] = []

    def start(behaviour) -> FakeExaminer:
        servers.append(FakeExaminer(behaviour))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


ANSWER = "The mean minimises the squared error; setting the derivative to zero gives it."
QUESTION = "What happens to the mean when one value is an outlier?"
RESPONSE = "Right: it moves a lot, since squaring weighs large errors heavily. That is why MAE is robust."


def interviewer(handler, server):
    """Grades, asks, or responds, by the instructions the request carries."""
    system = server.requests[-1].json["messages"][0]["content"]
    if system == GRADING_INSTRUCTIONS:
        reply = grading(
            [(1, "covered", "the mean minimises the squared error"), (2, "missed", ""), (3, "covered", "")],
            rating="good",
            feedback="You got the mean and the derivative; say what an outlier does.",
        )
        send(handler, 200, chat(reply))
    elif system == PROBE_INSTRUCTIONS:
        send(handler, 200, chat(QUESTION))
    elif system == RESPOND_INSTRUCTIONS:
        send(handler, 200, chat(RESPONSE))
    else:  # pragma: no cover - a request the session should not make
        send(handler, 400, b"{}")


def reviews(home):
    with ReviewStore(progress_path(home)) as store:
        return store.reviews()


@pytest.fixture
def examiner_at(monkeypatch):
    def configure(server):
        monkeypatch.setenv("PREP_EXAMINER_URL", server.url)
        monkeypatch.setenv("PREP_EXAMINER_MODEL", MODEL)

    return configure


def test_a_quiz_with_an_examiner_shows_its_grading_asks_more_and_keeps_it(
    cli, serve, examiner_at, isolated_env
):
    server = serve(interviewer)
    examiner_at(server)
    script = "\n".join([ANSWER, "", "a", "it gets pulled towards the outlier", "", "3"]) + "\n"
    result = cli("quiz", "toy-mean", input=script)
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Examiner: {MODEL} at {server.url}" in out  # said before the first answer
    assert "You got the mean and the derivative; say what an outlier does." in out
    assert f"The examiner asks: {QUESTION}" in out
    assert RESPONSE.split(":")[0] in out
    # The request carried the answer; the probe and the response carried the reply.
    assert ANSWER in server.requests[0].body.decode()
    assert "it gets pulled towards the outlier" in server.requests[2].body.decode()
    (review,) = reviews(isolated_env)
    record = json.loads(review.examiner)
    assert record["feedback"].startswith("You got the mean")
    assert record["exchange"][0]["question"] == QUESTION
    assert record["exchange"][0]["reply"] == "it gets pulled towards the outlier"
    history = cli("history", "toy-mean")
    assert QUESTION in history.output and "You got the mean" in history.output


def test_a_failing_examiner_leaves_the_built_in_assessment_and_the_review(
    cli, serve, examiner_at, isolated_env
):
    server = serve(lambda handler, _: send(handler, 500, b"Internal Server Error", "text/plain"))
    examiner_at(server)
    result = cli("quiz", "toy-mean", input=f"{ANSWER}\n\n3\n")
    assert result.exit_code == 0, result.output
    assert (
        "Examiner: the examiner failed (HTTP 500: Internal Server Error); the built-in assessment stands."
        in result.output
    )
    assert "Key points: you covered" in result.output  # the built-in assessment, as without one
    assert "Traceback" not in result.output + result.stderr
    assert [r.rating for r in reviews(isolated_env)] == [3]


def test_no_examiner_flag_sends_nothing(cli, serve, examiner_at, isolated_env):
    server = serve(interviewer)
    examiner_at(server)
    result = cli("quiz", "toy-mean", "--no-examiner", input=f"{ANSWER}\n\n3\n")
    assert result.exit_code == 0, result.output
    assert server.requests == []
    assert "Examiner:" not in result.output


def test_asking_for_an_examiner_without_one_configured_is_one_line(cli):
    result = cli("quiz", "toy-mean", "--examiner", input=f"{ANSWER}\n\n3\n")
    assert result.exit_code == 2
    assert result.stderr.startswith("prep: no examiner is configured")


def test_forgetting_answers_forgets_what_the_examiner_quoted(cli, serve, examiner_at, isolated_env):
    examiner_at(serve(interviewer))
    cli("quiz", "toy-mean", input=f"{ANSWER}\n\n3\n")
    assert reviews(isolated_env)[0].examiner is not None
    cli("history", "toy-mean", "--forget")
    assert reviews(isolated_env)[0].examiner is None
