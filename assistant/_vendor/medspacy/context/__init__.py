from .context_rule import ConTextRule
from .context_modifier import ConTextModifier
from .context_graph import ConTextGraph

from .context import (
    ConText,
    DEFAULT_ATTRIBUTES,
)

__all__ = [
    "ConText",
    "ConTextRule",
    "ConTextGraph",
    "ConTextModifier",
]
