"""JSON routes of "I applied this" and its follow-up, over the same actions as the pages."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.evaluation.applied import actions, queries

router = Router(tags=["value creation"])


class AppliedIn(Schema):
    kind: str = Field(description="post, method, method_story, resource, format or "
                                  "live_question")
    target_id: int
    note: str = Field("", description="How you applied it (optional, 280 characters).")


class AppliedTarget(Schema):
    kind: str
    target_id: int


class FollowUpOut(Schema):
    difference: str
    what_changed: str
    for_whom: str
    figure_kind: str
    figure_value: Decimal | None
    figure_unit: str
    may_quote: bool
    answered_at: datetime


class AppliedOut(Schema):
    id: int
    kind: str
    target_id: int
    community: str
    title: str | None = Field(description="None once what was applied is gone.")
    url: str | None
    note: str
    created_at: datetime
    follow_up_due_at: datetime
    follow_up_sent_at: datetime | None
    follow_up: FollowUpOut | None


class FollowUpIn(Schema):
    difference: str = Field(description="yes, not_yet or no")
    what_changed: str = ""
    for_whom: str = ""
    figure_kind: str = Field("", description="time_saved, cost, people_reached or other")
    figure_value: str = Field("", description="A number, as text.")
    figure_unit: str = ""
    may_quote: bool = False


def _signed_in(request):
    if not policy.is_signed_in(request.user):
        raise NotAllowed("sign in first")
    return request.user


def _out(record, target=None) -> dict:
    follow_up = getattr(record, "follow_up", None) if _has_follow_up(record) else None
    return {"id": record.pk, "kind": record.kind, "target_id": record.target_id,
            "community": record.community.slug, "title": target.title if target else None,
            "url": target.url if target else None, "note": record.note,
            "created_at": record.created_at, "follow_up_due_at": record.follow_up_due_at,
            "follow_up_sent_at": record.follow_up_sent_at,
            "follow_up": follow_up and {
                name: getattr(follow_up, name) for name in FollowUpOut.model_fields}}


def _has_follow_up(record) -> bool:
    try:
        return record.follow_up is not None
    except AttributeError:
        return False


@router.get("/me/applied", response=list[AppliedOut], summary="What you applied")
def my_applied(request: HttpRequest):
    return [_out(record, record.target) for record in queries.records_of(_signed_in(request))]


@router.post("/me/applied", response={201: AppliedOut, 200: AppliedOut},
             summary="Say you applied something (again: change the note)")
def record_applied(request: HttpRequest, payload: AppliedIn):
    actor = _signed_in(request)
    existed = queries.record_of(actor, payload.kind, payload.target_id) is not None \
        if payload.kind in actions.targets.MODELS else False
    record = actions.do_record_applied(actor=actor, kind=payload.kind,
                                       target_id=payload.target_id, note=payload.note)
    target = actions.targets.describe_many([record]).get(record.pk)
    return Status(200 if existed else 201, _out(record, target))


@router.post("/me/applied/withdraw", response={204: None},
             summary="Take back that you applied something")
def withdraw_applied(request: HttpRequest, payload: AppliedTarget):
    actions.do_withdraw_applied(actor=_signed_in(request), kind=payload.kind,
                                target_id=payload.target_id)
    return Status(204, None)


@router.put("/me/applied/{record_id}/follow-up", response=AppliedOut,
            summary="Answer “did it make a difference?”")
def answer_follow_up(request: HttpRequest, record_id: int, payload: FollowUpIn):
    actor = _signed_in(request)
    actions.do_answer_follow_up(actor=actor, record_id=record_id, values=payload.dict())
    record = actions.own_record(actor, record_id)
    return _out(record, actions.targets.describe_many([record]).get(record.pk))
