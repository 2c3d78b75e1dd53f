"""Pages: the person's plan, in their words: what matters to them, their strengths, their
goals (and how each stands), and the coordinator's next action."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.forms import Form
from api.web.guards import PageError, actor, api_for, form_of, viewer
from api.web.pages_person_common import answered, form_page, options, redo
from api.web.session import WebSession
from domain.codes import GoalStatus

router = APIRouter(include_in_schema=False)

Opener = Annotated[WebSession, Depends(viewer("casework.change"))]
Changer = Annotated[WebSession, Depends(actor("casework.change"))]
PEOPLE = "/app/people/{person_id}"
INVOLVEMENT = "/people/{person_id}/involvement"
KINDS = ("personal", "family", "community")


@router.get(f"{PEOPLE}/what-matters")
async def what_matters_page(request: Request, person_id: uuid.UUID, session: Opener) -> Response:
    return await _prefilled(request, session, person_id, "what_matters")


@router.post(f"{PEOPLE}/what-matters")
async def record_what_matters(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    answer = await api_for(request, session).put(
        INVOLVEMENT.format(person_id=person_id) + "/what-matters",
        form.body("what_matters"),
        key=form.get("idempotency_key"),
    )
    again = redo(request, session, person_id, *PAGES["what_matters"])
    plain = {"what_matters": "Write what matters to them"}
    return await answered(
        request, person_id, answer, form, again, confirm="What matters saved.", plain=plain
    )


@router.get(f"{PEOPLE}/strengths")
async def strengths_page(request: Request, person_id: uuid.UUID, session: Opener) -> Response:
    return await _prefilled(request, session, person_id, "strengths")


@router.post(f"{PEOPLE}/strengths")
async def record_strengths(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    answer = await api_for(request, session).put(
        INVOLVEMENT.format(person_id=person_id) + "/strengths",
        _strengths(form),
        key=form.get("idempotency_key"),
    )
    again = redo(request, session, person_id, *PAGES["strengths"])
    fields = {f"{kind}.{n}": kind for kind in KINDS for n in range(50)}  # one line, one item
    return await answered(
        request, person_id, answer, form, again, confirm="Strengths saved.", fields=fields
    )


def _strengths(form: Form) -> dict[str, list[str]]:
    """One strength a line, for each kind."""
    return {k: [s.strip() for s in form.get(k).splitlines() if s.strip()] for k in KINDS}


@router.get(f"{PEOPLE}/next-action")
async def next_action_page(request: Request, person_id: uuid.UUID, session: Opener) -> Response:
    return await _prefilled(request, session, person_id, "next_action")


@router.post(f"{PEOPLE}/next-action")
async def set_next_action(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    answer = await api_for(request, session).put(
        INVOLVEMENT.format(person_id=person_id) + "/next-action",
        form.body("action", "due_on"),
        key=form.get("idempotency_key"),
    )
    again = redo(request, session, person_id, *PAGES["next_action"])
    plain = {"action": "Enter the next action", "due_on": "Enter the date it is due by"}
    return await answered(
        request, person_id, answer, form, again, confirm="Next action saved.", plain=plain
    )


@router.get(f"{PEOPLE}/goals")
async def new_goal_page(request: Request, person_id: uuid.UUID, session: Opener) -> Response:
    return await form_page(request, session, person_id, "coordinator/goal_new.html.j2", title=NEW)


@router.post(f"{PEOPLE}/goals")
async def set_goal(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    answer = await api_for(request, session).post(
        INVOLVEMENT.format(person_id=person_id) + "/goals",
        form.body("text"),
        key=form.get("idempotency_key"),
    )
    again = redo(request, session, person_id, "coordinator/goal_new.html.j2", NEW)
    plain = {"text": "Write the goal"}
    return await answered(
        request, person_id, answer, form, again, confirm="Goal added.", plain=plain
    )


@router.get(f"{PEOPLE}/goals/{{goal_id}}")
async def goal_page(
    request: Request, person_id: uuid.UUID, goal_id: uuid.UUID, session: Opener
) -> Response:
    goal = await _goal(request, session, person_id, goal_id)
    return await form_page(
        request,
        session,
        person_id,
        "coordinator/goal.html.j2",
        title=UPDATE,
        values={"status": goal["status"]},
        goal=goal,
        statuses=options(GoalStatus),
    )


@router.post(f"{PEOPLE}/goals/{{goal_id}}")
async def change_goal(
    request: Request, person_id: uuid.UUID, goal_id: uuid.UUID, session: Changer
) -> Response:
    form = await form_of(request)
    goal = await _goal(request, session, person_id, goal_id)
    answer = await api_for(request, session).post(
        INVOLVEMENT.format(person_id=person_id) + f"/goals/{goal_id}/status",
        form.body("status"),
        key=form.get("idempotency_key"),
    )
    again = redo(
        request,
        session,
        person_id,
        "coordinator/goal.html.j2",
        UPDATE,
        goal=goal,
        statuses=options(GoalStatus),
    )
    plain = {"status": "Choose where the goal stands"}
    return await answered(
        request, person_id, answer, form, again, confirm="Goal updated.", plain=plain
    )


NEW, UPDATE = "Add a goal", "Update a goal"
PAGES: dict[str, tuple[str, str]] = {
    "what_matters": ("coordinator/what_matters.html.j2", "What matters to them"),
    "strengths": ("coordinator/strengths.html.j2", "Their strengths"),
    "next_action": ("coordinator/next_action.html.j2", "The next action"),
}


async def _prefilled(
    request: Request, session: WebSession, person_id: uuid.UUID, which: str
) -> Response:
    """The form, filled with what is recorded now."""
    api = api_for(request, session)
    answer = await api.get(f"/people/{person_id}/casework")
    involvement = (answer.body or {}).get("involvement") if answer.ok else None
    template, title = PAGES[which]
    values = _current(which, involvement or {})
    return await form_page(request, session, person_id, template, title=title, values=values)


def _current(which: str, involvement: dict[str, Any]) -> dict[str, str]:
    if which == "what_matters":
        return {"what_matters": involvement.get("what_matters") or ""}
    if which == "strengths":
        held = involvement.get("strengths") or {}
        return {k: "\n".join(held.get(k) or []) for k in KINDS}
    return {"action": involvement.get("next_action") or "", "due_on": _due(involvement)}


def _due(involvement: dict[str, Any]) -> str:
    return str(involvement.get("next_action_due") or "")


async def _goal(
    request: Request, session: WebSession, person_id: uuid.UUID, goal_id: uuid.UUID
) -> dict[str, Any]:
    answer = await api_for(request, session).get(f"/people/{person_id}/casework")
    goals = answer.body.get("goals", []) if answer.ok else []
    found: dict[str, Any] | None = next((g for g in goals if g["goal_id"] == str(goal_id)), None)
    if found is None:
        raise PageError(404, "We could not find that goal. Go back to the person's page.")
    return found
