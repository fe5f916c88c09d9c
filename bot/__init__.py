"""Candidate Q&A bot: answers job candidates truthfully from a YAML knowledge base."""

__version__ = "0.1.0"
