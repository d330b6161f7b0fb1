"""Review tasks made directly, for the tests that list, filter, order, show or guard tasks.

A `TaskFactory` task belongs to a case in review (`tests/cases/factories.CaseFactory`) and to a
`ProcessInstance` of the default single-item process whose engine state is a placeholder: the
workflow services cannot advance it (`complete_task` loads that state). Tests that complete
tasks or follow a process start it for real: `tests/workflow/worlds.py` (apply, accept).
"""

import uuid

import factory

from govserve.cases.models import CaseState
from govserve.workflow.models import ProcessInstance, Task, TaskRole, TaskState
from govserve.workflow.services import default_definition
from tests.cases.factories import CaseFactory

PLACEHOLDER_STATE = "{}"  # not a SpiffWorkflow serialisation: the engine cannot load it


class ProcessInstanceFactory(factory.django.DjangoModelFactory):
    """A running instance of the default single-item process for a case in review (placeholder
    engine state: see the module docstring)."""

    class Meta:
        model = ProcessInstance
        django_get_or_create = ("case",)

    case = factory.SubFactory(CaseFactory, state=CaseState.IN_REVIEW)
    definition = factory.LazyFunction(default_definition)
    state = PLACEHOLDER_STATE


class TaskFactory(factory.django.DjangoModelFactory):
    """An open review task (审查) of a case in review, as the process makes it: the department of
    the case's (first) item, the case's region, due date and green-channel flag, answers
    approve/deny/return. Pass `case=`, `department=`, `due=`, `state=`, `claimed_by=` … to vary."""

    class Meta:
        model = Task

    case = factory.SubFactory(CaseFactory, state=CaseState.IN_REVIEW)
    instance = factory.LazyAttribute(lambda o: ProcessInstanceFactory(case=o.case))
    spiff_task_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    spec_name = "review"
    label = "审查"
    role = TaskRole.REVIEWER
    outcomes = "approve,deny,return"
    case_item = factory.LazyAttribute(lambda o: o.case.case_items.order_by("pk").first())
    department = factory.LazyAttribute(
        lambda o: o.case_item.department if o.case_item else o.case.department
    )
    region = factory.LazyAttribute(lambda o: o.case.region)
    due = factory.LazyAttribute(lambda o: o.case.current_due or o.case.promised_due)
    green_channel = factory.LazyAttribute(lambda o: o.case.green_channel)
    state = TaskState.OPEN
