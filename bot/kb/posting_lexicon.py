"""Word lists for reading job postings in English, French and Spanish.

Plain data, kept apart from the code that uses it so that a missing technology or
city is a one-line change. Patterns are matched on the posting's own text, case-blind
unless a comment says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Small, frequent words that tell the three languages apart.
FUNCTION_WORDS: Mapping[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "you",
            "will",
            "with",
            "our",
            "for",
            "are",
            "we",
            "of",
            "to",
            "in",
            "your",
            "is",
            "be",
            "this",
            "who",
            "have",
            "as",
            "on",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "et",
            "vous",
            "nous",
            "avec",
            "des",
            "du",
            "une",
            "un",
            "est",
            "pour",
            "dans",
            "sur",
            "au",
            "aux",
            "tu",
            "ton",
            "votre",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "y",
            "con",
            "para",
            "del",
            "una",
            "un",
            "es",
            "en",
            "tu",
            "nuestro",
            "nuestra",
            "somos",
            "te",
            "por",
            "al",
        ]
    ),
}

# Canonical technology name -> pattern. Names as their projects spell them.
TECH: Mapping[str, str] = {
    "Python": r"\bpython\b",
    "FastAPI": r"\bfast\s?api\b",
    "Django": r"\bdjango\b",
    "Flask": r"\bflask\b",
    "Celery": r"\bcelery\b",
    "Go": r"\bgolang\b|(?-i:\bGo\b)(?! to\b| ahead\b)",
    "Java": r"\bjava\b(?!\s?script)",
    "Kotlin": r"\bkotlin\b",
    "Scala": r"\bscala\b",
    "Rust": r"(?-i:\bRust\b)",
    "Ruby on Rails": r"\bruby on rails\b|(?-i:\bRails\b)",
    "Ruby": r"(?-i:\bRuby\b)(?! on rails)",
    "PHP": r"\bphp\b",
    "Symfony": r"\bsymfony\b",
    "Laravel": r"\blaravel\b",
    "Node.js": r"\bnode(?:\.?js)?\b",
    "TypeScript": r"\btypescript\b",
    "JavaScript": r"\bjavascript\b",
    "React": r"\breact(?:\.?js)?\b(?! native)",
    "React Native": r"\breact native\b",
    "Vue.js": r"\bvue(?:\.?js)?\b",
    "Nuxt": r"\bnuxt(?:\.?js)?\b",
    "Next.js": r"\bnext\.?js\b",
    "Angular": r"\bangular\b",
    "Svelte": r"\bsvelte\b",
    "C#": r"(?<![\w#])c#",
    ".NET": r"(?<!\w)\.net\b",
    "C++": r"(?<![\w+])c\+\+",
    "Swift": r"(?-i:\bSwift\b)",
    "Elixir": r"\belixir\b",
    "SQL": r"(?<![\w-])sql\b",
    "PostgreSQL": r"\bpostgres(?:ql)?\b",
    "MySQL": r"\bmysql\b",
    "MongoDB": r"\bmongo(?:db)?\b",
    "Redis": r"\bredis\b",
    "Elasticsearch": r"\belastic\s?search\b",
    "Kafka": r"\bkafka\b",
    "RabbitMQ": r"\brabbit\s?mq\b",
    "GraphQL": r"\bgraphql\b",
    "gRPC": r"\bgrpc\b",
    "Docker": r"\bdocker\b",
    "Kubernetes": r"\bkubernetes\b|\bk8s\b",
    "GKE": r"\bgke\b",
    "EKS": r"\beks\b",
    "Helm": r"(?-i:\bHelm\b)",
    "Terraform": r"\bterraform\b",
    "Ansible": r"\bansible\b",
    "AWS": r"\baws\b|\bamazon web services\b",
    "GCP": r"\bgcp\b|\bgoogle cloud\b",
    "Azure": r"\bazure\b",
    "ArgoCD": r"\bargo\s?cd\b",
    "CircleCI": r"\bcircle\s?ci\b",
    "GitHub Actions": r"\bgithub actions\b",
    "GitHub": r"\bgithub\b(?! actions)",
    "GitLab": r"\bgitlab\b",
    "Jenkins": r"\bjenkins\b",
    "Datadog": r"\bdatadog\b",
    "Grafana": r"\bgrafana\b",
    "Prometheus": r"\bprometheus\b",
    "Sentry": r"\bsentry\b",
    "BigQuery": r"\bbig\s?query\b",
    "Snowflake": r"\bsnowflake\b",
    "dbt": r"\bdbt\b",
    "Airflow": r"\bairflow\b",
    "Spark": r"(?-i:\bSpark\b)",
    "Linux": r"\blinux\b",
    "Tailwind": r"\btailwind(?:\s?css)?\b",
}
# Names that are also everyday words: counted only in a stack section or beside
# another technology on the same line.
AMBIGUOUS_TECH = frozenset({"Go", "Rust", "Ruby", "Ruby on Rails", "Swift", "Helm", "Spark"})

# Canonical city name -> pattern (English, French and Spanish spellings).
CITIES: Mapping[str, str] = {
    "Paris": r"\bparis\b",
    "Lyon": r"\blyon\b",
    "Marseille": r"\bmarseilles?\b",
    "Bordeaux": r"\bbordeaux\b",
    "Lille": r"\blille\b",
    "Nantes": r"\bnantes\b",
    "Toulouse": r"\btoulouse\b",
    "Nice": r"(?-i:\bNice\b)",
    "Montpellier": r"\bmontpellier\b",
    "Rennes": r"\brennes\b",
    "Strasbourg": r"\bstrasbourg\b",
    "Grenoble": r"\bgrenoble\b",
    "Madrid": r"\bmadrid\b",
    "Barcelona": r"\bbarcelon[ae]\b",
    "Valencia": r"\bvalencia\b",
    "Seville": r"\bs[eé]vill[ae]\b",
    "Málaga": r"\bm[aá]laga\b",
    "Bilbao": r"\bbilbao\b",
    "Zaragoza": r"\bzaragoza\b",
    "Alicante": r"\balicante\b",
    "London": r"\blondon\b|\blondres\b",
    "Dublin": r"\bdublin\b",
    "Berlin": r"\bberl[ií]n\b",
    "Munich": r"\bmunich\b|\bm[uü]nchen\b",
    "Amsterdam": r"\bamsterdam\b",
    "Brussels": r"\bbrussels\b|\bbruxelles\b|\bbruselas\b",
    "Lisbon": r"\blisbon(?:ne)?\b|\blisboa\b",
    "Porto": r"(?-i:\bPorto\b)",
    "Milan": r"\bmilan\b|\bmil[aá]n\b",
    "Zurich": r"\bz[uü]rich\b",
    "Geneva": r"\bgeneva\b|\bgen[eè]ve\b|\bginebra\b",
    "Luxembourg": r"\bluxembourg\b",
    "New York": r"\bnew york\b|\bnyc\b",
    "San Francisco": r"\bsan francisco\b",
    "Los Angeles": r"\blos angeles\b",
    "Seattle": r"\bseattle\b",
    "Austin": r"(?-i:\bAustin\b)",
    "Boston": r"\bboston\b",
    "Chicago": r"\bchicago\b",
    "Denver": r"\bdenver\b",
    "Toronto": r"\btoronto\b",
    "Montreal": r"\bmontr[eé]al\b",
    "Mexico City": r"\bmexico city\b|\bciudad de m[eé]xico\b",
    "Buenos Aires": r"\bbuenos aires\b",
    "Tokyo": r"\btok[iy]o\b",
    "Singapore": r"\bsingapore\b|\bsingapour\b|\bsingapur\b",
}

# Canonical language (English name) -> pattern in the three languages.
LANGUAGE_NAMES: Mapping[str, str] = {
    "English": r"\benglish\b|\banglais\b|\bingl[eé]s\b",
    "French": r"\bfrench\b|\bfran[cç]ais\b|\bfranc[eé]s\b",
    "Spanish": r"\bspanish\b|\bespagnol\b|\bespa[nñ]ol\b|\bcastellano\b",
    "German": r"\bgerman\b|\ballemand\b|\balem[aá]n\b",
    "Italian": r"\bitalian\b|\bitalien\b|\bitaliano\b",
    "Portuguese": r"\bportuguese\b|\bportugais\b|\bportugu[eé]s\b",
    "Dutch": r"\bdutch\b|\bn[ée]erlandais\b|\bneerland[eé]s\b",
}
# A language name counts as required only beside one of these words.
LANGUAGE_CUES = re.compile(
    r"\b(must|required|requirement|fluent|fluency|proficien\w*|native|speak\w*|spoken|level|"
    r"no-brainer|working (?:language|proficiency)|written|oral|plus|bonus|"
    r"courant|ma[iî]tris\w*|requis|exig\w*|bilingue|niveau|parl\w+|[eé]crit|indispensable|"
    r"obligatoire|un plus|atout|fluide|"
    r"fluido|nivel|imprescindible|requerido|requisito|valora\w*|habla\w*|dominio|nativo)\b",
    re.IGNORECASE,
)

# Section kinds, tried in order; the first whose pattern a heading contains wins.
# "container" headings ("Job description") wrap everything and say nothing.
HEADING_KINDS: tuple[tuple[str, str], ...] = (
    ("summary", r"\b(r[eé]sum[eé]|summary|en bref|resumen|at a glance|key facts)\b"),
    (
        "container",
        r"^(the job|job description|le poste|descriptif du poste|description du poste|"
        r"description de l'offre|la oferta|descripci[oó]n( de la oferta| del puesto)?|"
        r"about the (role|job|position))$",
    ),
    (
        "process",
        r"\b(recruitment process|hiring process|interview(s|ing)? process|interviews?|"
        r"selection process|next steps|process(us)? de recrutement|recrutement|"
        r"d[eé]roul[eé]|entretiens?|proceso de selecci[oó]n|proceso|selecci[oó]n|"
        r"entrevistas?)\b",
    ),
    (
        "stack",
        r"\b(stack|tech(nical|nology)? environment|environnement (technique|tech)|"
        r"technologies|technologies utilis[eé]es|tecnolog[ií]as|tools|outils|herramientas|"
        r"entorno t[eé]cnico|tooling)\b",
    ),
    (
        "architecture",
        r"\b(technical challenges|architecture|d[eé]fis techniques|enjeux techniques|"
        r"retos t[eé]cnicos|arquitectura)\b",
    ),
    (
        "salary",
        r"\b(salary|compensation|pay|salaire|r[eé]mun[eé]ration|salario|sueldo|"
        r"retribuci[oó]n)\b",
    ),
    ("remote", r"\b(remote|t[eé]l[eé]travail|teletrabajo|remoto|hybrid|hybride|h[ií]brido)\b"),
    (
        "location",
        r"\b(locations?|localisation|lieu|where|bureaux|offices?|ubicaci[oó]n|"
        r"d[oó]nde|oficinas?)\b",
    ),
    (
        "benefits",
        r"\b(benefits|perks|avantages|what we offer|ce que nous (offrons|proposons)|"
        r"on t'offre|nous vous offrons|beneficios|ofrecemos|lo que ofrecemos|ventajas)\b",
    ),
    (
        "apply",
        r"\b(how to apply|apply|postuler|candidature|candidater|c[oó]mo (aplicar|postular)|"
        r"post[uú]late|inscr[ií]bete)\b",
    ),
    (
        "requirements",
        r"\b(requirements?|qualifications?|profile|about you|who you are|you have|"
        r"what we('re| are) looking for|must.have|nice.to.have|skills|"
        r"profil( recherch[eé])?|comp[eé]tences|pr[eé]requis|ce que nous recherchons|"
        r"requisitos|perfil|buscamos|qu[eé] buscamos|lo que buscamos|experiencia)\b",
    ),
    (
        "role",
        r"\b(role|responsibilit(y|ies)|missions?|what you('ll| will) do|your day|"
        r"challenges|r[oô]le|t[aâ]ches|ce que (tu feras|vous ferez)|tes missions|vos missions|"
        r"tu misi[oó]n|funciones|responsabilidades|qu[eé] har[aá]s|tu d[ií]a a d[ií]a|"
        r"retos)\b",
    ),
    (
        "team",
        r"\b(team|engineering department|department|[eé]quipe|equipo|departamento|"
        r"notre tech|our tech)\b",
    ),
    (
        "company",
        r"\b(about us|who we are|about the company|company|qui sommes.nous|l'entreprise|"
        r"la soci[eé]t[eé]|[aà] propos|qui[eé]nes somos|la empresa|sobre nosotros)\b",
    ),
)

# Labels of "Label: value" lines -> the fact they state.
FACT_LABELS: tuple[tuple[str, str], ...] = (
    ("salary", r"^(salary|compensation|pay|salaire|r[eé]mun[eé]ration|salario|sueldo)"),
    ("remote", r"^(remote|t[eé]l[eé]travail|teletrabajo|remoto|work model|mode de travail)"),
    (
        "location",
        r"^(locations?|localisation|lieu|ville|city|ubicaci[oó]n|ciudad|office|bureau|"
        r"lieu de travail|based in)",
    ),
    ("contract", r"^(contract|contrat|type de contrat|contrato|employment type|job type)"),
    ("experience", r"^(experience|exp[eé]rience|experiencia|seniority|niveau|level|nivel)"),
    ("company", r"^(company|entreprise|soci[eé]t[eé]|empresa|employer|employeur)$"),
    ("title", r"^(job title|title|poste|intitul[eé]|puesto|position)$"),
    ("start", r"^(start date|date de d[eé]but|d[eé]but|fecha de inicio|incorporaci[oó]n)"),
    ("apply", r"^(how to apply|to apply|apply|postuler|candidature|c[oó]mo (aplicar|postular))"),
)

REMOTE_WORDS = re.compile(
    r"\b(remote|remotely|wfh|work from home|working from home|hybrid|on-?site|in[- ]office|"
    r"t[eé]l[eé]travail|hybride|pr[eé]sentiel|sur site|full remote|"
    r"teletrabajo|remoto|h[ií]brido|presencial|en remoto|en la oficina)\b",
    re.IGNORECASE,
)
# Policy -> pattern, most specific first.
REMOTE_POLICIES: tuple[tuple[str, str], ...] = (
    (
        "fully remote",
        r"\b(fully remote|full remote|100 ?% (remote|t[eé]l[eé]travail|remoto)|remote.first|"
        r"t[eé]l[eé]travail (complet|total|int[eé]gral)|totalmente (en )?remoto|"
        r"remoto al 100|work from anywhere)\b",
    ),
    (
        "hybrid",
        r"\b(hybrid|hybride|h[ií]brido|\d\s*(days?|jours?|d[ií]as?)\b.{0,30}"
        r"(remote|t[eé]l[eé]travail|teletrabajo|office|bureau|oficina|semaine|week|semana))",
    ),
    ("frequent remote", r"\b(t[eé]l[eé]travail fr[eé]quent|frequent remote|remote friendly)\b"),
    (
        "occasional remote",
        r"\b(t[eé]l[eé]travail (occasionnel|ponctuel)|occasional remote|teletrabajo ocasional)\b",
    ),
    (
        "on-site",
        r"\b(on-?site|in[- ]office|pr[eé]sentiel|sur site|presencial|no remote|"
        r"pas de t[eé]l[eé]travail|sin teletrabajo)\b",
    ),
    ("remote", r"\b(remote|t[eé]l[eé]travail|teletrabajo|remoto)\b"),
)
DAYS_PER_WEEK = re.compile(r"\b(\d)\s*(?:days?|jours?|d[ií]as?)\b", re.IGNORECASE)

SALARY_SILENT = re.compile(
    r"\b(not specified|unspecified|non sp[eé]cifi[eé]|non communiqu[eé]|no especificado|"
    r"selon (profil|exp[eé]rience)|[aà] n[eé]gocier|negotiable|negociable|competitive|"
    r"comp[eé]titif|competitivo|depending on experience|doe|seg[uú]n (experiencia|valía))\b",
    re.IGNORECASE,
)
SALARY_WORDS = re.compile(
    r"\b(salary|salaries|compensation|pay|base|ote|salaire|r[eé]mun[eé]ration|brut|"
    r"salario|sueldo|retribuci[oó]n|bruto|package)\b",
    re.IGNORECASE,
)
CURRENCIES: Mapping[str, str] = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "k€": "EUR",
    "$": "USD",
    "usd": "USD",
    "us$": "USD",
    "£": "GBP",
    "gbp": "GBP",
}

CONTRACTS: Mapping[str, str] = {
    "permanent (CDI)": r"\bcdi\b|\bpermanent\b|\bcontrato indefinido\b|\bindefinido\b",
    "fixed-term (CDD)": r"\bcdd\b|\bfixed.term\b|\bcontrato temporal\b",
    "full-time": r"\bfull.time\b|\btemps plein\b|\bjornada completa\b|\btiempo completo\b",
    "part-time": r"\bpart.time\b|\btemps partiel\b|\bmedia jornada\b|\btiempo parcial\b",
    "freelance": r"\bfreelance\b|\bcontractor\b|\bind[eé]pendant\b|\baut[oó]nomo\b",
    "internship": r"\binternship\b|\bintern\b|\bstage\b|\bstagiaire\b|\bpr[aá]cticas\b",
    "apprenticeship": r"\balternance\b|\bapprenticeship\b|\bapprenti\b",
}

EXPERIENCE_LEVELS: Mapping[str, str] = {
    "junior": r"\bjunior\b|\bentry.level\b|\bd[eé]butant\w*\b",
    "mid-level": r"\bmid.level\b|\bconfirm[eé]e?\b|\bintermediate\b|\bsemi.senior\b",
    "experienced": r"\bexperienced\b|\bexp[eé]riment[eé]\w*\b|\bcon experiencia\b",
    "senior": r"\bsenior\b|\bs[eé]nior\b",
    "lead": r"\blead\b|\bprincipal\b|\btech lead\b",
}
YEARS_OF_EXPERIENCE = re.compile(
    r"(\d+)\s*(?:\+|-\s*\d+|to \d+|à \d+|a \d+)?\s*(?:\+\s*)?(?:years?|yrs|ans|años)",
    re.IGNORECASE,
)

# Sentences about the company as a whole: size, reach, money, mission.
COMPANY_CUES = re.compile(
    r"\b(employees|people|countries|customers|clients|founded|raised|valuation|leading|"
    r"leader|mission|offices|salari[eé]s|collaborateurs|pays|fond[eé]e|lev[eé]|"
    r"empleados|personas|pa[ií]ses|fundada|clientes|l[ií]der|misi[oó]n|oficinas)\b",
    re.IGNORECASE,
)
TEAM_CUES = re.compile(
    r"\b(team of|teams|engineers|developers|squads?|tech team|department|"
    r"[eé]quipe de|[eé]quipes|d[eé]veloppeur\w*|ing[eé]nieur\w*|"
    r"equipo de|equipos|desarrollador\w*|ingenier[oa]s)\b",
    re.IGNORECASE,
)
WAYS_OF_WORKING_CUES = re.compile(
    r"\b(agile|scrum|kanban|sprints?|rituals?|squad|build it and run it|pair programming|"
    r"code reviews?|on-?call|astreintes?|m[eé]thod\w*|rituels?|guardias?|metodolog[ií]a)\b",
    re.IGNORECASE,
)
CAREER_CUES = re.compile(
    r"\b(career|professional development|learning|mentor\w*|training|growth path|"
    r"carri[eè]re|formations?|d[eé]veloppement professionnel|[eé]volution|"
    r"carrera|formaci[oó]n|desarrollo profesional|aprendizaje)\b",
    re.IGNORECASE,
)
APPLY_CUES = re.compile(
    r"\b(apply|send (us )?your|cv|resume|postule[rz]?|candidature|envoie|envoyez|"
    r"aplica|env[ií]a(nos)?|curr[ií]culum)\b",
    re.IGNORECASE,
)
URL = re.compile(r"https?://[^\s)>\]]+|\b[\w.+-]+@[\w-]+\.[\w.-]+\b")

# Lines job boards add around a posting (Welcome to the Jungle, LinkedIn...).
BOILERPLATE = re.compile(
    r"^(cette offre vous tente|envie d.en savoir plus|d.autres offres vous correspondent|"
    r"ces entreprises recrutent aussi|postuler|sauvegarder|partager|apply now|apply|save|"
    r"share|see more|show (more|less)|voir (plus|moins)|ver m[aá]s|compartir|guardar|"
    r"te interesa esta oferta)",
    re.IGNORECASE,
)
