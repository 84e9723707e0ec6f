"""The chat features, built once per assistant over one workspace. A feature owns one
kind of conversation; they call each other only through this bundle's members."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.admin import Admin
from bot.chat.followups import FollowUps
from bot.chat.hazard_proposals import HazardProposals
from bot.chat.hazard_reports import HazardReports
from bot.chat.questions import Questions
from bot.chat.reader import Reader
from bot.chat.reporting import Office
from bot.chat.task_reports import TaskReports
from bot.chat.todo import Todo
from bot.workspace import Workspace


@dataclass(frozen=True)
class Features:
    reader: Reader
    questions: Questions
    todo: Todo
    tasks: TaskReports
    hazards: HazardReports
    proposals: HazardProposals
    followups: FollowUps
    admin: Admin
    office: Office

    @classmethod
    def build(cls, ws: Workspace) -> Features:
        reader = Reader(ws)
        questions = Questions(ws)
        tasks = TaskReports(ws)
        hazards = HazardReports(ws)
        proposals = HazardProposals(ws, hazards)
        return cls(
            reader=reader,
            questions=questions,
            todo=Todo(ws),
            tasks=tasks,
            hazards=hazards,
            proposals=proposals,
            followups=FollowUps(ws, reader, questions, tasks, hazards, proposals),
            admin=Admin(ws),
            office=Office(ws),
        )
