"""The LLM drafter: the model proposes wording and choices, deterministic code disposes.

It starts from the offline draft. The model may reword problems, goals and objectives
and pick interventions (by knowledge id) for each objective. It cannot add or remove
items, change a figure, drop a placeholder, or touch status or signatures: every edit is
checked and an edit that breaks a rule is discarded. The safety goal, its objectives, the
safety section and the risk level are locked: the model's edits to them are discarded with
the reason recorded (:mod:`assistant.drafting.guard`). The validator's findings are fed
back for a bounded number of repair rounds; if no round passes the gate, the offline
draft is returned with the model's findings recorded as warnings.

This is the only module that imports ``openai`` and ``langchain_openai``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from pydantic import ValidationError

from assistant import logs
from assistant.config import Settings
from assistant.drafting.figures import intake_numbers
from assistant.drafting.guard import (
    clinical_view,
    draft_view,
    locked_items,
    reaches_for_locked,
)
from assistant.drafting.llm_proposal import Proposal, apply_proposal, intervention_options
from assistant.drafting.phi import Pseudonymiser
from assistant.errors import ConfigError, ModelError
from assistant.intake import Intake
from assistant.knowledge import KnowledgeBase
from assistant.plan import TreatmentPlan
from assistant.prompts import Prompt
from assistant.prompts import load as load_prompt

log = logs.get_logger(__name__)

# ---------------------------------------------------------------- drafter


class LLMDrafter:
    name = "llm"

    def __init__(
        self, chat: Any, model_name: str, settings: Settings, prompt: Prompt | None = None
    ):
        self.chat = chat
        self.model_name = model_name
        self.settings = settings
        self.prompt = prompt or load_prompt("draft")

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMDrafter:
        if settings.llm_api_key is None and settings.llm_base_url is None:
            raise ConfigError(
                "no language model is configured: set OPENAI_API_KEY (or TPA_LLM_API_KEY), or "
                "TPA_LLM_BASE_URL for an OpenAI-compatible server - or use the offline drafter"
            )
        from langchain_openai import ChatOpenAI

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        chat = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=key,
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
        )
        return cls(chat, settings.llm_model, settings)

    # ------------------------------------------------------------ the loop

    def draft(self, intake: Intake, base: TreatmentPlan, context: Any) -> TreatmentPlan:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        from assistant.validation import validate

        pseud = Pseudonymiser.for_intake(intake)
        kb: KnowledgeBase = context.knowledge
        options = intervention_options(base, intake, kb)
        user = self.prompt.render_user(
            intake_json=pseud.redact(json.dumps(clinical_view(intake), separators=(",", ":"))),
            draft_json=pseud.redact(
                json.dumps(draft_view(base, locked_items(base)), separators=(",", ":"))
            ),
            options_json=json.dumps(options, separators=(",", ":")),
        )
        messages: list[Any] = [SystemMessage(self.prompt.system), HumanMessage(user)]
        structured = self.chat.with_structured_output(
            Proposal, method="json_schema", include_raw=True
        )
        allowed_numbers = intake_numbers(intake)
        stats = {"in": 0, "out": 0}
        started = time.perf_counter()
        best: TreatmentPlan | None = None
        last_problems: list[str] = []
        rounds = 0
        for attempt in range(self.settings.llm_repair_rounds + 1):
            rounds = attempt
            raw, proposal, error = self._call(structured, messages, stats)
            if proposal is None:
                last_problems = [f"the model's answer was not in the required structure ({error})"]
                messages += [
                    AIMessage(raw or ""),
                    HumanMessage(
                        self.prompt.render_repair(
                            "Your answer could not be read: " + str(error)[:500]
                        )
                    ),
                ]
                continue
            candidate, rejected = apply_proposal(
                base, proposal, pseud, options, allowed_numbers, kb, intake, self.model_name
            )
            rejected = [*reaches_for_locked(raw), *rejected]
            report = validate(candidate, intake, profile=context.profile)
            last_problems = rejected + [f"{f.path}: {f.message}" for f in report.errors]
            if report.ok:
                best = candidate
                best.draft.warnings = list(dict.fromkeys([*best.draft.warnings, *rejected]))
                break
            messages += [
                AIMessage(raw or ""),
                # findings can quote the intake (a strength, a refusal): de-identified too
                HumanMessage(
                    self.prompt.render_repair(pseud.redact("\n".join(last_problems)[:4000]))
                ),
            ]

        plan = best if best is not None else base.model_copy(deep=True)
        info = plan.draft
        info.drafter = self.name
        info.model = self.model_name
        info.prompt_version = self.prompt.label
        info.repair_rounds = rounds
        info.input_tokens, info.output_tokens = stats["in"], stats["out"]
        info.cost_usd = round(
            stats["in"] / 1000 * self.settings.llm_cost_per_1k_input
            + stats["out"] / 1000 * self.settings.llm_cost_per_1k_output,
            6,
        )
        info.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        if best is None:
            info.fell_back = True
            info.warnings = [
                *info.warnings,
                f"The model's draft did not pass the validator after {rounds + 1} attempt(s); "
                "this is the offline draft. Last problems: " + "; ".join(last_problems[:8]),
            ]
        log.info(
            "llm draft: rounds=%d fell_back=%s tokens=%d/%d",
            rounds,
            best is None,
            stats["in"],
            stats["out"],
        )
        return plan

    def _call(
        self, structured: Any, messages: list[Any], stats: dict[str, int]
    ) -> tuple[str, Proposal | None, str | None]:
        import openai

        try:
            out = structured.invoke(messages)
        except openai.AuthenticationError:
            raise ModelError(
                "the model server refused the API key (401): check OPENAI_API_KEY or TPA_LLM_API_KEY"
            ) from None
        except openai.RateLimitError:
            raise ModelError(
                f"the model server is limiting requests (429) and still refused after "
                f"{self.settings.llm_max_retries} retries: wait a minute and try again, or use the offline drafter"
            ) from None
        except openai.APITimeoutError:
            raise ModelError(
                f"the model did not answer within {self.settings.llm_timeout_s:g} s "
                f"(tried {self.settings.llm_max_retries + 1} times): try again, raise TPA_LLM_TIMEOUT_S, or use the offline drafter"
            ) from None
        except openai.APIConnectionError:
            where = self.settings.llm_base_url or "the OpenAI API"
            raise ModelError(
                f"cannot reach the model server at {where}: check the address and that the server is running"
            ) from None
        except openai.APIStatusError as exc:
            raise ModelError(
                f"the model server answered with an error (HTTP {exc.status_code}); nothing was drafted"
            ) from None
        except (ValidationError, ValueError) as exc:  # the reply was not the required JSON
            return "", None, str(exc).splitlines()[0][:300]
        raw_msg = out.get("raw")
        usage = getattr(raw_msg, "usage_metadata", None) or {}
        stats["in"] += int(usage.get("input_tokens", 0))
        stats["out"] += int(usage.get("output_tokens", 0))
        raw_text = str(getattr(raw_msg, "content", "") or "")
        if out.get("parsing_error") is not None or out.get("parsed") is None:
            return raw_text, None, str(out.get("parsing_error") or "empty answer")
        parsed = out["parsed"]
        if not isinstance(parsed, Proposal):
            try:
                parsed = Proposal.model_validate(parsed)
            except Exception as exc:  # pydantic ValidationError
                return raw_text, None, str(exc)[:300]
        return raw_text, parsed, None
