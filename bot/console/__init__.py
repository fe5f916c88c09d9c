"""The recruiter console: a secure web page over the transcript store (FastAPI + Jinja2)."""
