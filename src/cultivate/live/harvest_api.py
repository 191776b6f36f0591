"""JSON routes of the harvest: download the backchannel, turn questions into topics."""

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from cultivate.live import harvest
from cultivate.live.harvest_views import export_response

router = Router(tags=["live"])


class ExportQuery(Schema):
    format: Literal["csv", "md"] = Field("csv", description="csv or md (Markdown).")


class HarvestIn(Schema):
    questions: list[int] = Field(default_factory=list,
                                 description="Ids of visible questions of this backchannel.")
    summary: str = Field("", description="Markdown appended to the event's notes.")


class HarvestedTopic(Schema):
    id: int
    title: str
    url: str


class HarvestOut(Schema):
    topics: list[HarvestedTopic]
    skipped: list[int] = Field(description="Questions harvested before: left as they are.")
    notes_added: bool = Field(description="False when there was no summary, or the same "
                                          "summary was in the notes already.")


def _topic(topic) -> dict:
    return {"id": topic.pk, "title": topic.title, "url": topic.get_absolute_url()}


@router.get("/events/{event_id}/live/export",
            summary="Download the backchannel as CSV or Markdown (the event's facilitators)",
            openapi_extra={"responses": {200: {"description": "The file", "content": {
                "text/csv": {}, "text/markdown": {}}}}})
def export(request: HttpRequest, event_id: int, params: Query[ExportQuery]):
    event = harvest.facilitated_event(request.user, event_id)
    return export_response(event, params.format)


@router.post("/events/{event_id}/live/harvest", response=HarvestOut,
             summary="Turn questions into Q&A topics and the summary into the event's notes")
def harvest_questions(request: HttpRequest, event_id: int, payload: HarvestIn):
    event = harvest.facilitated_event(request.user, event_id)
    result = harvest.do_harvest(actor=request.user, event=event,
                                question_ids=payload.questions, summary=payload.summary)
    return {"topics": [_topic(t) for t in result],
            "skipped": sorted(result.skipped),
            "notes_added": result.notes_added}
