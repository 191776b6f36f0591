"""Value creation's API: one router made of its sub-domains' routers."""

from ninja import Router

from cultivate.evaluation.applied.api import router as applied_router
from cultivate.evaluation.indicators.api import router as indicators_router
from cultivate.evaluation.reports.api import router as reports_router
from cultivate.evaluation.stories.api import router as stories_router

router = Router()
router.add_router("/", applied_router)
router.add_router("/", stories_router)
router.add_router("/", indicators_router)
router.add_router("/", reports_router)
