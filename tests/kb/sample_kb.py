"""A small knowledge folder for the `kb suggest` and `kb notify` tests, in en, fr and es.

Written by hand so that the scores the tests rely on (a near miss, a "did you mean")
do not move when the shipped knowledge base is edited. `with_visa=True` adds the
topic an admin writes after candidates asked about visas.
"""

from __future__ import annotations

import json
from pathlib import Path

SLUG = "test-job"

TOPICS: dict[str, dict[str, tuple[str, str, list[str]]]] = {
    "remote-work": {
        "en": (
            "Remote work",
            "You can work remotely two days a week.",
            [
                "is it remote",
                "can i work remotely",
                "remote work policy",
                "how many days of remote work",
                "can i work from home",
                "is the job fully remote",
                "home office days",
            ],
        ),
        "fr": (
            "Télétravail",
            "Vous pouvez télétravailler deux jours par semaine.",
            [
                "est-ce en télétravail",
                "peut-on télétravailler",
                "combien de jours de télétravail",
                "politique de télétravail",
                "travail à distance possible",
            ],
        ),
        "es": (
            "Teletrabajo",
            "Puedes teletrabajar dos días por semana.",
            [
                "es remoto",
                "se puede teletrabajar",
                "cuántos días de teletrabajo",
                "trabajo a distancia",
                "puedo trabajar desde casa",
            ],
        ),
    },
    "salary": {
        "en": (
            "Salary",
            "The salary is 50k to 60k euros.",
            [
                "what is the salary",
                "how much does it pay",
                "salary range",
                "what's the pay",
                "compensation for this role",
                "how much will i earn",
            ],
        ),
        "fr": (
            "Salaire",
            "Le salaire est de 50 à 60 k€.",
            [
                "quel est le salaire",
                "combien ça paie",
                "fourchette de salaire",
                "quelle rémunération",
                "combien vais-je gagner",
            ],
        ),
        "es": (
            "Salario",
            "El salario es de 50 a 60 mil euros.",
            [
                "cuál es el salario",
                "cuánto pagan",
                "rango salarial",
                "qué sueldo tiene",
                "cuánto voy a ganar",
            ],
        ),
    },
    "interview-process": {
        "en": (
            "Interview process",
            "Three interviews: a call, a technical interview and a team meeting.",
            [
                "how does the interview process work",
                "how many interviews are there",
                "what are the interview steps",
                "is there a technical interview",
                "hiring process",
            ],
        ),
        "fr": (
            "Entretiens",
            "Trois entretiens : un appel, un entretien technique et une rencontre.",
            [
                "comment se passent les entretiens",
                "combien d'entretiens",
                "étapes du recrutement",
                "y a-t-il un entretien technique",
                "processus de recrutement",
            ],
        ),
        "es": (
            "Entrevistas",
            "Tres entrevistas: una llamada, una técnica y una con el equipo.",
            [
                "cómo es el proceso de entrevistas",
                "cuántas entrevistas hay",
                "etapas del proceso",
                "hay entrevista técnica",
                "proceso de selección",
            ],
        ),
    },
    "tech-stack": {
        "en": (
            "Tech stack",
            "Python, Django and PostgreSQL on AWS.",
            [
                "what is the tech stack",
                "which programming languages do you use",
                "what technologies do you use",
                "do you use python",
                "which database do you use",
            ],
        ),
        "fr": (
            "Stack technique",
            "Python, Django et PostgreSQL sur AWS.",
            [
                "quelle est la stack technique",
                "quels langages utilisez-vous",
                "quelles technologies",
                "utilisez-vous python",
                "quelle base de données",
            ],
        ),
        "es": (
            "Tecnologías",
            "Python, Django y PostgreSQL en AWS.",
            [
                "cuál es el stack tecnológico",
                "qué lenguajes usan",
                "qué tecnologías usan",
                "usan python",
                "qué base de datos usan",
            ],
        ),
    },
}

VISA: dict[str, tuple[str, str, list[str]]] = {
    "en": (
        "Visa sponsorship",
        "Yes, we sponsor work visas for this role.",
        ["do you sponsor visas", "visa sponsorship", "can you sponsor my work visa"],
    ),
    "fr": (
        "Visa",
        "Oui, nous parrainons les visas de travail pour ce poste.",
        ["parrainez-vous les visas", "sponsor de visa", "aidez-vous pour le visa de travail"],
    ),
    "es": (
        "Visado",
        "Sí, patrocinamos visados de trabajo para este puesto.",
        ["patrocinan visados", "patrocinio de visa", "ayudan con el visado de trabajo"],
    ),
}

# Visa as a known unknown of remote-work: the posting is silent, and the bot says so.
VISA_UNSTATED = {
    "id": "visa",
    **{lang: {"text": text, "examples": VISA[lang][2]} for lang, text in (
        ("en", "whether the role comes with visa sponsorship"),
        ("fr", "si le poste comprend un parrainage de visa"),
        ("es", "si el puesto incluye patrocinio de visado"),
    )},
}  # fmt: skip

PROBES = {
    "en": ["what's the weather today", "tell me a joke", "who won the football match"],
    "fr": ["quel temps fait-il", "raconte-moi une blague"],
    "es": ["qué tiempo hace", "cuéntame un chiste"],
}


def _topic(topic_id: str, texts: dict[str, tuple[str, str, list[str]]]) -> dict[str, object]:
    entry: dict[str, object] = {"id": topic_id, "owner": "talent", "last_reviewed": "2026-11-01"}
    for lang, (title, answer, examples) in texts.items():
        entry[lang] = {"title": title, "answer": answer, "examples": examples}
    return entry


def write_knowledge(
    folder: Path,
    *,
    with_visa: bool = False,
    visa_unstated: bool = False,
    extra: dict[str, list[str]] | None = None,
) -> Path:
    """Write the knowledge folder (JSON is YAML) and return it; `extra` adds English
    examples to topics, `visa_unstated` a known unknown to remote-work."""
    topics = []
    for topic_id, texts in TOPICS.items():
        title, answer, examples = texts["en"]
        more = (extra or {}).get(topic_id, [])
        topics.append(_topic(topic_id, {**texts, "en": (title, answer, examples + more)}))
    if with_visa:
        topics.append(_topic("visa", VISA))
    if visa_unstated:
        topics[0]["not_stated"] = [VISA_UNSTATED]
    posting = {
        "posting": {
            "slug": SLUG,
            "company": "ACME",
            "title": {"en": "Engineer", "fr": "Ingénieur", "es": "Ingeniero"},
            "default": True,
        },
        "facts": {},
        "topics": topics,
        "out_of_scope": PROBES,
    }
    (folder / "postings").mkdir(parents=True, exist_ok=True)
    text = json.dumps(posting, ensure_ascii=False, indent=2)
    (folder / "postings" / f"{SLUG}.yaml").write_text(text, encoding="utf-8")
    return folder
