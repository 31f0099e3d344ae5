from .target_matcher import TargetMatcher
from .target_rule import TargetRule
from .concept_tagger import ConceptTagger
