"""The knowledge base: YAML files validated into immutable postings and topics."""

from bot.core.knowledge.base import KnowledgeBase, Posting, load_knowledge
from bot.core.knowledge.problems import KnowledgeError, Problem
from bot.core.knowledge.schema import LANGUAGES, Topic, TopicText, is_smalltalk

__all__ = [
    "LANGUAGES",
    "KnowledgeBase",
    "KnowledgeError",
    "Posting",
    "Problem",
    "Topic",
    "TopicText",
    "is_smalltalk",
    "load_knowledge",
]
