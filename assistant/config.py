"""Settings: the only module that reads the environment.

Every variable has the prefix ``TPA_`` (``TPA_DATA_DIR``, ``TPA_LLM_MODEL`` ...). A few
well-known names are accepted too, because deployments already set them:
``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``DATABASE_URL``, ``CHROMA_HOST``, ``CHROMA_PORT``.
The defaults work offline: SQLite and a local index under the data directory, and the
offline drafter.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "treatment-plan-assistant"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TPA_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("TPA_DATABASE_URL", "DATABASE_URL")
    )
    chroma_host: str | None = Field(
        default=None, validation_alias=AliasChoices("TPA_CHROMA_HOST", "CHROMA_HOST")
    )
    chroma_port: int = Field(
        default=8000, validation_alias=AliasChoices("TPA_CHROMA_PORT", "CHROMA_PORT")
    )
    drafter: Literal["offline", "llm"] = "offline"
    llm_model: str = "gpt-4o-mini"
    llm_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("TPA_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TPA_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_repair_rounds: int = Field(default=2, ge=0, le=5)
    llm_temperature: float = Field(default=0.0, ge=0, le=2)
    llm_max_tokens: int | None = Field(default=None, ge=64, le=32768)
    # the model path (assistant.drafting.llm_tasks): short separate calls by default
    llm_mode: Literal["tasks", "single"] = "tasks"
    llm_local_timeout_s: float = Field(default=300.0, gt=0)
    llm_time_budget_s: float | None = Field(default=None, gt=0)
    llm_call_token_budget: int = Field(default=1500, ge=200, le=100_000)
    llm_cost_per_1k_input: float = Field(default=0.0, ge=0)
    llm_cost_per_1k_output: float = Field(default=0.0, ge=0)
    review_interval_days: int = Field(default=90, ge=7, le=365)
    log_level: str = "WARNING"
    # sign-in: the app signs out after this long without activity; this many failed
    # sign-ins in a row lock the account, first for lockout_minutes, doubling each time
    idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    login_max_failures: int = Field(default=5, ge=1, le=100)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)

    @property
    def sqlite_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'plans.sqlite'}"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_url

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def llm_is_local(self) -> bool:
        """True when the model server is on this machine (a loopback address)."""
        from urllib.parse import urlparse

        if not self.llm_base_url:
            return False
        host = (urlparse(self.llm_base_url).hostname or "").lower()
        return host in ("localhost", "::1") or host.startswith("127.")

    @property
    def llm_call_timeout_s(self) -> float:
        """Seconds to wait for one answer: TPA_LLM_TIMEOUT_S when set, else longer for a
        server on this machine (it reads the prompt on the CPU before the first token)."""
        if "llm_timeout_s" in self.model_fields_set or not self.llm_is_local:
            return self.llm_timeout_s
        return self.llm_local_timeout_s

    @property
    def llm_draft_budget_s(self) -> float | None:
        """Seconds the model may take over one draft before the remaining tasks are left to
        the offline draft: TPA_LLM_TIME_BUDGET_S, else 110 s on this machine, no limit remote."""
        if self.llm_time_budget_s is not None:
            return self.llm_time_budget_s
        return 110.0 if self.llm_is_local else None

    @property
    def llm_configured(self) -> bool:
        return self.llm_api_key is not None or self.llm_base_url is not None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings object, built once per process from the environment."""
    return Settings()
