"""Graph measures of one community's interaction network, vectorised with numpy.

networkx builds the graph and gives density and components; the measures that visit every
node many times (betweenness, the layout, people worth meeting) run here on arrays, because
the recomputation handles a hundred networks of a thousand people in a few seconds. The
betweenness equals networkx's `betweenness_centrality(G, normalized=True)` (unweighted), exactly
when every node is a source and as its `k`-sample estimate otherwise (tests compare them).
"""

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np

BUDGET = 1_500_000  # sources x half-edges: exact up to this, sampled sources above it
MIN_SAMPLES = 64
CELLS = 16_000_000  # sources x half-edges walked at once (memory: 8 bytes each)
HUB = 100  # ties through someone with more than this many say little about a pair
HUB_LARGE = 30  # the same in networks over DENSE_ROWS people (their pairs grow as degree²)
LARGE_HALF_EDGES = 200_000  # above this, betweenness may sample as few as FEW_SAMPLES
FEW_SAMPLES = 16
DENSE_ROWS = 3_000  # up to this many people, suggestions are scored on dense rows
PAIRS = 4_000_000  # candidate pairs sorted at once in larger networks


@dataclass
class Arrays:
    """A graph as arrays: node i is `nodes[i]`; `src -> dst` holds each edge both ways, sorted
    by `dst`; `starts[i]` is where node i's incoming half-edges begin (every node has one)."""

    nodes: list[int]
    src: np.ndarray
    dst: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, graph: nx.Graph) -> "Arrays":
        nodes = sorted(graph.nodes)
        index = {node: i for i, node in enumerate(nodes)}
        pairs = np.array([(index[u], index[v]) for u, v in graph.edges if u != v],
                         dtype=np.int64).reshape(-1, 2)
        return cls.from_pairs(nodes, pairs)

    @classmethod
    def from_pairs(cls, nodes: list[int], pairs: np.ndarray) -> "Arrays":
        """`pairs`: (i, j) node positions, each undirected tie once."""
        src = np.concatenate([pairs[:, 0], pairs[:, 1]])
        dst = np.concatenate([pairs[:, 1], pairs[:, 0]])
        order = np.lexsort((src, dst))
        src, dst = src[order], dst[order]
        return cls(nodes, src, dst, np.searchsorted(dst, np.arange(len(nodes))))

    @property
    def degree(self) -> np.ndarray:
        return np.diff(np.append(self.starts, len(self.dst)))


def sample_size(n: int, m: int) -> int | None:
    """None: exact (every node a source). Otherwise how many sources to sample so that the
    work stays near BUDGET: a network of 1,000 people and 5,000 ties samples 150."""
    if n * 2 * m <= BUDGET or n <= MIN_SAMPLES:
        return None
    floor = FEW_SAMPLES if 2 * m > LARGE_HALF_EDGES else MIN_SAMPLES
    return min(n, max(floor, BUDGET // (2 * m)))


def betweenness(arrays: Arrays, *, seed: int = 0) -> np.ndarray:
    """Normalised betweenness of every node (Brandes, many sources at once)."""
    n = len(arrays.nodes)
    if n < 3 or len(arrays.src) == 0:
        return np.zeros(n)
    k = sample_size(n, len(arrays.src) // 2)
    if k is None:
        sources, scale = np.arange(n), 1.0
    else:
        sources = np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False))
        scale = n / k
    total = np.zeros(n)
    batch = max(1, min(128, CELLS // len(arrays.src)))
    for first in range(0, len(sources), batch):
        total += _dependencies(arrays, sources[first:first + batch])
    return total * scale / ((n - 1) * (n - 2))


def _dependencies(arrays: Arrays, sources: np.ndarray) -> np.ndarray:
    """Sum over `sources` of each node's dependency (Brandes' delta), one BFS level at a time
    for all sources together. Arrays are node-major (n x sources) so that gathering along the
    half-edges and summing them per node read memory in order."""
    src, starts = arrays.src, arrays.starts
    b, n = len(sources), len(arrays.nodes)
    columns = np.arange(b)
    sigma = np.zeros((n, b))
    sigma[sources, columns] = 1.0
    dist = np.full((n, b), -1, dtype=np.int32)
    dist[sources, columns] = 0

    def gather(values: np.ndarray) -> np.ndarray:
        """For each node, the sum of `values` over its neighbours."""
        return np.add.reduceat(values[src], starts, axis=0)

    frontier, depth = sigma.copy(), 0
    while True:  # shortest-path counts, level by level
        reach = gather(frontier)
        new = (reach > 0) & (dist < 0)
        if not new.any():
            break
        depth += 1
        dist[new] = depth
        frontier = np.where(new, reach, 0.0)
        sigma += frontier
    delta = np.zeros((n, b))
    paths = np.where(sigma > 0, sigma, 1.0)
    for level in range(depth, 0, -1):  # dependencies, from the farthest level back
        share = np.where(dist == level, (1.0 + delta) / paths, 0.0)
        pulled = gather(share)
        delta += np.where(dist == level - 1, sigma * pulled, 0.0)
    delta[sources, columns] = 0.0
    return delta.sum(axis=1)


def components(arrays: Arrays) -> np.ndarray:
    """A component label per node (the smallest position in it), by spreading the smallest
    label along the ties until nothing changes (as many rounds as the widest component)."""
    labels = np.arange(len(arrays.nodes))
    if len(arrays.src) == 0:
        return labels
    while True:
        spread = np.minimum(labels, np.minimum.reduceat(labels[arrays.src], arrays.starts))
        spread = spread[spread]  # jump along chains of labels
        if (spread == labels).all():
            return labels
        labels = spread


def layout(arrays: Arrays, chosen: np.ndarray | None = None, *, seed: int = 0,
           iterations: int = 50) -> dict[int, tuple]:
    """Fruchterman-Reingold positions in [-1, 1] of the `chosen` node positions (all when
    None) with the ties among them, seeded so the same network gives the same picture
    (networkx's spring layout, in float32 and with fewer passes over the arrays)."""
    chosen = np.arange(len(arrays.nodes)) if chosen is None else np.sort(chosen)
    nodes = [arrays.nodes[i] for i in chosen.tolist()]
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    local = np.full(len(arrays.nodes), -1)
    local[chosen] = np.arange(n)
    both = (local[arrays.src] >= 0) & (local[arrays.dst] >= 0)
    adjacency = np.zeros((n, n), dtype=np.float32)
    adjacency[local[arrays.dst[both]], local[arrays.src[both]]] = 1.0
    pos = np.random.default_rng(seed).random((n, 2), dtype=np.float32)
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    k = np.float32(1.0 / math.sqrt(n))
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        distance = np.sqrt(dx * dx + dy * dy)
        np.maximum(distance, 0.01, out=distance)
        force = k * k / (distance * distance) - adjacency * (distance / k)
        shift_x, shift_y = (dx * force).sum(axis=1), (dy * force).sum(axis=1)
        length = np.sqrt(shift_x * shift_x + shift_y * shift_y)
        np.maximum(length, 0.01, out=length)
        step = temperature / length
        x += shift_x * step
        y += shift_y * step
        temperature -= cooling
    pos = np.stack([x - x.mean(), y - y.mean()], axis=1)
    pos /= max(float(np.abs(pos).max()), 1e-9)
    return {node: (round(float(pos[i, 0]), 4), round(float(pos[i, 1]), 4))
            for i, node in enumerate(nodes)}


def people_to_meet(arrays: Arrays, *, limit: int = 5) -> dict[int, list[int]]:
    """For each node, up to `limit` people not yet connected, ranked by Adamic-Adar (shared
    neighbours, each counting 1 / log of its degree, so a quiet shared person says more than
    the busiest one), then by id. People with more than HUB ties are not counted as shared.
    Rows are scored in blocks (a block of people x everyone), so memory stays bounded."""
    n = len(arrays.nodes)
    result: dict[int, list[int]] = {}
    if n < 3:
        return result
    degree = arrays.degree
    hub = HUB if n <= DENSE_ROWS else HUB_LARGE
    weight = np.where((degree >= 2) & (degree <= hub), 1.0 / np.log(np.maximum(degree, 2)), 0.0)
    if n <= DENSE_ROWS:
        rows_per_block = max(1, min(n, 4_000_000 // n))
        for first in range(0, n, rows_per_block):
            _meet_block(arrays, weight, first, min(n, first + rows_per_block), limit, result)
        return result
    # Larger networks: each person's candidate pairs, sorted in blocks of people.
    half_edges = np.where(weight[arrays.src] > 0, arrays.degree[arrays.src], 0)
    per_person = np.add.reduceat(half_edges, arrays.starts)
    bounds = np.searchsorted(np.cumsum(per_person), np.arange(PAIRS, per_person.sum() + PAIRS,
                                                                PAIRS), side="right")
    first = 0
    for last in [*bounds.tolist(), n]:
        last = max(min(last, n), first + 1)
        if first >= n:
            break
        _meet_pairs(arrays, weight, first, last, limit, result)
        first = last
    return result


def _meet_pairs(arrays: Arrays, weight: np.ndarray, first: int, last: int, limit: int,
                result: dict[int, list[int]]) -> None:
    n, degree, src, starts = len(arrays.nodes), arrays.degree, arrays.src, arrays.starts
    lo, hi = starts[first], starts[last] if last < n else len(src)
    u, v = arrays.dst[lo:hi], src[lo:hi]
    useful = weight[v] > 0
    u_far, v_far = u[useful], v[useful]
    times = degree[v_far]
    offset = np.arange(times.sum()) - np.repeat(np.cumsum(times) - times, times)
    w = src[np.repeat(starts[v_far], times) + offset]
    left = np.repeat(u_far, times)
    keep = left != w
    codes, inverse = np.unique(left[keep] * n + w[keep], return_inverse=True)
    score = np.bincount(inverse, weights=np.repeat(weight[v_far], times)[keep])
    linked = np.isin(codes, u * n + v)  # already connected
    codes, score = codes[~linked], score[~linked]
    left, right = codes // n, codes % n
    order = np.lexsort((right, -score, left))
    left, right = left[order], right[order]
    chosen = np.arange(len(left)) - np.searchsorted(left, left) < limit
    nodes = arrays.nodes
    for a, b in zip(left[chosen].tolist(), right[chosen].tolist(), strict=True):
        result.setdefault(nodes[a], []).append(nodes[b])


def _meet_block(arrays: Arrays, weight: np.ndarray, first: int, last: int, limit: int,
                result: dict[int, list[int]]) -> None:
    n, degree, src, starts = len(arrays.nodes), arrays.degree, arrays.src, arrays.starts
    # Half-edges into the block's people u, from their neighbours v (sorted by dst).
    lo, hi = starts[first], starts[last] if last < n else len(src)
    u, v = arrays.dst[lo:hi] - first, src[lo:hi]
    useful = weight[v] > 0
    u_far, v_far = u[useful], v[useful]
    times = degree[v_far]
    offset = np.arange(times.sum()) - np.repeat(np.cumsum(times) - times, times)
    w = src[np.repeat(starts[v_far], times) + offset]  # the neighbours of each v
    rows = np.repeat(u_far, times)
    scores = np.bincount(rows * n + w, weights=np.repeat(weight[v_far], times),
                         minlength=(last - first) * n).reshape(last - first, n)
    scores[u, v] = 0.0  # already connected
    scores[np.arange(last - first), np.arange(first, last)] = 0.0  # oneself
    k = min(limit, n - 1)
    cut = -np.partition(-scores, k - 1, axis=1)[:, k - 1]  # the k-th best score of each row
    cut = np.maximum(cut, 1e-12)
    row, col = np.nonzero(scores >= cut[:, None])  # the best k, and anyone tied with them
    order = np.lexsort((col, -scores[row, col], row))
    row, col = row[order], col[order]
    keep = np.arange(len(row)) - np.searchsorted(row, row) < limit
    nodes = arrays.nodes
    for a, b in zip(row[keep].tolist(), col[keep].tolist(), strict=True):
        result.setdefault(nodes[first + a], []).append(nodes[b])
