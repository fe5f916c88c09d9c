"""Named specifics in a question: technologies, places, benefits, figures, companies.

A question that names one the posting never mentions ("do you use Kafka?", "which
Berlin office?", "is it 90k?") must get a reply that names it as not stated rather
than an answer that reads as a yes. The vocabulary below is general knowledge, not
knowledge about any job: what the posting says is looked up in its own text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.text import fold, words

# Comma-separated names, each matched as whole words, accents and case aside; "a = b" are
# one name in several spellings or languages (the posting may use any of them).
_TECHNOLOGIES = """
python, fastapi, django, kubernetes, k8s, gke, docker, argocd, argo cd, circleci, github,
git, java, kotlin, scala, golang, rust, ruby, ruby on rails, rails, php, laravel, symfony,
node, nodejs, node.js, javascript, typescript, react, vue, vue.js, angular, svelte,
next.js, nextjs, nuxt, flask, pyramid, tornado, celery, spring boot, .net, dotnet, c#,
c++, elixir, erlang, haskell, clojure, perl, objective-c, flutter, graphql, grpc,
openapi, kafka, rabbitmq, pulsar, sqs, kinesis, redis, memcached, postgres,
postgresql, mysql, mariadb, mongodb, mongo, cassandra, dynamodb, elasticsearch,
opensearch, solr, bigquery, snowflake, redshift, clickhouse, sqlite, sql server,
cockroachdb, neo4j, apache spark, hadoop, airflow, dbt, flink, terraform, pulumi,
ansible, puppet, helm, istio, linkerd, envoy, nginx, prometheus, grafana, datadog,
sentry, new relic, jaeger, opentelemetry, kibana, logstash, splunk, pagerduty,
jenkins, gitlab, github actions, travis, bitbucket, jira, confluence, aws,
amazon web services, azure, gcp, google cloud, aws lambda, serverless, ec2, s3,
cloud run, openshift, nomad, hashicorp vault, consul, webassembly, wasm, pytest,
mypy, poetry, pydantic, sqlalchemy, asyncio, pandas, numpy, pytorch, tensorflow,
langchain, microsoft teams, linux, macos, vim, emacs, vscode, intellij, pycharm
"""
_CONCEPTS = """
microservices = microservice = micro-services = microservicios, monolith = monolithe =
monolito = monolithic = monolithique = monolitico, serverless, event-driven = event driven,
event sourcing, cqrs, ddd, domain-driven design, hexagonal architecture,
clean architecture, service mesh, soa = service-oriented = orientee services =
orientada a servicios
"""
_PRACTICES = """
scrum, kanban, safe, tdd, bdd, test-driven development, mob programming, okr, okrs,
sprints, sprint, daily standup, stand-up, standup, retrospectives, retros, shape up,
extreme programming
"""
_PLACES = """
paris, lyon, marseille, bordeaux, nantes, lille, toulouse, london, londres, manchester,
dublin, berlin, munich, hamburg, amsterdam, brussels, bruxelles, bruselas, lisbon,
lisbonne, lisboa, porto, madrid, barcelona, barcelone, valencia, valence, seville,
sevilla, bilbao, milan, rome, roma, zurich, geneva, geneve, ginebra, vienna, vienne,
prague, warsaw, varsovie, stockholm, copenhagen, oslo, helsinki, new york, nueva york,
nyc, san francisco, los angeles, boston, seattle, austin, chicago, toronto, montreal,
tokyo, osaka, singapore, singapour, sydney, bangalore, dubai, buenos aires, sao paulo,
bali, canada, germany, allemagne, alemania, uk, united kingdom, royaume-uni, reino
unido, england, angleterre, inglaterra, ireland, irlande, irlanda, portugal, italy,
italie, italia, netherlands, pays-bas, paises bajos, belgium, belgique, belgica,
switzerland, suisse, suiza, poland, pologne, polonia, india, inde, brazil, bresil,
brasil, argentina, argentine, morocco, maroc, marruecos, tunisia, tunisie, tunez,
colombia, colombie, chile, chili, peru, mexique, mexico city
"""
_BENEFITS = """
stock options, stock-options, equity, rsu, rsus, bspce, 401k, pension plan,
retirement plan, health insurance, medical insurance, dental insurance, mutuelle,
seguro medico, meal vouchers, tickets restaurant, ticket restaurant, tickets resto,
swile, cheques repas, ticket restaurante, cheques comida, tarjeta restaurante,
gym membership, gym, gimnasio, salle de sport, bonus, annual bonus, prime annuelle,
13th month, treizieme mois, paga extra, company car, voiture de fonction,
coche de empresa, rtt, unlimited pto, unlimited vacation, conges illimites,
vacaciones ilimitadas, parental leave, conge parental, baja parental, childcare,
creche, guarderia, private health insurance, seguro privado
"""
_COMPANIES = """
google, amazon, meta, facebook, apple, microsoft, netflix, uber, airbnb, spotify,
stripe, doctolib, blablacar, criteo, ovh, ovhcloud, vinted, deezer, qonto, mirakl,
contentsquare, leboncoin, cdiscount, fnac, darty, ebay, rakuten, swappie, refurbed,
cabify, glovo, wallapop, idealista, revolut, n26, booking.com, zalando
"""

# A figure: money, a percentage, or a duration ("90k", "€60,000", "3 days", "20%").
_NUM = r"\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_FIGURE = re.compile(
    rf"(?:[$€£]\s?(?:{_NUM})\s?(?:k|m)?\b|\b(?:{_NUM})\s?(?:k€|k\$|k|m€|€|\$|£|%|"
    r"(?:eur|euros?|usd|dollars?|pounds?|days?|jours?|dias?|weeks?|semaines?|semanas?"
    r"|months?|mois|mes(?:es)?|years?|ans|anos?|años?|hours?|heures?|horas?|h)\b))",
    re.IGNORECASE,
)
_NUMBER = re.compile(_NUM)
_THOUSANDS = re.compile(r"^\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+$")


@dataclass(frozen=True, slots=True)
class Specific:
    """A specific as the candidate wrote it, and what kind of thing it is."""

    surface: str
    kind: str  # technology, concept, practice, place, benefit, figure, company
    aliases: tuple[str, ...] = ()  # the same name in other spellings or languages


def _lexicon() -> dict[tuple[str, ...], tuple[str, tuple[str, ...]]]:
    """Folded words -> (kind, every spelling of the name)."""
    lexicon: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {}
    for kind, block in (
        ("technology", _TECHNOLOGIES),
        ("concept", _CONCEPTS),
        ("practice", _PRACTICES),
        ("place", _PLACES),
        ("benefit", _BENEFITS),
        ("company", _COMPANIES),
    ):
        for entry in block.replace("\n", " ").split(","):
            spellings = tuple(" ".join(words(a)) for a in entry.split("=") if words(a))
            for spelling in spellings:
                lexicon.setdefault(tuple(spelling.split()), (kind, spellings))
    return lexicon


_LEXICON = _lexicon()
_LONGEST = max(len(k) for k in _LEXICON)


def find(text: str) -> list[Specific]:
    """Every named specific in `text`, in order, each once."""
    found: dict[str, Specific] = {}
    tokens = words(text)
    i = 0
    while i < len(tokens):
        for size in range(min(_LONGEST, len(tokens) - i), 0, -1):
            key = tuple(tokens[i : i + size])
            known = _LEXICON.get(key)
            if known is not None:
                kind, aliases = known
                found.setdefault(aliases[0], Specific(_surface(text, key), kind, aliases))
                i += size
                break
        else:
            i += 1
    for hit in _FIGURE.finditer(text):
        figure = hit.group(0).strip().rstrip(".,")
        found.setdefault(fold(figure), Specific(figure, "figure"))
    return list(found.values())


def _surface(text: str, key: tuple[str, ...]) -> str:
    """The words as the candidate wrote them: "Kafka", not "kafka"."""
    pattern = r"\W+".join(re.escape(k) for k in key)
    hit = re.search(pattern, fold(text))
    if hit is None:
        return " ".join(key)
    # fold() keeps the string's length for Latin text, so the span maps back.
    original = text[hit.start() : hit.end()]
    return original if fold(original) == hit.group(0) else " ".join(key)


def numbers(text: str) -> frozenset[float]:
    """The numbers written in `text`, for telling a figure the posting states."""
    values = set()
    for raw in _NUMBER.findall(text):
        plain = re.sub(r"\D", "", raw) if _THOUSANDS.match(raw) else raw.replace(",", ".")
        try:
            values.add(float(plain))
        except ValueError:
            continue
    return frozenset(values)


def unmentioned(
    text: str, mentions: Callable[[str], bool], stated_numbers: frozenset[float]
) -> list[Specific]:
    """The specifics of `text` that the posting never names."""
    missing = []
    for specific in find(text):
        if specific.kind == "figure":
            if not numbers(specific.surface) <= stated_numbers:
                missing.append(specific)
        elif not any(map(mentions, (specific.surface, *specific.aliases))):
            missing.append(specific)
    return missing


def without(text: str, specifics: list[Specific]) -> str:
    """`text` with the specifics taken out, to match what is asked about them."""
    for specific in specifics:
        pattern = r"\W+".join(re.escape(w) for w in specific.surface.split())
        text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    return text
