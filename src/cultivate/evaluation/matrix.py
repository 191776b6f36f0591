"""The value-creation matrix of one community for a period: cycles as rows, the indicators of
each cycle beside the story steps that reached it, and each story as a line across the cycles."""

from dataclasses import dataclass, field

from cultivate.evaluation.cycles import CYCLES, KEYS, Cycle
from cultivate.evaluation.indicators.queries import IndicatorRow, indicator_rows
from cultivate.evaluation.periods import Period
from cultivate.evaluation.stories.queries import strongest_stories

MATRIX_STORIES = 12


@dataclass
class MatrixRow:
    cycle: Cycle
    indicators: list[IndicatorRow] = field(default_factory=list)
    steps: list[tuple] = field(default_factory=list)  # (story, step)


@dataclass
class StoryLine:
    story: object
    points: list[tuple[int, bool]]  # (cycle position, aspirational)

    @property
    def first(self) -> int:
        return self.points[0][0]

    @property
    def last_real(self) -> int | None:
        real = [p for p, aspirational in self.points if not aspirational]
        return real[-1] if real else None


@dataclass
class Matrix:
    period: Period
    rows: list[MatrixRow]
    lines: list[StoryLine]

    @property
    def is_empty(self) -> bool:
        return not self.lines and not any(r.value is not None for row in self.rows
                                          for r in row.indicators)


def build(user, community, period: Period) -> Matrix:
    rows = {cycle.key: MatrixRow(cycle) for cycle in CYCLES}
    for indicator_row in indicator_rows(community, period):
        rows[indicator_row.indicator.cycle].indicators.append(indicator_row)
    lines = []
    for story in strongest_stories(user, [community], period, limit=MATRIX_STORIES):
        points = []
        for step in story.steps.all():
            rows[step.cycle].steps.append((story, step))
            points.append((KEYS.index(step.cycle), step.aspirational))
        if points:
            lines.append(StoryLine(story, points))
    return Matrix(period, [rows[key] for key in KEYS], lines)
