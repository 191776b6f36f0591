"""The evaluation app's models live in its sub-domains; Django finds them here."""

from cultivate.evaluation.applied.models import (  # noqa: F401
    AppliedKind,
    AppliedRecord,
    Difference,
    FigureKind,
    FollowUp,
)
from cultivate.evaluation.indicators.models import (  # noqa: F401
    Aggregation,
    Indicator,
    IndicatorValue,
    TargetPeriod,
)
from cultivate.evaluation.stories.models import (  # noqa: F401
    Corroboration,
    Evidence,
    StoryStatus,
    StoryStep,
    StoryVisibility,
    ValueStory,
)
