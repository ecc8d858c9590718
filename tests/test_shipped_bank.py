"""The bank that ships: valid, every snippet honest, and the coverage the issues promise."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from interview_prep.bank import load_bank, packaged_bank_dir
from interview_prep.cards import Tier
from interview_prep.checker import check_bank
from interview_prep.search import Ambiguous, find_card, search


@pytest.fixture(scope="module")
def bank():
    return load_bank([packaged_bank_dir()])


def test_every_card_is_valid(bank):
    assert [str(p) for p in bank.problems] == []


@pytest.mark.slow
def test_every_snippet_prints_its_stored_output_warm_and_cold_alike(bank):
    import os
    from concurrent.futures import ThreadPoolExecutor

    from interview_prep.runner import run_snippet

    # prep check runs the snippets through warm workers ...
    report = check_bank(bank, timeout=60)
    assert report.problems == []
    assert len(report.snippets) == sum(1 for c in bank if c.snippet)
    # ... and a fresh interpreter prints exactly the same, byte for byte.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        cold = list(pool.map(lambda check: run_snippet(check.card.snippet.code, timeout=60), report.snippets))
    differ = [
        check.card.id
        for check, fresh in zip(report.snippets, cold)
        if (check.result.stdout, check.result.stderr, check.result.returncode)
        != (fresh.stdout, fresh.stderr, fresh.returncode)
    ]
    assert differ == []


def tier_counts(bank, topic):
    return Counter(card.tier for card in bank if card.topic == topic)


def test_loss_and_regularization_coverage(bank):
    loss, reg = tier_counts(bank, "loss"), tier_counts(bank, "regularization")
    assert sum(loss.values()) >= 30 and sum(reg.values()) >= 6
    assert all(loss[t] and reg[t] for t in Tier)


PART_TWO = [
    "bias-variance",
    "optimization",
    "model-selection",
    "statistics",
    "foundations",
    "evaluation",
    "production",
]


def test_part_two_topics_have_every_tier(bank):
    for topic in PART_TWO:
        counts = tier_counts(bank, topic)
        assert all(counts[t] for t in Tier), (topic, counts)
    assert sum(1 for card in bank if card.topic in PART_TWO) >= 40


# Part four: the second half of an ML interview loop, with the least each topic holds.
PART_FOUR = {
    "deep-learning": 10,
    "nlp-llm": 10,
    "recsys": 6,
    "time-series": 5,
    "system-design": 6,
    "sql": 8,
    "classic-models": 8,
}


def test_part_four_topics_have_every_tier_and_their_counts(bank):
    for topic, least in PART_FOUR.items():
        counts = tier_counts(bank, topic)
        assert all(counts[t] for t in Tier), (topic, counts)
        assert sum(counts.values()) >= least, (topic, counts)
    assert sum(1 for card in bank if card.topic in PART_FOUR) >= 55


@pytest.mark.parametrize("topic", sorted(PART_FOUR))
def test_a_default_quiz_on_a_new_topic_reaches_a_deep_card_and_offers_an_in_topic_follow_up(bank, topic):
    from interview_prep.planning import plan_quiz

    cards = bank.select([topic])
    for seed in range(5):
        plan = plan_quiz(cards, 10, None, seed, one_topic=True)
        assert plan.offer_follow_ups
        assert any(card.tier is Tier.DEEP for card in plan.cards), (topic, seed)
        in_topic = [
            f.card for card in plan.cards for f in card.linked_follow_ups if bank.cards[f.card].topic == topic
        ]
        assert in_topic, (topic, seed)


def test_every_topic_belongs_to_a_track_and_both_roles_exist(bank):
    tracks, problems = bank.tracks()
    assert problems == []
    assert {"data-scientist", "ml-engineer"} <= set(tracks)
    covered = {topic for track in tracks.values() for topic in track.topics}
    assert set(bank.topics()) <= covered


@pytest.mark.parametrize(
    "topics, share",
    [(("loss", "regularization"), 0.8), (tuple(PART_TWO), 0.75), (tuple(PART_FOUR), 0.75)],
)
def test_snippets_wherever_a_computation_fits(bank, topics, share):
    cards = [c for c in bank if c.topic in topics]
    assert sum(1 for c in cards if c.snippet) / len(cards) >= share


def test_every_card_meets_the_writing_standard(bank):
    problems = []
    for card in bank:
        words = len(card.short_answer.split())
        if not 40 <= words <= 120:
            problems.append(f"{card.id}: short answer has {words} words")
        if not 3 <= len(card.key_points) <= 5:
            problems.append(f"{card.id}: {len(card.key_points)} key points")
        if len(card.follow_ups) < 2 or not card.common_mistakes:
            problems.append(f"{card.id}: needs 2 follow-ups and a common mistake")
        if re.search(r"\\[a-z]+|\$", card.math):
            problems.append(f"{card.id}: math looks like LaTeX")
    assert problems == []


def test_snippets_fit_an_80_column_terminal(bank):
    # prep explain indents code and output by two columns.
    wide = [
        f"{card.id}: {line!r}"
        for card in bank
        if card.snippet
        for line in card.snippet.code.splitlines() + card.snippet.output.splitlines()
        if len(line) > 78
    ]
    assert wide == []


NAMES = {
    "mse": "mse",
    "mae": "mae",
    "rmse": "rmse",
    "huber": "huber",
    "huberr": "huber",
    "bce": "binary-cross-entropy",
    "log loss": "binary-cross-entropy",
    "cross entropy": "why-cross-entropy",
    "kl": "entropy-kl-divergence",
    "hinge": "hinge-loss",
    "focal": "focal-loss",
    "triplet": "triplet-loss",
    "contrastive": "contrastive-loss",
    "dice": "dice-loss",
    "iou": "iou-giou-loss",
    "ctc": "ctc-loss",
    "poisson": "poisson-loss",
    "l1": "l1-vs-l2",
    "l2": "l1-vs-l2",
    "elastic net": "elastic-net",
    "reward hacking": "reward-hacking",
    "aic": "aic-bic",
    "bic": "aic-bic",
    "sgd": "batch-vs-minibatch-sgd",
    "p-value": "p-value",
    "mle": "maximum-likelihood",
    "bias variance": "bias-variance-tradeoff",
    "learning rate": "learning-rate",
    "cross-validation": "cross-validation",
    "precision recall": "precision-recall",
    "calibration": "calibration",
    "model serving": "model-serving",
}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_usual_names_find_their_card(bank, name):
    found = find_card(bank, name)
    assert not isinstance(found, Ambiguous), [c.id for c in found.candidates]
    assert found.id == NAMES[name]


SUBJECTS = {
    "difference between a loss function and a cost function": "loss-function",
    "why do raw errors cancel out": "error-cancellation",
    "validation loss goes up while training loss goes down": "training-vs-validation-loss",
    "my loss became nan during training": "debugging-loss-curves",
    "how do you choose a loss function": "choosing-a-loss",
    "minimizing the loss did not improve the business outcome": "loss-misalignment",
    "poisson loss for count data": "poisson-loss",
    "why use cross entropy instead of mse for classification": "why-cross-entropy",
    "why is cross entropy never negative": "cross-entropy-nonnegative",
    "is kl divergence a distance": "entropy-kl-divergence",
    "why do we use log probabilities": "log-probabilities",
    "sparse categorical cross entropy vs categorical": "categorical-vs-sparse-cross-entropy",
    "numerically stable binary cross entropy from logits": "bce-from-logits",
    "class imbalance weighted binary cross entropy": "weighted-bce",
    "gradient of weighted bce with respect to the logit": "weighted-bce-gradient",
    "mode collapse and blurry reconstructions": "reconstruction-vs-adversarial-loss",
    "kl term in a variational autoencoder": "vae-kl-term",
    "why does mse predict the average of two valid answers": "multimodal-targets",
    "potential based reward shaping optimal policy": "potential-based-shaping",
    "sparse rewards and the discount factor": "sparse-rewards-discounting",
    "why does l1 give exactly zero weights": "l1-sparsity",
    "how do you choose lambda for regularization": "choosing-lambda",
    "early stopping as regularization": "early-stopping",
    "why does bagging reduce variance but not bias": "bagging-variance",
    "what is a p-value not": "p-value",
    "generative vs discriminative models": "generative-vs-discriminative",
    "accuracy on an imbalanced dataset": "accuracy-imbalance",
    "batch vs real-time inference": "batch-vs-realtime-inference",
    "training serving skew": "training-serving-skew",
    "why does bic prefer smaller models": "bic-penalty-growth",
}


@pytest.mark.parametrize("question", sorted(SUBJECTS))
def test_subjects_are_findable_by_search(bank, question):
    top = [hit.card.id for hit in search(bank, question, limit=3)]
    assert SUBJECTS[question] in top, top


@pytest.mark.parametrize("track", ["ml-engineer", "data-scientist"])
def test_a_quiz_on_a_track_asks_only_its_topics(cli, track):
    from interview_prep.tracks import load_tracks

    tracks, _ = load_tracks([packaged_bank_dir()], load_bank([packaged_bank_dir()]).topics())
    result = cli("quiz", "--track", track, "-n", "3", "--seed", "4", input="\n3\n\n3\n\n3\n")
    assert result.exit_code == 0, result.stderr
    asked = re.findall(r"\d+/\d+\s+([a-z0-9-]+) · (?:core|advanced|deep)\s", result.stdout)
    assert len(asked) == 3, result.stdout
    assert set(asked) <= set(tracks[track].topics), asked


def test_quiz_mse_and_huber_asks_exactly_those_two(cli, isolated_env):
    from interview_prep.store import ReviewStore, progress_path

    result = cli("quiz", "mse", "huber", input="squared errors\n\n3\nquadratic then linear\n\n3\n")
    assert result.exit_code == 0, result.stderr
    assert re.findall(r"(\d+/\d+)\s+loss · ", result.stdout) == ["1/2", "2/2"]
    with ReviewStore(progress_path(isolated_env)) as store:
        assert [r.card_id for r in store.reviews()] == ["mse", "huber"]
