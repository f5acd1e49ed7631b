"""Opinion groups on synthetic vote matrices with planted camps (no database needed)."""

from __future__ import annotations

import numpy as np
import pytest

from dialog.evaluation.opinion_groups import (
    MIN_PARTICIPANTS,
    TOO_FEW_PARTICIPANTS,
    TOO_FEW_STATEMENTS,
    Analysis,
    VoteMatrix,
    build_matrix,
    compute,
)

CONSENSUS = 1000  # everyone agrees
DIVISIVE = 1001  # camp A agrees, camp B disagrees
REJECTED = 1002  # everyone disagrees: consensus against, not divisive
CAMP_A_ONLY = list(range(1100, 1110))  # camp A agrees, camp B disagrees (what separates them)


def planted(per_camp: int = 40, seed: int = 7, noise: float = 0.05) -> VoteMatrix:
    """Two camps voting on ten separating statements plus three planted ones; every person
    skips a few statements, and a small share of votes is flipped as noise."""
    rng = np.random.default_rng(seed)
    votes: list[tuple[int, int, int]] = []
    for person in range(2 * per_camp):
        camp_a = person < per_camp
        wanted = {CONSENSUS: 1, DIVISIVE: 1 if camp_a else -1, REJECTED: -1}
        wanted |= {s: 1 if camp_a else -1 for s in CAMP_A_ONLY}
        for statement, value in wanted.items():
            if rng.random() < 0.15 and statement not in (CONSENSUS, DIVISIVE, REJECTED):
                continue  # not everyone votes on everything
            if rng.random() < noise:
                value = -value
            votes.append((10_000 + person, statement, value))
    return build_matrix(votes)


def camp_of(analysis: Analysis, per_camp: int = 40) -> list[set[bool]]:
    return [{member - 10_000 < per_camp for member in g.members} for g in analysis.groups]


def test_two_planted_camps_are_found_as_two_groups() -> None:
    analysis = compute(planted())
    assert analysis.shown and analysis.reason is None
    assert len(analysis.groups) == 2
    assert sorted(g.size for g in analysis.groups) == [40, 40]
    assert all(len(camps) == 1 for camps in camp_of(analysis))  # no group mixes the camps
    assert analysis.silhouette is not None and analysis.silhouette > 0.5
    assert [g.label for g in analysis.groups] == ["A", "B"]


def test_the_planted_consensus_is_consensus_and_the_divisive_one_divisive() -> None:
    analysis = compute(planted())
    agreed = [s.statement_id for s in analysis.consensus_agree]
    rejected = [s.statement_id for s in analysis.consensus_disagree]
    bridging = [b.statement_id for b in analysis.bridging]
    divisive = [b.statement_id for b in analysis.divisive]
    assert agreed[0] == CONSENSUS
    assert REJECTED in rejected
    assert bridging[0] == CONSENSUS  # every group agrees
    assert DIVISIVE in divisive
    assert CONSENSUS not in divisive and REJECTED not in divisive
    assert DIVISIVE not in agreed and DIVISIVE not in bridging
    consensus = analysis.bridging[0]
    assert all(p > 80 for p in consensus.per_group_percent_agree)


def test_each_group_is_represented_by_what_sets_it_apart() -> None:
    analysis = compute(planted())
    for group in analysis.groups:
        assert 1 <= len(group.representative) <= 5
        top = group.representative[0]
        assert top.statement_id in [DIVISIVE, *CAMP_A_ONLY]
        assert top.group_percent > 80 and top.others_percent < 20
        assert group.representative == tuple(
            sorted(group.representative, key=lambda r: r.direction != "agree")
        )


def test_below_the_thresholds_nothing_is_shown() -> None:
    few_people = compute(planted(per_camp=(MIN_PARTICIPANTS - 1) // 2))
    assert not few_people.shown and few_people.reason == TOO_FEW_PARTICIPANTS
    assert few_people.groups == () and few_people.consensus_agree == ()
    few_statements = compute(build_matrix([(p, s, 1) for p in range(40) for s in range(4)]))
    assert not few_statements.shown and few_statements.reason == TOO_FEW_STATEMENTS
    assert few_statements.divisive == () and few_statements.bridging == ()


def test_people_with_few_votes_are_counted_but_not_clustered() -> None:
    matrix = planted()
    lurkers = [(20_000 + p, CONSENSUS, 1) for p in range(5)]
    triples = list(
        zip(
            (matrix.participants[r] for r in matrix.rows),
            (matrix.statements[c] for c in matrix.cols),
            matrix.values.tolist(),
            strict=True,
        )
    )
    analysis = compute(build_matrix(triples + lurkers))
    assert analysis.participants == 85 and analysis.clustered == 80
    members = {m for g in analysis.groups for m in g.members}
    assert not members & {20_000 + p for p in range(5)}


def test_labels_and_k_stay_stable_between_recomputations() -> None:
    first = compute(planted(seed=1))
    second = compute(planted(seed=2), previous=first.state)
    assert first.state is not None and second.state is not None
    for a, b in zip(first.groups, second.groups, strict=True):
        assert a.label == b.label
        assert len(set(a.members) & set(b.members)) > 0.9 * a.size
    assert second.state.smoothed_k == 2


def test_a_new_k_needs_four_runs_in_a_row() -> None:
    three_camps = _three_camps()
    state = compute(planted()).state
    ks = []
    for _ in range(4):
        analysis = compute(three_camps, previous=state)
        state = analysis.state
        ks.append(len(analysis.groups))
    assert ks == [2, 2, 2, 3]


def test_the_analysis_survives_json() -> None:
    analysis = compute(planted())
    assert Analysis.from_json(analysis.to_json()) == analysis
    hidden = compute(planted(per_camp=3))
    assert Analysis.from_json(hidden.to_json()) == hidden


def test_a_vote_is_agree_or_disagree_and_the_last_one_counts() -> None:
    with pytest.raises(ValueError):
        build_matrix([(1, 2, 0)])
    matrix = build_matrix([(1, 2, 1), (1, 2, -1)])
    assert matrix.values.tolist() == [-1]


def _three_camps() -> VoteMatrix:
    rng = np.random.default_rng(3)
    votes = []
    for person in range(90):
        camp = person // 30
        for s in range(12):
            value = 1 if (s % 3 == camp) else -1
            if rng.random() < 0.05:
                value = -value
            votes.append((10_000 + person, 2000 + s, value))
    return build_matrix(votes)
