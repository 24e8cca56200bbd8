"""Texts the console's scripts show, translated on the server and handed to the page as JSON."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from apps.executions.models import ExecutionStatus

COMMON = {
    "loading": _("Loading…"),
    "network_error": _("The server could not be reached."),
    "remove": _("Remove"),
    "one_per_line": _("One per line"),
    "add_item": _("Add {name}"),
    "remove_item": _("Remove {name} {n}"),
    "invalid_json_field": _("Not valid JSON; not applied:"),
    "order_saved": _("New order saved."),
    "order_not_saved": _("The new order was not saved."),
    "no_stages": _("No stages yet."),
    "select_stage": _("Select a stage to see its details."),
    "problems": _("Problems"),
    "not_found": _("Not found."),
}

EDITOR = {
    "add_after": _("Add a stage after “{name}”"),
    "add_parallel": _("Add a stage in parallel with “{name}”"),
    "unnamed_stage": _("(unnamed stage)"),
    "not_runnable": _("cannot run here yet"),
    "stage_added": _("Stage “{name}” added; save to keep it."),
    "stage_removed": _("Stage “{name}” removed; save to keep the change."),
    "stage_settings": _("Stage settings"),
    "unknown_stage_type": _("Unknown stage type: it is kept as it is; edit it in the JSON tab."),
    "edit_unknown_in_json": _("This stage type has no form; edit it in the JSON tab."),
    "stage_name": _("Stage name"),
    "depends_on": _("Depends on"),
    "no_other_stages": _("No other stages: this one starts first."),
    "stage_configuration": _("Stage configuration"),
    "execution_options": _("Execution options"),
    "if_stage_fails": _("If the stage fails"),
    "fail_halt_pipeline": _("halt the entire pipeline"),
    "fail_halt_branch": _("halt this branch of the pipeline"),
    "fail_branch_then_fail": _(
        "halt this branch and fail the pipeline once other branches complete"
    ),
    "fail_ignore": _("ignore the failure"),
    "conditional": _("Run this stage only when an expression is true"),
    "expression": _("Expression"),
    "expression_help": _(
        "Without ${ }, e.g. parameters.env == 'prod'. The stage is skipped when false."
    ),
    "timeout": _("Fail the stage if it runs longer than a timeout"),
    "timeout_minutes": _("Timeout (minutes)"),
    "execution_window": _("Run only inside an execution window"),
    "add_time_range": _("Add time range"),
    "from": _("From"),
    "to": _("to"),
    "days": _("Days"),
    "days_help": _("No day ticked means every day. Times are in the team's time zone."),
    "day_1": _("Sun"),
    "day_2": _("Mon"),
    "day_3": _("Tue"),
    "day_4": _("Wed"),
    "day_5": _("Thu"),
    "day_6": _("Fri"),
    "day_7": _("Sat"),
    "notifications": _("Notifications"),
    "notification": _("notification"),
    "send_notifications": _("Send notifications for this stage"),
    "advanced": _("Advanced"),
    "comments": _("Comments"),
    "remove_stage": _("Remove this stage"),
    "configuration": _("Configuration"),
    "expected_artifacts": _("Expected artifacts"),
    "artifact": _("artifact"),
    "triggers": _("Automatic triggers"),
    "trigger_type": _("Trigger type"),
    "add_trigger": _("Add trigger"),
    "remove_trigger": _("Remove trigger"),
    "trigger_not_fired": _("kept, but never fired on this platform"),
    "parameters": _("Parameters"),
    "parameter": _("parameter"),
    "line_column": _("line {line}, column {column}"),
    "show_in_json": _("Show in JSON"),
    "json_syntax": _("JSON syntax error: {message}"),
    "json_not_applied": _("The JSON has a syntax error; nothing was applied."),
    "json_not_object": _("A pipeline must be a JSON object."),
    "json_applied": _("JSON applied; save to keep it."),
    "checking": _("Checking…"),
    "valid": _("No problems found."),
    "valid_with_warnings": _("No errors; {n} warning(s)."),
    "invalid": _("{n} problem(s) found."),
    "saving": _("Saving…"),
    "saved": _("Saved as revision {n}."),
    "nothing_changed": _("Nothing changed; no new revision."),
    "not_saved": _("Not saved."),
    "not_saved_invalid": _("Not saved: {n} problem(s) in the configuration."),
    "conflict_title": _("Not saved: someone else saved this pipeline after you opened it."),
    "conflict_text": _(
        "{who} saved revision {n}. Your changes are still here; saving them would overwrite theirs."
    ),
    "conflict_diff": _("See what changed since you opened it"),
    "conflict_reload": _("Reload (discards your changes)"),
    "revision_n": _("revision {n}"),
    "copy_at_start": _("(nothing: start in parallel)"),
    "stages_to_copy": _("Stages to copy"),
    "tick_stages": _("Pick a pipeline and tick at least one stage."),
    "stages_copied": _("{n} stage(s) copied; saved as revision {rev}."),
    "catalog_failed": _("The stage catalogue could not be loaded; reload the page."),
}

EXECUTION = {
    "action_accepted": _("Done."),
    "action_failed": _("The action failed."),
    "task": _("Task"),
    "status": _("Status"),
    "duration": _("Duration"),
    "judgment": _("Manual judgment"),
    "judged": _("Judged “{decision}” by {who}."),
    "judgment_option": _("Option"),
    "judgment_continue": _("Continue"),
    "judgment_stop": _("Stop"),
    "judgment_not_allowed": _("You are not an approver of this judgment."),
    "judgment_not_allowed_named": _("Only these approvers may decide: {names}."),
    "restart_stage": _("Restart stage"),
    "restart_confirm": _("Restart “{name}” and everything after it?"),
    "restart_not_allowed": _(
        "This application does not allow restarting stages of running executions."
    ),
    "skip_wait": _("Skip remaining wait"),
    "skip_window": _("Skip execution window"),
    "skip_stage": _("Skip stage"),
    "skip_confirm": _("Skip “{name}”?"),
    "errors": _("Errors"),
    "expression_warnings": _("Expression warnings"),
    "wait_time": _("Waits {n} seconds."),
    "tasks": _("Tasks"),
    "synthetic_stages": _("Synthetic stages"),
    "job_logs": _("Job logs"),
    "webhook_response": _("Webhook response"),
    "webhook_status": _("HTTP status {code}"),
    "context": _("Context"),
    "outputs": _("Outputs"),
    "result": _("Result"),
    "live_on": _("Live: updates arrive as they happen."),
    "live_reconnecting": _("Live updates interrupted; reconnecting…"),
    "live_refused": _("Live updates are not available for this run."),
    "live_unavailable": _("This browser cannot receive live updates."),
}


def _resolved(strings: Mapping[str, object]) -> dict[str, str]:
    return {key: str(value) for key, value in strings.items()}


def status_strings() -> dict[str, str]:
    return _resolved({f"status_{value}": label for value, label in ExecutionStatus.choices})


def editor_strings() -> dict[str, str]:
    return _resolved({**COMMON, **EDITOR})


def execution_strings() -> dict[str, str]:
    return {**_resolved({**COMMON, **EXECUTION}), **status_strings()}


def list_strings() -> dict[str, str]:
    return _resolved(COMMON)
