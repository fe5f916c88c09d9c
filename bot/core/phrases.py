"""The bot's own sentences, in every supported language. Facts never live here."""

from __future__ import annotations

_PHRASES: dict[str, dict[str, str]] = {
    "greeting": {
        "en": "Hi! I'm an automated assistant for the {title} position at {company}. "
        "Ask me anything about the job in English, French or Spanish. "
        "I answer only from the job posting, and when I don't know, I pass your question "
        "to a human recruiter.",
        "fr": "Bonjour ! Je suis un assistant automatique pour le poste {title} chez {company}. "
        "Posez-moi vos questions sur le poste en français, en anglais ou en espagnol. "
        "Je réponds uniquement à partir de l'offre, et quand je ne sais pas, je transmets "
        "votre question à un recruteur.",
        "es": "¡Hola! Soy un asistente automático para el puesto {title} en {company}. "
        "Pregúntame lo que quieras sobre el puesto en español, inglés o francés. "
        "Solo respondo a partir de la oferta y, cuando no lo sé, paso tu pregunta "
        "a un reclutador.",
    },
    "topics": {
        "en": "You can ask about:",
        "fr": "Vous pouvez me demander :",
        "es": "Puedes preguntarme sobre:",
    },
    "clarify": {
        "en": "I'm not sure I understood. Did you mean:",
        "fr": "Je ne suis pas sûr d'avoir compris. Vouliez-vous dire :",
        "es": "No estoy seguro de haberte entendido. ¿Quisiste decir:",
    },
    "fallback": {
        "en": "Sorry, I don't know the answer to that: the job posting doesn't cover it, "
        "and I'd rather not guess. A human recruiter can answer you: type /human.",
        "fr": "Désolé, je ne connais pas la réponse : l'offre n'en parle pas et je préfère "
        "ne pas inventer. Un recruteur peut vous répondre : tapez /human.",
        "es": "Lo siento, no sé la respuesta: la oferta no lo menciona y prefiero no "
        "inventar. Un reclutador puede responderte: escribe /human.",
    },
    "partial": {
        "en": "I couldn't answer the rest of your question from the posting. "
        "A recruiter can: type /human.",
        "fr": "Je ne peux pas répondre au reste de votre question à partir de l'offre. "
        "Un recruteur peut le faire : tapez /human.",
        "es": "No puedo responder al resto de tu pregunta con la oferta. "
        "Un reclutador puede hacerlo: escribe /human.",
    },
    "empty": {
        "en": "I read text messages only. Please type your question about the job.",
        "fr": "Je ne lis que les messages texte. Écrivez votre question sur le poste.",
        "es": "Solo leo mensajes de texto. Escribe tu pregunta sobre el puesto.",
    },
    "other_language": {
        "en": "I can answer in English, French or Spanish, so here is my answer in English.",
        "fr": "I can answer in English, French or Spanish, so here is my answer in English.",
        "es": "I can answer in English, French or Spanish, so here is my answer in English.",
    },
    "none_of_these": {
        "en": "None of these",
        "fr": "Aucune de ces réponses",
        "es": "Ninguna de estas",
    },
    "chat_help": {
        "en": "Type a question, a number to pick a suggestion, 'topics' for the list, "
        "or 'quit' to leave.",
        "fr": "Tapez une question, un numéro pour choisir une suggestion, « topics » pour "
        "la liste, ou « quit » pour quitter.",
        "es": "Escribe una pregunta, un número para elegir una sugerencia, «topics» para "
        "la lista o «quit» para salir.",
    },
    "no_human_here": {
        "en": "This terminal chat has no recruiter on the line. On Telegram, /human passes "
        "your question to one.",
        "fr": "Ce chat en terminal n'est relié à aucun recruteur. Sur Telegram, /human lui "
        "transmet votre question.",
        "es": "Este chat de terminal no está conectado a ningún reclutador. En Telegram, "
        "/human le pasa tu pregunta.",
    },
    "goodbye": {
        "en": "Goodbye, and good luck with your application!",
        "fr": "Au revoir, et bonne chance pour votre candidature !",
        "es": "¡Adiós, y mucha suerte con tu candidatura!",
    },
}


def phrase_keys() -> dict[str, frozenset[str]]:
    """Each phrase key with the languages it has (for tests)."""
    return {key: frozenset(texts) for key, texts in _PHRASES.items()}


def phrase(key: str, lang: str, **values: str) -> str:
    """The bot's sentence `key` in `lang` (English if unsupported), with `values` filled in."""
    text = _PHRASES[key].get(lang, _PHRASES[key]["en"])
    return text.format(**values) if values else text
