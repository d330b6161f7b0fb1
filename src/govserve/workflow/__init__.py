"""Approval processes (审批流程): versioned BPMN 2.0 definitions executed by SpiffWorkflow, one
process instance per case, and the review inbox (待办任务).

Listens to the cases app's signals (sent on commit): `case_accepted` starts the case's process,
`case_withdrawn` cancels it, `case_closed` finishes it when the case was closed outside the
process. A saved case whose due date or green-channel flag changed refreshes its open tasks
(Django's post_save on Case). Sends no signals: a decision taken through the process is a
call to `cases.services.decide`, which announces it.

Authoring a process is reserved to catalog administrators. A process is data: no scripts,
conditions in a restricted expression language (expressions.py), platform actions named in
service tasks from the registry `actions.ACTIONS` (docs/processes.md).
"""
