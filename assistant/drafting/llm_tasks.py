"""The model path as short, separate tasks, each checked on its own; never an empty hand.

:class:`TaskDrafter` starts from the offline draft and asks the model four small things,
one request each, every request de-identified first (:mod:`assistant.drafting.phi`):

1. ``goals``: the goals in the client's own words;
2. ``problems``: the problem statements about this person;
3. ``interventions``: a choice among the interventions retrieved for each objective, with
   the reason;
4. ``facts``: case facts from the intake's free text, each with the exact words it came
   from; a fact whose quote is not in the intake is dropped
   (:func:`assistant.facts.review.accept_model_facts`). It comes last because it writes the
   most and changes no wording: on a laptop it is the task the time budget cuts first.

Each prompt puts the stable part first (system text, then knowledge) and the case last, so a
server's prompt cache can reuse the start. Each request is sized to stay under
``TPA_LLM_CALL_TOKEN_BUDGET`` input tokens (case lines are left out from the end until it
fits), its answer is validated against a pydantic model and asked again with the error when
it does not fit. Every edit passes :mod:`assistant.drafting.llm_apply`'s checks and then the
validator; an item whose edit brings a new validator error goes back to the offline wording
with the reason recorded. Each request is recorded on the draft as a
:class:`~assistant.plan.ModelCall`.

When the server times out, cannot be reached or answers with an error, the offline draft is
returned with ``model_failure`` and a warning naming what failed; with ``strict=True`` the
failure is raised instead. On a server on this machine the tasks share a time budget
(110 s by default); tasks left when it runs out are skipped and say so.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from assistant import logs
from assistant.config import Settings
from assistant.drafting import llm_apply
from assistant.drafting.figures import intake_numbers
from assistant.drafting.guard import injected_phrases, locked_items
from assistant.drafting.llm_client import ChatClient, ModelFailure, Progress, estimate_tokens
from assistant.drafting.phi import Pseudonymiser
from assistant.errors import ConfigError
from assistant.intake import Intake
from assistant.plan import ModelCall, TreatmentPlan
from assistant.prompts import Prompt

log = logs.get_logger(__name__)

# in order of worth per second on a laptop: a task the time budget cuts is the last
TASKS = ("goals", "problems", "interventions", "facts")

# ---------------------------------------------------------------- what each task returns


class ProposedFact(BaseModel):
    kind: Literal["preference", "ruled_out", "substance", "medication", "occupation", "client_goal"]
    path: str = Field(max_length=80)
    quote: str = Field(min_length=2, max_length=300)
    kind_of: str | None = Field(default=None, max_length=20)
    text: str | None = Field(default=None, max_length=300)
    target: str | None = Field(default=None, max_length=120)
    concept: str | None = Field(default=None, max_length=80)
    substance: str | None = Field(default=None, max_length=40)
    status: str | None = Field(default=None, max_length=20)
    name: str | None = Field(default=None, max_length=80)
    dose: str | None = Field(default=None, max_length=60)


class FactsReply(BaseModel):
    facts: list[ProposedFact] = Field(max_length=12)


class StatementEdit(BaseModel):
    id: str = Field(max_length=20)
    statement: str = Field(min_length=3, max_length=900)


class ProblemsReply(BaseModel):
    problems: list[StatementEdit] = Field(max_length=20)


class GoalsReply(BaseModel):
    goals: list[StatementEdit] = Field(max_length=30)


class Choice(BaseModel):
    objective_id: str = Field(max_length=20)
    intervention_ids: list[str] = Field(min_length=1, max_length=2)
    reason: str = Field(default="", max_length=300)


class ChoicesReply(BaseModel):
    choices: list[Choice] = Field(max_length=60)


@dataclass
class Task:
    name: str
    prompt: Prompt
    reply: type[BaseModel]
    values: dict[str, str]
    trim: str  # the variable whose lines are left out from the end to fit the budget
    max_tokens: int
    ids: set[str]  # the ids the answer may name
    ids_of: Callable[[Any], list[str]]


# ---------------------------------------------------------------- the drafter


class TaskDrafter:
    name = "llm"

    def __init__(
        self,
        client: ChatClient,
        settings: Settings,
        *,
        strict: bool = False,
    ):
        self.client = client
        self.settings = settings
        self.strict = strict
        self.model_name = client.model_name

    @classmethod
    def from_settings(
        cls, settings: Settings, *, strict: bool = False, progress: Progress | None = None
    ) -> TaskDrafter:
        if not settings.llm_configured:
            raise ConfigError(
                "no language model is configured: set OPENAI_API_KEY (or TPA_LLM_API_KEY), or "
                "TPA_LLM_BASE_URL for an OpenAI-compatible server - or use the offline drafter"
            )
        return cls(ChatClient(settings, progress=progress), settings, strict=strict)

    def draft(self, intake: Intake, base: TreatmentPlan, context: Any) -> TreatmentPlan:
        from assistant.drafting import tasks_build
        from assistant.validation import validate

        pseud = Pseudonymiser.for_intake(intake)
        plan = base.model_copy(deep=True)
        locked = locked_items(base)
        options = tasks_build.options(base, intake, context.knowledge, locked)
        calls: list[ModelCall] = []
        warnings: list[str] = []
        started = time.monotonic()
        budget = self.settings.llm_draft_budget_s
        common = {
            "pseud": pseud,
            "model": self.model_name,
            "locked": locked,
            "allowed_numbers": intake_numbers(intake),
            "injected": injected_phrases(intake),
        }
        failure: ModelFailure | None = None
        for name in TASKS:
            task = tasks_build.build(name, intake, plan, pseud, locked, options)
            if task is None:
                continue
            left = None if budget is None else budget - (time.monotonic() - started)
            if left is not None and not _fits(task, calls, left, self.settings):
                calls.append(ModelCall(task=name, outcome="skipped"))
                warnings.append(
                    f"the model's {name} task was skipped: it would not finish within the "
                    f"{budget:g} s time budget (TPA_LLM_TIME_BUDGET_S); that part is the "
                    "offline draft"
                )
                continue
            try:
                reply, call = self._run(task, pseud, left)
            except ModelFailure as exc:
                if self.strict:
                    raise
                call = getattr(exc, "call", ModelCall(task=name, outcome="failed"))
                calls.append(call)
                stopped_by_budget = left is not None and left < self.settings.llm_call_timeout_s
                if exc.kind == "timeout" and stopped_by_budget and _any_used(calls):
                    # stopped by the draft's time budget, not by the server: what the earlier
                    # tasks wrote stands; this task and the rest keep the offline wording
                    call.outcome = "skipped"
                    warnings.append(
                        f"the model's {name} task was stopped at the {budget:g} s time budget "
                        "(TPA_LLM_TIME_BUDGET_S); that part is the offline draft"
                    )
                    continue
                failure = exc
                break
            calls.append(call)
            if reply is None:
                continue
            kept, discarded = self._apply(name, reply, plan, intake, options, context, common)
            call.edits_proposed = kept + len(discarded)
            call.edits_kept, call.discarded = kept, discarded
        if failure is None:
            plan = self._gate(plan, base, intake, context, calls, validate)
        else:
            plan = base.model_copy(deep=True)
            plan.draft.fell_back = True
            plan.draft.model_failure = f"{failure.kind}: {failure}"
            warnings.append(f"The model could not be used ({failure}); this is the offline draft.")
        info = plan.draft
        info.drafter, info.model = self.name, self.model_name
        info.prompt_version = "tasks.v1"
        info.model_calls = calls
        info.input_tokens = sum(c.input_tokens for c in calls)
        info.output_tokens = sum(c.output_tokens for c in calls)
        info.repair_rounds = sum(max(c.attempts - 1, 0) for c in calls)
        info.cost_usd = round(
            info.input_tokens / 1000 * self.settings.llm_cost_per_1k_input
            + info.output_tokens / 1000 * self.settings.llm_cost_per_1k_output,
            6,
        )
        discarded = [d for c in calls for d in c.discarded]
        info.warnings = list(dict.fromkeys([*info.warnings, *warnings, *discarded]))
        if failure is None and calls and all(c.edits_kept == 0 for c in calls):
            info.fell_back = True
        log.info(
            "task draft: calls=%d failed=%s tokens=%d/%d",
            len(calls),
            failure is not None,
            info.input_tokens,
            info.output_tokens,
        )
        return plan

    # ------------------------------------------------------------ one task

    def _run(
        self, task: Task, pseud: Pseudonymiser, left: float | None
    ) -> tuple[BaseModel | None, ModelCall]:
        from assistant.drafting.tasks_build import fit

        system, user = fit(task, self.settings.llm_call_token_budget)
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        call = ModelCall(task=task.name)
        schema = task.reply.model_json_schema()
        started = time.monotonic()
        rounds = 1 + min(self.settings.llm_repair_rounds, 1 if self.client.local else 2)
        for _ in range(rounds):
            wait = None
            if left is not None:
                wait = min(self.settings.llm_call_timeout_s, left - (time.monotonic() - started))
            call.attempts += 1
            try:
                reply = self.client.complete(
                    task.name,
                    messages,
                    schema=schema,
                    max_tokens=task.max_tokens,
                    timeout_s=wait,
                    guard=pseud.leaks,
                )
            except ModelFailure as exc:  # what was sent still counts, estimated here
                call.outcome = "failed"
                call.input_tokens += sum(estimate_tokens(m["content"]) for m in messages)
                call.tokens_estimated = True
                call.seconds = round(time.monotonic() - started, 2)
                exc.call = call  # type: ignore[attr-defined]
                raise
            call.input_tokens += reply.input_tokens
            call.output_tokens += reply.output_tokens
            call.tokens_estimated = call.tokens_estimated or reply.estimated
            call.seconds = round(time.monotonic() - started, 2)
            parsed, problem = _read(task, reply.text)
            if parsed is not None:
                return parsed, call
            call.discarded.append(f"{task.name} answer {call.attempts} not used: {problem}")
            messages = [
                *messages[:2],
                {"role": "assistant", "content": reply.text[:1200]},
                {"role": "user", "content": task.prompt.render_repair(problem)},
            ]
        call.outcome = "invalid"
        return None, call

    def _apply(
        self,
        name: str,
        reply: BaseModel,
        plan: TreatmentPlan,
        intake: Intake,
        options: dict[str, list[tuple[str, str]]],
        context: Any,
        common: dict[str, Any],
    ) -> tuple[int, list[str]]:
        if isinstance(reply, FactsReply):
            return llm_apply.apply_facts(plan, intake, list(reply.facts), pseud=common["pseud"])
        if isinstance(reply, ProblemsReply | GoalsReply):
            edits = reply.problems if isinstance(reply, ProblemsReply) else reply.goals
            kind = "problem" if name == "problems" else "goal"
            return llm_apply.apply_texts(plan, kind, [(e.id, e.statement) for e in edits], **common)
        assert isinstance(reply, ChoicesReply)
        return llm_apply.apply_choices(
            plan,
            [(c.objective_id, c.intervention_ids, c.reason) for c in reply.choices],
            options=options,
            kb=context.knowledge,
            intake=intake,
            model=self.model_name,
            injected=common["injected"],
        )

    def _gate(
        self,
        plan: TreatmentPlan,
        base: TreatmentPlan,
        intake: Intake,
        context: Any,
        calls: list[ModelCall],
        validate: Callable[..., Any],
    ) -> TreatmentPlan:
        """Undo the edits behind any validator error the offline draft did not have."""
        before = {(f.rule, f.path) for f in validate(base, intake, profile=context.profile).errors}
        for _ in range(3):
            new = [
                f
                for f in validate(plan, intake, profile=context.profile).errors
                if (f.rule, f.path) not in before
            ]
            if not new:
                return plan
            for f in new:
                m = re.match(r"(problems|goals)\[(\d+)\]", f.path)
                if m and m.group(1) == "problems":
                    i = int(m.group(2))
                    if i < len(base.problems):
                        plan.problems[i] = base.problems[i].model_copy(deep=True)
                    _note(calls, "problems", f"problem {i + 1}", f)
                elif m:
                    i = int(m.group(2))
                    if i < len(base.goals):
                        plan.goals[i].statement = base.goals[i].statement
                        plan.goals[i].provenance = base.goals[i].provenance
                    _note(calls, "goals", f"goal {i + 1}", f)
                else:
                    plan.interventions = [iv.model_copy(deep=True) for iv in base.interventions]
                    _note(calls, "interventions", "the intervention choices", f)
        out = base.model_copy(deep=True)
        out.case_facts = plan.case_facts
        _note(calls, "interventions", "every model edit", None)
        return out


def _any_used(calls: list[ModelCall]) -> bool:
    return any(c.outcome == "used" for c in calls)


def _fits(task: Task, calls: list[ModelCall], left: float, settings: Settings) -> bool:
    """Whether ``task`` can finish in ``left`` seconds, at the speed the server has shown in
    this draft (tokens read and written per second); with no speed seen yet, 5 s will do."""
    from assistant.drafting.tasks_build import fit

    done = [c for c in calls if c.outcome == "used" and c.seconds > 0]
    if not done:
        return left >= 5
    rate = sum(c.input_tokens + c.output_tokens for c in done) / sum(c.seconds for c in done)
    system, user = fit(task, settings.llm_call_token_budget)
    need = (estimate_tokens(system) + estimate_tokens(user) + task.max_tokens / 2) / rate
    return need <= left


def _note(calls: list[ModelCall], task: str, what: str, finding: Any) -> None:
    why = (
        f"{finding.rule} {finding.message}" if finding is not None else "the validator still failed"
    )
    for c in calls:
        if c.task == task:
            c.edits_kept = max(c.edits_kept - 1, 0)
            c.discarded.append(f"model edit to {what} undone: validator {why}")


def _read(task: Task, text: str) -> tuple[BaseModel | None, str]:
    """The parsed answer, or why it cannot be used (fed back to the model)."""
    body = text.strip()
    fence = re.search(r"\{.*\}", body, re.DOTALL)
    if fence is None:
        return None, "the answer was not JSON"
    try:
        parsed = task.reply.model_validate(json.loads(fence.group(0)))
    except json.JSONDecodeError as exc:
        return None, f"the answer was not valid JSON ({exc.msg})"
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return None, f"{where}: {first['msg']}"
    named = task.ids_of(parsed)
    unknown = sorted(set(named) - task.ids)
    if unknown and task.ids:
        return None, f"unknown id(s) {', '.join(unknown[:5])}: use only the ids given"
    return parsed, ""
