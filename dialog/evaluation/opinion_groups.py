"""Opinion groups from the vote matrix, after the published Polis method.

Votes are agree (+1) and disagree (-1) of participants on published contributions; a missing
vote is NaN. The steps (constants from Polis' reference implementation, see
`../shared/research/peers-wave2.md` §3):

1. Who is clustered: participants with at least min(7, statements) votes. Groups are only
   shown when at least 15 such people and 5 contributions take part; below that the analysis
   says which threshold was missed and shows nothing else.
2. PCA to two components on the vote matrix with missing votes imputed by the column mean and
   centred; each participant's projection is scaled by sqrt(statements / own votes), so people
   with few votes are not pulled into the centre. The sign of each component is fixed (largest
   loading positive), so the picture does not mirror between runs.
3. Base clusters: k-means with up to 100 centres on the clustered participants' projections,
   started from the first distinct points (deterministic). Groups: weighted k-means on the base
   centres for k in 2..min(5, 2 + bases // 12), the k with the best silhouette wins. A smoother
   keeps the previous k until another k has won four runs in a row, and group labels follow the
   previous run's centres, so "group A" stays group A between recomputations.
4. Per group, representative contributions (Polis' "repness": Laplace-smoothed agreement,
   one- and two-proportion z-tests at 90 %, at most 5, agreements first; unlike Polis, a
   "best agree" that failed the tests is not put first, so a statement everyone agrees with
   never looks like one group's mark); consensus over all
   participants (agreement > 50 % and significant, top 5 each way); group-informed consensus
   (the product over groups of (agrees + 1) / (votes + 2), shown only where every group tends to
   agree); the most divisive contributions: the largest gap between the groups' smoothed
   agreement, where every group voted on it at least 3 times. (Polis lists the lowest
   group-informed consensus as divisive, but that also lists what every group rejects.)

Everything here is pure computation on numpy arrays; storing results and deciding when to
recompute belong to the callers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

Floats = npt.NDArray[np.float64]

MIN_VOTES_TO_CLUSTER = 7
MIN_PARTICIPANTS = 15
MIN_STATEMENTS = 5
BASE_CLUSTERS = 100
MAX_GROUPS = 5
K_BUFFER = 4
Z_90 = 1.2816
REPRESENTATIVE_PER_GROUP = 5
TOP = 5
DIVISIVE_MIN_GROUP_VOTES = 3
DIVISIVE_MIN_GAP = 0.3
LABELS = "ABCDE"

TOO_FEW_PARTICIPANTS = "too_few_participants"
TOO_FEW_STATEMENTS = "too_few_statements"


@dataclass(frozen=True)
class VoteMatrix:
    """Votes as coordinates: participant and statement indexes into the two id tuples."""

    participants: tuple[int, ...]
    statements: tuple[int, ...]
    rows: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int64]
    values: npt.NDArray[np.int8]

    @property
    def votes(self) -> int:
        return int(self.values.size)

    def dense(self) -> Floats:
        grid = np.full((len(self.participants), len(self.statements)), np.nan)
        grid[self.rows, self.cols] = self.values
        return grid


def build_matrix(votes: Iterable[tuple[int, int, int]]) -> VoteMatrix:
    """(account id, comment id, +1 or -1) triples into a matrix; the last vote of a pair wins."""
    triples = np.array(list(votes), dtype=np.int64).reshape(-1, 3)
    return matrix_from_arrays(triples[:, 0], triples[:, 1], triples[:, 2])


def matrix_from_arrays(
    accounts: npt.NDArray[np.int64], comments: npt.NDArray[np.int64], values: npt.ArrayLike
) -> VoteMatrix:
    """The same from three parallel arrays (what a database cursor fills without tuples)."""
    values = np.asarray(values, dtype=np.int64)
    if np.any((values != 1) & (values != -1)):
        raise ValueError("a vote is +1 (agree) or -1 (disagree)")
    participants = np.unique(accounts)
    statements = np.unique(comments)
    rows = np.searchsorted(participants, accounts)
    cols = np.searchsorted(statements, comments)
    # Keep the last vote per (row, col): unique on the reversed order keeps the first hit.
    keys = rows * max(len(statements), 1) + cols
    _, last = np.unique(keys[::-1], return_index=True)
    keep = np.sort(len(keys) - 1 - last)
    return VoteMatrix(
        participants=tuple(int(p) for p in participants),
        statements=tuple(int(s) for s in statements),
        rows=rows[keep],
        cols=cols[keep],
        values=values[keep].astype(np.int8),
    )


@dataclass(frozen=True)
class KState:
    """What the next run needs to keep k and the group labels stable."""

    last_k: int
    last_k_count: int
    smoothed_k: int
    centres: tuple[tuple[float, float], ...]  # per label A, B, ... in the 2-D projection

    def to_json(self) -> dict[str, Any]:
        return {
            "last_k": self.last_k,
            "last_k_count": self.last_k_count,
            "smoothed_k": self.smoothed_k,
            "centres": [list(c) for c in self.centres],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KState:
        return cls(
            last_k=int(data["last_k"]),
            last_k_count=int(data["last_k_count"]),
            smoothed_k=int(data["smoothed_k"]),
            centres=tuple((float(x), float(y)) for x, y in data["centres"]),
        )


@dataclass(frozen=True)
class Representative:
    statement_id: int
    direction: str  # "agree" or "disagree"
    group_percent: float  # share of the group's votes in that direction
    others_percent: float  # the same among the other groups
    group_votes: int


@dataclass(frozen=True)
class Group:
    label: str
    members: tuple[int, ...]
    size: int
    share: float  # of the clustered participants
    representative: tuple[Representative, ...]


@dataclass(frozen=True)
class StatementStat:
    statement_id: int
    agree: int
    disagree: int
    seen: int
    percent_agree: float


@dataclass(frozen=True)
class Bridging:
    statement_id: int
    gac: float
    per_group_percent_agree: tuple[float, ...]


@dataclass(frozen=True)
class Analysis:
    shown: bool
    reason: str | None
    participants: int
    clustered: int
    statements: int
    min_participants: int
    min_statements: int
    groups: tuple[Group, ...] = ()
    consensus_agree: tuple[StatementStat, ...] = ()
    consensus_disagree: tuple[StatementStat, ...] = ()
    bridging: tuple[Bridging, ...] = ()
    divisive: tuple[Bridging, ...] = ()
    silhouette: float | None = None
    state: KState | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "shown": self.shown,
            "reason": self.reason,
            "participants": self.participants,
            "clustered": self.clustered,
            "statements": self.statements,
            "min_participants": self.min_participants,
            "min_statements": self.min_statements,
            "groups": [
                {
                    "label": g.label,
                    "members": list(g.members),
                    "size": g.size,
                    "share": g.share,
                    "representative": [vars(r) for r in g.representative],
                }
                for g in self.groups
            ],
            "consensus_agree": [vars(s) for s in self.consensus_agree],
            "consensus_disagree": [vars(s) for s in self.consensus_disagree],
            "bridging": [_bridging_json(b) for b in self.bridging],
            "divisive": [_bridging_json(b) for b in self.divisive],
            "silhouette": self.silhouette,
            "state": self.state.to_json() if self.state else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Analysis:
        return cls(
            shown=bool(data["shown"]),
            reason=data["reason"],
            participants=int(data["participants"]),
            clustered=int(data["clustered"]),
            statements=int(data["statements"]),
            min_participants=int(data["min_participants"]),
            min_statements=int(data["min_statements"]),
            groups=tuple(
                Group(
                    label=g["label"],
                    members=tuple(g["members"]),
                    size=int(g["size"]),
                    share=float(g["share"]),
                    representative=tuple(Representative(**r) for r in g["representative"]),
                )
                for g in data["groups"]
            ),
            consensus_agree=tuple(StatementStat(**s) for s in data["consensus_agree"]),
            consensus_disagree=tuple(StatementStat(**s) for s in data["consensus_disagree"]),
            bridging=tuple(_bridging_from(b) for b in data["bridging"]),
            divisive=tuple(_bridging_from(b) for b in data["divisive"]),
            silhouette=data["silhouette"],
            state=KState.from_json(data["state"]) if data["state"] else None,
        )


def _bridging_json(b: Bridging) -> dict[str, Any]:
    return {
        "statement_id": b.statement_id,
        "gac": b.gac,
        "per_group_percent_agree": list(b.per_group_percent_agree),
    }


def _bridging_from(data: dict[str, Any]) -> Bridging:
    return Bridging(
        statement_id=int(data["statement_id"]),
        gac=float(data["gac"]),
        per_group_percent_agree=tuple(float(p) for p in data["per_group_percent_agree"]),
    )


def compute(matrix: VoteMatrix, previous: KState | None = None) -> Analysis:
    """The whole analysis of one thread's votes; `previous` is the last run's state."""
    grid = matrix.dense()
    voted = ~np.isnan(grid)
    counts = voted.sum(axis=1)
    n_statements = len(matrix.statements)
    clustered_mask = counts >= min(MIN_VOTES_TO_CLUSTER, max(n_statements, 1))
    clustered = int(clustered_mask.sum())
    hidden = Analysis(
        shown=False,
        reason=None,
        participants=len(matrix.participants),
        clustered=clustered,
        statements=n_statements,
        min_participants=MIN_PARTICIPANTS,
        min_statements=MIN_STATEMENTS,
    )
    if n_statements < MIN_STATEMENTS:
        return replace(hidden, reason=TOO_FEW_STATEMENTS)
    if clustered < MIN_PARTICIPANTS:
        return replace(hidden, reason=TOO_FEW_PARTICIPANTS)

    points = _project(grid, voted, counts)[clustered_mask]
    base_centres, base_labels, base_sizes = _base_clusters(points)
    labels_by_k, centres_by_k, scores = _group_candidates(base_centres, base_sizes)
    best_k = max(scores, key=lambda k: (scores[k], -k))
    k, state_counts = _smooth_k(best_k, previous, max(scores))
    group_of_base = labels_by_k[k]
    centres = centres_by_k[k]
    order = _label_order(centres, group_of_base, base_sizes, previous)
    group_of_base = np.argsort(order)[group_of_base]
    centres = centres[order]

    member_group = group_of_base[base_labels]  # per clustered participant
    ids = np.array(matrix.participants)[clustered_mask]
    agree = (grid == 1).astype(np.float64)
    disagree = (grid == -1).astype(np.float64)
    membership = np.zeros((k, len(matrix.participants)))
    membership[member_group, np.flatnonzero(clustered_mask)] = 1.0
    na, nd = membership @ agree, membership @ disagree  # k × statements
    statement_ids = np.array(matrix.statements)
    groups = tuple(
        Group(
            label=LABELS[g],
            members=tuple(int(i) for i in np.sort(ids[member_group == g])),
            size=int((member_group == g).sum()),
            share=round(float((member_group == g).sum()) / clustered, 4),
            representative=_representative(na, nd, g, statement_ids),
        )
        for g in range(k)
    )
    all_agree, all_disagree = agree.sum(axis=0), disagree.sum(axis=0)
    state = KState(
        last_k=best_k,
        last_k_count=state_counts,
        smoothed_k=k,
        centres=tuple((float(x), float(y)) for x, y in centres),
    )
    return replace(
        hidden,
        shown=True,
        groups=groups,
        consensus_agree=_consensus(all_agree, all_disagree, statement_ids),
        consensus_disagree=_consensus(all_disagree, all_agree, statement_ids, agree_side=False),
        bridging=_bridging(na, nd, statement_ids),
        divisive=_divisive(na, nd, statement_ids),
        silhouette=round(scores[k], 4),
        state=state,
    )


def _project(grid: Floats, voted: npt.NDArray[np.bool_], counts: npt.NDArray[np.int64]) -> Floats:
    """Sparsity-aware PCA projection of every participant to two dimensions."""
    column_mean = np.nanmean(grid, axis=0)
    centred = np.where(voted, grid - column_mean, 0.0)  # imputed with the mean, then centred
    pca = PCA(n_components=2, svd_solver="full" if min(grid.shape) <= 500 else "randomized")
    if pca.svd_solver == "randomized":
        pca.set_params(random_state=0)
    pca.fit(centred)
    components = pca.components_
    signs = np.sign(components[np.arange(2), np.abs(components).argmax(axis=1)])
    components = components * signs[:, None]
    projected = centred @ components.T
    scale = np.sqrt(grid.shape[1] / np.maximum(counts, 1))
    result: Floats = projected * scale[:, None]
    return result


def _base_clusters(points: Floats) -> tuple[Floats, npt.NDArray[np.int64], Floats]:
    """Up to 100 base clusters, started from the first distinct points in data order."""
    _, first = np.unique(points.round(9), axis=0, return_index=True)
    distinct = points[np.sort(first)]
    k = min(BASE_CLUSTERS, len(distinct))
    if k == len(points):
        labels = np.arange(len(points))
        return points.copy(), labels, np.ones(len(points))
    model = KMeans(n_clusters=k, init=distinct[:k], n_init=1, max_iter=100).fit(points)
    labels = model.labels_.astype(np.int64)
    sizes = np.bincount(labels, minlength=k).astype(np.float64)
    used = sizes > 0
    remap = np.cumsum(used) - 1
    centres: Floats = model.cluster_centers_[used]
    return centres, remap[labels], sizes[used]


def _group_candidates(
    centres: Floats, sizes: Floats
) -> tuple[dict[int, npt.NDArray[np.int64]], dict[int, Floats], dict[int, float]]:
    """Weighted k-means on the base centres for every allowed k, with its silhouette."""
    max_k = min(MAX_GROUPS, 2 + len(centres) // 12, len(centres) - 1)
    labels_by_k: dict[int, npt.NDArray[np.int64]] = {}
    centres_by_k: dict[int, Floats] = {}
    scores: dict[int, float] = {}
    for k in range(2, max(max_k, 2) + 1):
        model = KMeans(n_clusters=k, n_init=10, random_state=0, max_iter=20)
        model.fit(centres, sample_weight=sizes)
        labels = model.labels_.astype(np.int64)
        distinct = len(set(labels.tolist()))
        labels_by_k[k] = labels
        centres_by_k[k] = model.cluster_centers_
        scores[k] = (
            float(silhouette_score(centres, labels)) if 2 <= distinct < len(centres) else -1.0
        )
    return labels_by_k, centres_by_k, scores


def _smooth_k(best_k: int, previous: KState | None, max_k: int) -> tuple[int, int]:
    """Keep the previous k until another one has won K_BUFFER runs in a row."""
    if previous is None:
        return best_k, 1
    count = previous.last_k_count + 1 if best_k == previous.last_k else 1
    k = best_k if count >= K_BUFFER else min(previous.smoothed_k, max_k)
    return max(k, 2), count


def _label_order(
    centres: Floats, group_of_base: npt.NDArray[np.int64], sizes: Floats, previous: KState | None
) -> npt.NDArray[np.int64]:
    """Which new group becomes A, B, ...: nearest to last run's centres, else largest first."""
    weight = np.bincount(group_of_base, weights=sizes, minlength=len(centres))
    by_size = np.lexsort((centres[:, 0], -weight))
    if previous is None or not previous.centres:
        return by_size.astype(np.int64)
    old = np.array(previous.centres)
    cost = np.linalg.norm(centres[:, None, :] - old[None, :, :], axis=2)
    new_idx, old_idx = linear_sum_assignment(cost)
    order: list[int] = [-1] * len(centres)
    for n, o in sorted(zip(new_idx.tolist(), old_idx.tolist(), strict=True), key=lambda p: p[1]):
        if o < len(centres):
            order[o] = n
    rest = [int(i) for i in by_size if int(i) not in order]
    filled = [slot if slot >= 0 else rest.pop(0) for slot in order]
    return np.array(filled, dtype=np.int64)


def _proportion_test(success: Floats, seen: Floats) -> Floats:
    result: Floats = 2 * np.sqrt(seen + 1) * ((success + 1) / (seen + 1) - 0.5)
    return result


def _two_proportion_test(s1: Floats, n1: Floats, s2: Floats, n2: Floats) -> Floats:
    p1, p2 = (s1 + 1) / (n1 + 1), (s2 + 1) / (n2 + 1)
    pooled = (s1 + s2 + 2) / (n1 + n2 + 2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / (n1 + 1) + 1 / (n2 + 1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(pooled >= 1, 0.0, (p1 - p2) / spread)
    result: Floats = np.nan_to_num(z)
    return result


def _representative(
    na_all: Floats, nd_all: Floats, g: int, statement_ids: npt.NDArray[np.int64]
) -> tuple[Representative, ...]:
    """Polis' repness for group g against the members of all other groups."""
    na, nd = na_all[g], nd_all[g]
    na_r, nd_r = na_all.sum(axis=0) - na, nd_all.sum(axis=0) - nd
    ns, ns_r = na + nd, na_r + nd_r
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    pat, pdt = _proportion_test(na, ns), _proportion_test(nd, ns)
    ra, rd = pa / ((na_r + 1) / (ns_r + 2)), pd / ((nd_r + 1) / (ns_r + 2))
    rat, rdt = _two_proportion_test(na, ns, na_r, ns_r), _two_proportion_test(nd, ns, nd_r, ns_r)
    agrees = rat > rdt
    metric = np.where(agrees, ra * rat * pa * pat, rd * rdt * pd * pdt)
    passed = ((rat > Z_90) & (pat > Z_90)) | ((rdt > Z_90) & (pdt > Z_90))
    seen = ns > 0
    loose = seen & (ra > 1) & ((pat > Z_90) | (pa > 0.5))
    agree_metric = np.where(loose, ra * rat * pa * pat, -np.inf)
    best_agree = int(np.argmax(agree_metric)) if np.isfinite(agree_metric.max()) else None

    if passed.any():
        # Polis puts its "best agree" first even when it failed the test; that can make a
        # statement everyone agrees with look like the mark of one group, so here only
        # statements that passed are listed, agreements first, each side by the metric.
        chosen = [int(i) for i in np.argsort(-np.where(passed, metric, -np.inf)) if passed[i]]
        chosen = chosen[:REPRESENTATIVE_PER_GROUP]
    elif best_agree is not None:
        chosen = [best_agree]
        agrees = agrees.copy()
        agrees[best_agree] = True
    elif seen.any():
        chosen = [int(np.argmax(np.where(seen, np.maximum(rat, rdt), -np.inf)))]
    else:
        chosen = []
    chosen.sort(key=lambda i: not agrees[i])  # agreements first, stable

    def describe(i: int) -> Representative:
        direction = "agree" if agrees[i] else "disagree"
        mine, theirs = (na, na_r) if direction == "agree" else (nd, nd_r)
        return Representative(
            statement_id=int(statement_ids[i]),
            direction=direction,
            group_percent=_percent(mine[i], ns[i]),
            others_percent=_percent(theirs[i], ns_r[i]),
            group_votes=int(ns[i]),
        )

    return tuple(describe(i) for i in chosen)


def _consensus(
    side: Floats, other: Floats, statement_ids: npt.NDArray[np.int64], agree_side: bool = True
) -> tuple[StatementStat, ...]:
    """Statements most of everyone voted one way on, significantly (top 5)."""
    seen = side + other
    p = (side + 1) / (seen + 2)
    test = _proportion_test(side, seen)
    hits = np.flatnonzero((p > 0.5) & (test > Z_90))
    ranked = hits[np.argsort(-(p * test)[hits], kind="stable")][:TOP]
    agree, disagree = (side, other) if agree_side else (other, side)
    return tuple(
        StatementStat(
            statement_id=int(statement_ids[i]),
            agree=int(agree[i]),
            disagree=int(disagree[i]),
            seen=int(seen[i]),
            percent_agree=_percent(agree[i], seen[i]),
        )
        for i in ranked
    )


def _group_agreement(na: Floats, nd: Floats) -> Floats:
    result: Floats = (na + 1) / (na + nd + 2)
    return result


def _bridging(na: Floats, nd: Floats, statement_ids: npt.NDArray[np.int64]) -> tuple[Bridging, ...]:
    """Group-informed consensus: high only where every group tends to agree."""
    rates = _group_agreement(na, nd)
    gac = rates.prod(axis=0)
    hits = np.flatnonzero((rates > 0.5).all(axis=0))
    ranked = hits[np.argsort(-gac[hits], kind="stable")][:TOP]
    return tuple(_bridging_row(i, gac, na, nd, statement_ids) for i in ranked)


def _divisive(na: Floats, nd: Floats, statement_ids: npt.NDArray[np.int64]) -> tuple[Bridging, ...]:
    """The widest gaps between groups' agreement, where every group voted enough."""
    rates = _group_agreement(na, nd)
    gap = rates.max(axis=0) - rates.min(axis=0)
    enough = ((na + nd) >= DIVISIVE_MIN_GROUP_VOTES).all(axis=0) & (gap >= DIVISIVE_MIN_GAP)
    hits = np.flatnonzero(enough)
    ranked = hits[np.argsort(-gap[hits], kind="stable")][:TOP]
    return tuple(_bridging_row(i, rates.prod(axis=0), na, nd, statement_ids) for i in ranked)


def _bridging_row(
    i: int, gac: Floats, na: Floats, nd: Floats, statement_ids: npt.NDArray[np.int64]
) -> Bridging:
    return Bridging(
        statement_id=int(statement_ids[i]),
        gac=round(float(gac[i]), 4),
        per_group_percent_agree=tuple(
            _percent(na[g, i], na[g, i] + nd[g, i]) for g in range(na.shape[0])
        ),
    )


def _percent(part: float, whole: float) -> float:
    return round(100.0 * float(part) / float(whole), 1) if whole else 0.0
