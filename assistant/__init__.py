"""Treatment-plan drafting assistant: intake -> retrieval -> draft -> validate -> review -> export.

Drafts are suggestions for a licensed clinician to review; nothing here replaces clinical judgement.
"""

__version__ = "0.1.0"
