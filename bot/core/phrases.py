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
    "bot_notice": {
        "en": "I'm a bot, not a person. /privacy says what I store and how to erase it.",
        "fr": "Je suis un robot, pas une personne. /privacy explique ce que je conserve et "
        "comment l'effacer.",
        "es": "Soy un bot, no una persona. /privacy explica qué guardo y cómo borrarlo.",
    },
    "help": {
        "en": "Ask me anything about the job in your own words, in English, French or Spanish.\n"
        "/topics: what you can ask about\n/human: talk to a recruiter\n"
        "/language: change the language\n/privacy: what I store\n/forget: erase your data",
        "fr": "Posez vos questions sur le poste avec vos mots, en français, anglais ou espagnol.\n"
        "/topics : les sujets\n/human : parler à un recruteur\n"
        "/language : changer de langue\n/privacy : ce que je conserve\n"
        "/forget : effacer vos données",
        "es": "Pregúntame lo que quieras sobre el puesto, en español, inglés o francés.\n"
        "/topics: los temas\n/human: hablar con un reclutador\n"
        "/language: cambiar de idioma\n/privacy: qué guardo\n/forget: borrar tus datos",
    },
    "privacy": {
        "en": "What I store: your messages to me and my replies, your Telegram name, username "
        "and language, and your 👍/👎 votes, so that recruiters can answer you and improve "
        "the answers. If you ask for a recruiter, your question and our recent messages are "
        "shared with the recruiting team. Conversations are deleted {days} days after their "
        "last message. Type /forget to erase everything about you now.",
        "fr": "Ce que je conserve : vos messages et mes réponses, votre nom, identifiant et "
        "langue Telegram, et vos votes 👍/👎, pour que les recruteurs puissent vous répondre "
        "et améliorer les réponses. Si vous demandez un recruteur, votre question et nos "
        "derniers messages sont transmis à l'équipe de recrutement. Les conversations sont "
        "supprimées {days} jours après leur dernier message. Tapez /forget pour tout effacer "
        "maintenant.",
        "es": "Lo que guardo: tus mensajes y mis respuestas, tu nombre, usuario e idioma de "
        "Telegram y tus votos 👍/👎, para que los reclutadores puedan responderte y mejorar "
        "las respuestas. Si pides un reclutador, tu pregunta y nuestros últimos mensajes se "
        "comparten con el equipo de selección. Las conversaciones se borran {days} días "
        "después de su último mensaje. Escribe /forget para borrarlo todo ahora.",
    },
    "forget_confirm": {
        "en": "Erase everything I have stored about you? This cannot be undone.",
        "fr": "Effacer tout ce que j'ai conservé sur vous ? C'est irréversible.",
        "es": "¿Borrar todo lo que he guardado sobre ti? No se puede deshacer.",
    },
    "forget_yes": {"en": "Yes, erase it", "fr": "Oui, effacer", "es": "Sí, borrar"},
    "forget_no": {"en": "No, keep it", "fr": "Non, garder", "es": "No, conservar"},
    "forget_done": {
        "en": "Done: I erased your {count} stored records. If you write again, I start afresh.",
        "fr": "C'est fait : j'ai effacé vos {count} données conservées. Si vous m'écrivez à "
        "nouveau, je repars de zéro.",
        "es": "Hecho: he borrado tus {count} registros guardados. Si vuelves a escribir, "
        "empiezo de cero.",
    },
    "forget_kept": {
        "en": "OK, I erased nothing.",
        "fr": "D'accord, je n'ai rien effacé.",
        "es": "De acuerdo, no he borrado nada.",
    },
    "forget_failed": {
        "en": "Sorry, I couldn't erase your data right now. Please try /forget again later; "
        "a recruiter can also do it for you (/human).",
        "fr": "Désolé, je n'ai pas pu effacer vos données pour l'instant. Réessayez /forget "
        "plus tard ; un recruteur peut aussi le faire (/human).",
        "es": "Lo siento, no he podido borrar tus datos ahora. Vuelve a intentar /forget más "
        "tarde; un reclutador también puede hacerlo (/human).",
    },
    "forget_unavailable": {
        "en": "This terminal chat cannot erase data; whoever runs it can, with "
        "`python -m bot transcripts erase`.",
        "fr": "Ce chat en terminal ne peut pas effacer de données ; la personne qui le lance "
        "le peut, avec `python -m bot transcripts erase`.",
        "es": "Este chat de terminal no puede borrar datos; quien lo ejecuta sí puede, con "
        "`python -m bot transcripts erase`.",
    },
    "choose_language": {
        "en": "Choose your language:",
        "fr": "Choisissez votre langue :",
        "es": "Elige tu idioma:",
    },
    "language_set": {
        "en": "OK, I'll use English. I answer each question in the language it is written in.",
        "fr": "D'accord, je passe au français. Je réponds à chaque question dans la langue "
        "où elle est écrite.",
        "es": "De acuerdo, usaré el español. Respondo cada pregunta en el idioma en que "
        "está escrita.",
    },
    "not_text": {
        "en": "I can only read text messages. Please type your question about the job.",
        "fr": "Je ne sais lire que les messages texte. Écrivez votre question sur le poste.",
        "es": "Solo puedo leer mensajes de texto. Escribe tu pregunta sobre el puesto.",
    },
    "edited": {
        "en": "I don't read edited messages. Please send your question again as a new message.",
        "fr": "Je ne lis pas les messages modifiés. Renvoyez votre question dans un nouveau "
        "message.",
        "es": "No leo mensajes editados. Envía tu pregunta de nuevo en un mensaje nuevo.",
    },
    "forwarded": {
        "en": "I don't read forwarded messages. Please type your question yourself.",
        "fr": "Je ne lis pas les messages transférés. Écrivez votre question vous-même.",
        "es": "No leo mensajes reenviados. Escribe tu pregunta tú mismo.",
    },
    "channel_post": {
        "en": "I answer candidates in a private chat only. Message me directly to ask about "
        "the job.",
        "fr": "Je réponds aux candidats en conversation privée uniquement. Écrivez-moi "
        "directement pour vos questions sur le poste.",
        "es": "Solo respondo a candidatos en un chat privado. Escríbeme directamente para "
        "preguntar por el puesto.",
    },
    "slow_down": {
        "en": "You're sending messages faster than I can read them. Please wait a few seconds "
        "and ask one question at a time.",
        "fr": "Vous envoyez des messages plus vite que je ne peux les lire. Attendez quelques "
        "secondes et posez une question à la fois.",
        "es": "Envías mensajes más rápido de lo que puedo leerlos. Espera unos segundos y "
        "haz una pregunta cada vez.",
    },
    "unknown_command": {
        "en": "I don't know that command. /help lists what I can do.",
        "fr": "Je ne connais pas cette commande. /help liste ce que je sais faire.",
        "es": "No conozco ese comando. /help muestra lo que puedo hacer.",
    },
    "talk_to_recruiter": {
        "en": "Talk to a recruiter",
        "fr": "Parler à un recruteur",
        "es": "Hablar con un reclutador",
    },
    "none_offer": {
        "en": "Sorry I couldn't help. Would you like me to pass your question to a recruiter?",
        "fr": "Désolé de ne pas avoir pu vous aider. Voulez-vous que je transmette votre "
        "question à un recruteur ?",
        "es": "Siento no haber podido ayudarte. ¿Quieres que pase tu pregunta a un reclutador?",
    },
    "handoff_ask": {
        "en": "What would you like to ask the recruiter? Type your question and I'll pass it on.",
        "fr": "Que voulez-vous demander au recruteur ? Écrivez votre question et je la transmets.",
        "es": "¿Qué quieres preguntar al reclutador? Escribe tu pregunta y se la paso.",
    },
    "handoff_sent": {
        "en": "I've passed your question to the recruiting team. A recruiter will reply here, "
        "in this chat, usually within {hours} hours on working days. Meanwhile you can keep "
        "asking me questions.",
        "fr": "J'ai transmis votre question à l'équipe de recrutement. Un recruteur vous "
        "répondra ici, dans cette conversation, en général sous {hours} heures ouvrées. "
        "En attendant, vous pouvez continuer à me poser des questions.",
        "es": "He pasado tu pregunta al equipo de selección. Un reclutador te responderá aquí, "
        "en este chat, normalmente en {hours} horas laborables. Mientras tanto puedes "
        "seguir preguntándome.",
    },
    "handoff_unavailable": {
        "en": "Sorry, no recruiter is connected to this chat yet, so I can't pass your question "
        "on. Please use the contact details in the job posting.",
        "fr": "Désolé, aucun recruteur n'est encore relié à cette conversation, je ne peux "
        "donc pas transmettre votre question. Utilisez les coordonnées de l'offre.",
        "es": "Lo siento, todavía no hay ningún reclutador conectado a este chat, así que no "
        "puedo pasar tu pregunta. Usa los datos de contacto de la oferta.",
    },
    "handoff_failed": {
        "en": "Sorry, I couldn't reach the recruiting team just now. Please try /human again "
        "in a few minutes.",
        "fr": "Désolé, je n'arrive pas à joindre l'équipe de recrutement pour l'instant. "
        "Réessayez /human dans quelques minutes.",
        "es": "Lo siento, no he podido contactar con el equipo de selección. Vuelve a "
        "intentar /human en unos minutos.",
    },
    "recruiter_reply": {
        "en": "A recruiter replied:",
        "fr": "Un recruteur vous répond :",
        "es": "Un reclutador te responde:",
    },
    "reply_hint": {
        "en": "Reply to this message to answer the recruiter.",
        "fr": "Répondez à ce message pour répondre au recruteur.",
        "es": "Responde a este mensaje para contestar al reclutador.",
    },
    "sent_to_recruiter": {
        "en": "Sent to the recruiter.",
        "fr": "Transmis au recruteur.",
        "es": "Enviado al reclutador.",
    },
    "feedback_thanks": {
        "en": "Thanks for your feedback!",
        "fr": "Merci pour votre retour !",
        "es": "¡Gracias por tu opinión!",
    },
    "topic_gone": {
        "en": "That topic is no longer available. /topics shows the current ones.",
        "fr": "Ce sujet n'existe plus. /topics affiche les sujets actuels.",
        "es": "Ese tema ya no está disponible. /topics muestra los actuales.",
    },
    "error": {
        "en": "Sorry, something went wrong on my side. Please try again, or type /human to "
        "reach a recruiter.",
        "fr": "Désolé, un problème est survenu de mon côté. Réessayez, ou tapez /human pour "
        "joindre un recruteur.",
        "es": "Lo siento, algo ha fallado por mi parte. Inténtalo de nuevo o escribe /human "
        "para contactar con un reclutador.",
    },
    "notify_intro": {
        "en": "Earlier you asked: «{question}». A recruiter has added the answer:",
        "fr": "Vous nous aviez demandé : « {question} ». Un recruteur a ajouté la réponse :",
        "es": "Nos preguntaste: «{question}». Un reclutador ha añadido la respuesta:",
    },
    "cmd_start": {"en": "Start over", "fr": "Recommencer", "es": "Empezar de nuevo"},
    "cmd_topics": {
        "en": "What you can ask about",
        "fr": "Les sujets",
        "es": "Los temas",
    },
    "cmd_human": {
        "en": "Talk to a recruiter",
        "fr": "Parler à un recruteur",
        "es": "Hablar con un reclutador",
    },
    "cmd_language": {"en": "Change language", "fr": "Changer de langue", "es": "Cambiar idioma"},
    "cmd_privacy": {
        "en": "What I store about you",
        "fr": "Ce que je conserve",
        "es": "Qué guardo sobre ti",
    },
    "cmd_forget": {"en": "Erase your data", "fr": "Effacer vos données", "es": "Borrar tus datos"},
    "cmd_help": {"en": "Help", "fr": "Aide", "es": "Ayuda"},
    "quote": {
        "en": "Posting: “{quote}”",
        "fr": "Annonce : « {quote} »",
        "es": "Oferta: «{quote}»",
    },
    "admin_fact": {
        "en": "From the recruiting team, not the posting.",
        "fr": "Précision de l'équipe de recrutement, pas de l'annonce.",
        "es": "Dato del equipo de selección, no de la oferta.",
    },
    "not_stated": {
        "en": "The posting doesn't say {what}.",
        "fr": "L'annonce ne précise pas {what}.",
        "es": "La oferta no indica {what}.",
    },
    "not_mentioned": {
        "en": "The posting doesn't mention {names}.",
        "fr": "L'annonce ne mentionne pas {names}.",
        "es": "La oferta no menciona {names}.",
    },
    "and": {"en": "or", "fr": "ni", "es": "ni"},
    "what_it_says": {
        "en": "What it says about {title}:",
        "fr": "Ce qu'elle dit sur « {title} » :",
        "es": "Lo que dice sobre «{title}»:",
    },
    "ask_recruiter": {
        "en": "A recruiter can tell you: type /human.",
        "fr": "Un recruteur peut vous répondre : tapez /human.",
        "es": "Un reclutador puede responderte: escribe /human.",
    },
    "missing_value": {
        "en": "A recruiter can send you the link: type /human.",
        "fr": "Un recruteur peut vous envoyer le lien : tapez /human.",
        "es": "Un reclutador puede enviarte el enlace: escribe /human.",
    },
    "more_about": {
        "en": "More about {title}",
        "fr": "Plus sur « {title} »",
        "es": "Más sobre «{title}»",
    },
    "more_hint": {
        "en": "Type 'more' for everything the posting says about {title}.",
        "fr": "Tapez « more » pour tout ce que dit l'annonce sur « {title} ».",
        "es": "Escribe «more» para ver todo lo que dice la oferta sobre «{title}».",
    },
    "customer_service": {
        "en": "I only answer questions about the {title} job at {company}. For orders, "
        "devices, repairs and returns, {company}'s customer support can help you.",
        "fr": "Je réponds uniquement aux questions sur le poste {title} chez {company}. Pour "
        "les commandes, appareils, réparations et retours, le service client de {company} "
        "peut vous aider.",
        "es": "Solo respondo preguntas sobre el puesto {title} en {company}. Para pedidos, "
        "dispositivos, reparaciones y devoluciones, el servicio de atención al cliente de "
        "{company} puede ayudarte.",
    },
}


def phrase_keys() -> dict[str, frozenset[str]]:
    """Each phrase key with the languages it has (for tests)."""
    return {key: frozenset(texts) for key, texts in _PHRASES.items()}


def phrase(key: str, lang: str, **values: str) -> str:
    """The bot's sentence `key` in `lang` (English if unsupported), with `values` filled in."""
    text = _PHRASES[key].get(lang, _PHRASES[key]["en"])
    return text.format(**values) if values else text
