"""Recruiter tools over the transcript store: `python -m bot transcripts ...`.

Everything here reads the SQLite file read-only, except creating the pseudonym
salt and the two deletions (purge, erase), which go through TranscriptStore.
"""
