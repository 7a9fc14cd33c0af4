#!/usr/bin/env python3
"""Generate the Acme Group example organisation for `aivalue apply -f`.

Acme Group is a fictional mid-size home, motor and travel insurer that sells direct
(web, phone, a "help me choose" assistant) and through retail partners. This script
writes three multi-document YAML files next to itself:

    teams.yaml        kind: Team        (33 teams, each with a lead)
    people.yaml       kind: Person      (about 400 people, manager chain to the CEO)
    initiatives.yaml  kind: Initiative  (17 AI initiatives over the five value models)

It uses only the Python standard library and a fixed random seed, so running it
again produces byte-identical files:

    python3 examples/acme/generate.py
"""

import json
import os
import random
import re
import sys
import textwrap
import unicodedata
from collections import Counter

SEED = 20260301
DOMAIN = "acme.example"
HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# Names: first names and surnames grouped by culture, so most people get a
# plausible combination; a minority get a first name from one culture and a
# surname from another, as in any large diverse workforce.
# ---------------------------------------------------------------------------
CULTURES = {
    "english": (
        "Oliver Amelia Harry Sophie Jack Charlotte George Emily Thomas Hannah James Lucy "
        "Daniel Chloe Samuel Grace Matthew Rebecca Andrew Laura",
        "Smith Jones Taylor Brown Wilson Evans Walker Wright Hughes Green Hall Clarke "
        "Turner Cooper Ward Morris Bennett Palmer Fletcher Harding",
    ),
    "irish": (
        "Aoife Ciarán Niamh Seán Siobhán Declan Orla Eoin Saoirse Cormac Róisín Padraig",
        "Murphy Kelly O'Brien Byrne Ryan O'Connor Walsh McCarthy Doyle Gallagher Kavanagh "
        "Quinn",
    ),
    "italian": (
        "Maria Giulia Luca Marco Francesca Alessandro Chiara Matteo Elena Davide Sara "
        "Lorenzo Valentina Giorgio",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno "
        "Gallo Conti Mancini",
    ),
    "spanish": (
        "José Lucía Carlos Carmen Javier Elena Alejandro Marta Diego Paula Pablo Sofía "
        "Miguel Isabel Andrés",
        "García Martínez López Sánchez Pérez González Rodríguez Fernández Romero Navarro "
        "Torres Domínguez Vázquez Castillo Ortega",
    ),
    "latam": (
        "Camila Mateo Valentina Santiago Gabriela Sebastián Daniela Nicolás Mariana "
        "Felipe Renata Tomás",
        "Hernández Ramírez Flores Morales Reyes Cruz Gutiérrez Mendoza Aguilar Rojas "
        "Vargas Castro",
    ),
    "portuguese": (
        "João Ana Pedro Beatriz Rafael Inês Tiago Mariana Gustavo Larissa Bruno Fernanda",
        "Silva Santos Oliveira Souza Costa Pereira Almeida Ferreira Carvalho Ribeiro "
        "Rocha Barbosa",
    ),
    "french": (
        "Camille Julien Léa Antoine Chloé Mathieu Manon Nicolas Élodie Hugo Claire "
        "Thibault",
        "Martin Bernard Dubois Lefebvre Moreau Laurent Girard Rousseau Fontaine Chevalier "
        "Mercier Lambert",
    ),
    "german": (
        "Anna Lukas Lena Jonas Katharina Felix Johanna Maximilian Sabine Tobias Miriam "
        "Florian Jens Ulrike",
        "Müller Schmidt Schneider Fischer Weber Becker Hoffmann Schäfer Koch Richter "
        "Wagner Zimmermann Krüger Hartmann",
    ),
    "dutch": (
        "Sanne Daan Femke Bram Lotte Joris Anouk Thijs Eline Ruben",
        "de Vries Jansen Bakker Visser Smit Meijer de Jong Mulder Bos Vos",
    ),
    "nordic": (
        "Erik Ingrid Lars Astrid Nils Freja Magnus Sigrid Henrik Maja Anders Linnea "
        "Bjørn Sofie",
        "Andersson Johansson Nilsson Larsen Hansen Berg Lindqvist Eriksen Holm Dahl "
        "Nyström Lund Solberg Halvorsen",
    ),
    "polish": (
        "Katarzyna Piotr Agnieszka Tomasz Magdalena Paweł Joanna Michał Zofia Krzysztof "
        "Aleksandra Marek",
        "Kowalski Nowak Wiśniewska Wójcik Kamińska Lewandowski Zieliński Szymańska "
        "Dąbrowski Kozłowska Jankowski Mazur",
    ),
    "czech": (
        "Jana Jakub Tereza Ondřej Veronika Petr Lucie Martin Kateřina Vojtěch",
        "Novák Svobodová Dvořák Černá Procházka Kučerová Veselý Horáková Němec Marek",
    ),
    "ukrainian": (
        "Olena Dmytro Iryna Andriy Oksana Taras Yulia Oleksandr Natalia Bohdan",
        "Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Melnyk Boyko Oliynyk "
        "Lysenko Moroz",
    ),
    "greek": (
        "Nikos Eleni Giorgos Katerina Dimitris Sofia Yannis Maria Kostas Despina",
        "Papadopoulos Georgiou Dimitriou Nikolaidis Papadaki Konstantinou Vlachos "
        "Karagianni Oikonomou Antoniou",
    ),
    "turkish": (
        "Emre Zeynep Mehmet Elif Can Ayşe Burak Selin Deniz Cem Ebru Kerem",
        "Yılmaz Kaya Demir Şahin Çelik Aydın Öztürk Arslan Doğan Koç Kurt Aksoy",
    ),
    "arabic": (
        "Omar Layla Ahmed Fatima Youssef Nour Karim Amira Hassan Rania Khalid Salma "
        "Tariq Yasmin",
        "Haddad Khoury Mansour Saleh Nasser Rahman Aziz Hamdan Farouk Qasim Darwish "
        "Haidar Sabbagh Hakim",
    ),
    "persian": (
        "Arash Shirin Dariush Leila Kian Parisa Reza Nasrin Babak Mina",
        "Ahmadi Hosseini Karimi Moradi Rostami Jafari Tehrani Sadeghi Farahani Rahimi",
    ),
    "indian": (
        "Priya Arjun Ananya Rohan Kavya Vikram Deepa Rahul Sneha Aditya Meera Sanjay "
        "Lakshmi Karthik Neha Ravi Pooja Anil Divya Suresh",
        "Sharma Patel Gupta Iyer Reddy Nair Singh Kumar Mehta Desai Rao Joshi Chatterjee "
        "Menon Pillai Bhat Kapoor Malhotra Verma Krishnan",
    ),
    "pakistani_bangladeshi": (
        "Ayesha Imran Sana Bilal Farhan Nadia Hamza Zainab Tanvir Farzana Rafiq Shabnam",
        "Khan Chaudhry Qureshi Hussain Malik Siddiqui Rahim Ahmed Hossain Begum Islam "
        "Sheikh",
    ),
    "chinese": (
        "Wei Li Jing Hao Xin Yu Mei Jun Lan Ming Xiu Chen Yan Bo",
        "Wang Zhang Liu Chen Yang Huang Zhao Zhou Wu Xu Sun Ma Zhu Lin",
    ),
    "japanese": (
        "Haruto Yui Sota Aoi Ren Hina Kenji Sakura Takumi Mei Daiki Yuki",
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato "
        "Yoshida Yamada",
    ),
    "korean": (
        "Min-jun Seo-yeon Ji-ho Ha-eun Do-hyun Soo-ah Jae-won Yuna Hyun-woo Ji-woo",
        "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim",
    ),
    "vietnamese": (
        "Linh Minh Thao Quang Huong Tuan Lan Duc Mai Khanh",
        "Nguyen Tran Le Pham Hoang Phan Vu Dang Bui Do",
    ),
    "filipino": (
        "Maricel Jose Angelica Mark Kristine Paolo Rowena Jericho Lea Ramon",
        "Santos Reyes Cruz Bautista Ocampo Garcia Mendoza Villanueva Aquino Dela Cruz",
    ),
    "nigerian": (
        "Chinedu Ngozi Oluwaseun Adaeze Emeka Folake Tunde Chiamaka Ifeanyi Yetunde "
        "Kelechi Funmilayo",
        "Okafor Adeyemi Okonkwo Balogun Eze Nwosu Adebayo Obi Ogunleye Chukwu Afolabi "
        "Nnamdi",
    ),
    "ghanaian": (
        "Kwame Ama Kofi Akosua Yaw Abena Kojo Efua Kwabena Adwoa",
        "Mensah Boateng Owusu Asante Osei Appiah Acheampong Darko Agyeman Ofori",
    ),
    "east_african": (
        "Wanjiru Otieno Amani Achieng Baraka Nyambura Juma Zawadi Kamau Halima",
        "Mwangi Odhiambo Kariuki Njoroge Wambui Mutua Omondi Kiprop Chebet Abdi",
    ),
    "caribbean": (
        "Marcus Keisha Andre Shanice Dwayne Tamika Jerome Simone",
        "Campbell Williams Thompson Francis Grant Henry Powell Edwards",
    ),
}

# Letters that NFKD does not reduce to ASCII on its own.
TRANSLIT = {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "Æ": "ae",
            "ı": "i", "đ": "d", "Đ": "d", "œ": "oe"}


def slugify_name(text):
    """ASCII, lowercase, letters/digits/hyphens only ("Dąbrowski" -> "dabrowski")."""
    text = "".join(TRANSLIT.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("'", "").replace(" ", "-")
    text = re.sub(r"[^a-z0-9-]", "", text)
    return re.sub(r"-+", "-", text).strip("-")


# ---------------------------------------------------------------------------
# Organisation. Each function has a top team (led by the function head) and
# sub-teams (led by a team manager). The executive office (function:
# operations) holds the CEO. Roles: ("role", count) excluding the lead; every
# role group within a function has at least 5 people.
# ---------------------------------------------------------------------------
HEAD_ROLE = "Function head"
LEAD_ROLE = "Team manager"

# name, title, function, parent, [(role, count)]
TEAMS = [
    ("executive", "Executive office", "operations", None,
     [("Chief of staff", 1), ("AI programme manager", 1), ("Strategy analyst", 3),
      ("Executive assistant", 2)]),

    ("operations", "Operations", "operations", "executive",
     [("Operations analyst", 2)]),
    ("operations-claims-motor", "Motor claims", "operations", "operations",
     [("Claims handler", 26), ("Claims assessor", 8)]),
    ("operations-claims-property", "Home and property claims", "operations", "operations",
     [("Claims handler", 22), ("Claims assessor", 7)]),
    ("operations-underwriting", "Underwriting", "operations", "operations",
     [("Underwriter", 16), ("Policy administrator", 4)]),
    ("operations-policy-admin", "Policy administration", "operations", "operations",
     [("Policy administrator", 14), ("Operations analyst", 4)]),

    ("customer-service", "Customer service", "customer_service", "executive",
     [("Service quality coach", 1)]),
    ("customer-service-contact-centre", "Contact centre", "customer_service",
     "customer-service",
     [("Customer service agent", 36), ("Senior customer service agent", 8),
      ("Service quality coach", 4)]),
    ("customer-service-digital", "Chat and email service", "customer_service",
     "customer-service",
     [("Customer service agent", 10), ("Senior customer service agent", 2)]),
    ("customer-service-complaints", "Complaints", "customer_service", "customer-service",
     [("Complaints specialist", 11)]),

    ("sales", "Sales", "sales", "executive",
     [("Sales operations analyst", 2)]),
    ("sales-direct", "Direct sales", "sales", "sales",
     [("Sales adviser", 20), ("Sales operations analyst", 3)]),
    ("sales-partnerships", "Partnerships and brokers", "sales", "sales",
     [("Partnership manager", 8), ("Account manager", 7)]),

    ("engineering", "Engineering", "engineering", "executive",
     [("Senior software engineer", 1)]),
    ("engineering-platform", "Platform engineering", "engineering", "engineering",
     [("Software engineer", 7), ("Senior software engineer", 4), ("Test engineer", 2)]),
    ("engineering-digital", "Digital channels", "engineering", "engineering",
     [("Software engineer", 9), ("Senior software engineer", 3), ("Test engineer", 4)]),
    ("engineering-data", "Data and analytics", "engineering", "engineering",
     [("Data engineer", 6), ("Data scientist", 6)]),

    ("finance", "Finance", "finance", "executive",
     [("Financial analyst", 1)]),
    ("finance-accounting", "Accounting", "finance", "finance",
     [("Accountant", 7), ("Accounts payable specialist", 5)]),
    ("finance-fpa", "Planning and analysis", "finance", "finance",
     [("Financial analyst", 5)]),
    ("finance-procurement", "Procurement", "finance", "finance",
     [("Procurement specialist", 5)]),
    ("finance-actuarial", "Actuarial", "finance", "finance",
     [("Actuarial analyst", 7)]),

    ("legal", "Legal", "legal", "executive",
     [("Paralegal", 1)]),
    ("legal-contracts", "Contracts", "legal", "legal",
     [("Contracts counsel", 6), ("Paralegal", 4)]),
    ("legal-compliance", "Regulatory compliance", "legal", "legal",
     [("Compliance officer", 7)]),

    ("hr", "People and HR", "hr", "executive", []),
    ("hr-people-partners", "People partners", "hr", "hr",
     [("HR business partner", 5), ("HR adviser", 5)]),
    ("hr-talent", "Talent and learning", "hr", "hr",
     [("Recruiter", 5), ("Learning specialist", 5)]),

    ("quality", "Quality assurance", "quality", "executive",
     [("Quality analyst", 6)]),

    ("marketing", "Marketing", "marketing", "executive",
     [("Digital marketer", 5), ("Content designer", 5)]),

    ("it", "IT", "it", "executive",
     [("Systems administrator", 5)]),
    ("it-service-desk", "IT service desk", "it", "it",
     [("Service desk analyst", 6)]),
    ("it-security", "Information security", "it", "it",
     [("Security analyst", 5)]),
]

CHAMPION_SHARE = 0.04

# Initiatives. owner is ("head", team) | ("lead", team) | ("role", role title).
INITIATIVES = [
    dict(name="ai-starter-workflows", title="Role starter workflows", model="workforce",
         owner=("role", "AI programme manager"), phase=1, status="production",
         teams=["executive", "hr-talent", "it"], started="2025-09-01",
         description="A catalogue of tested AI workflows for each major role, from claim "
                     "notes to month-end commentary, published inside the tools staff "
                     "already use."),
    dict(name="ai-champions-network", title="AI champions network", model="workforce",
         owner=("lead", "hr-talent"), phase=1, status="production",
         teams=["hr-talent", "hr-people-partners"], started="2025-10-06",
         description="Volunteer champions in every function get two hours a week to coach "
                     "colleagues and share patterns that work."),
    dict(name="safe-ai-use-rules", title="Safe AI use rules", model="workforce",
         owner=("lead", "legal-compliance"), phase=1, status="production",
         teams=["legal-compliance", "it-security"], started="2025-08-18",
         description="Sets out which AI use is allowed, what must be reviewed, what is "
                     "logged and who owns each tool."),
    dict(name="prompt-library-wiki", title="Prompt library wiki", model="workforce",
         owner=("head", "it"), phase=1, status="retired", teams=["it"],
         started="2025-03-03",
         description="An early wiki of copied prompts, replaced by shared assistants with "
                     "named owners."),

    dict(name="cover-advisor-assistant", title="Help me choose cover assistant",
         model="distribution", owner=("head", "sales"), phase=2, status="pilot",
         teams=["sales-direct", "engineering-digital", "marketing"], started="2026-01-12",
         description="A conversational guide on the website that helps customers compare "
                     "home and motor cover and hands qualified quotes to sales advisers."),
    dict(name="partner-quote-connector", title="Partner checkout quote connector",
         model="distribution", owner=("lead", "sales-partnerships"), phase=2,
         status="proposed", teams=["sales-partnerships", "engineering-platform"],
         description="An embedded app that offers travel and gadget cover inside retail "
                     "partners' checkouts and AI assistants."),
    dict(name="ai-search-campaigns", title="AI search campaigns", model="distribution",
         owner=("head", "marketing"), phase=2, status="paused", teams=["marketing"],
         started="2025-11-03",
         description="Campaigns aimed at AI answer engines; paused after lead volume rose "
                     "while 90-day retention of those customers fell."),

    dict(name="contract-review-assistant", title="Supplier contract review",
         model="expert", owner=("lead", "legal-contracts"), phase=2, status="production",
         teams=["legal-contracts", "finance-procurement"], started="2025-11-17",
         description="AI first-pass review of supplier contracts against the playbook, "
                     "with counsel signing off every clause it flags."),
    dict(name="underwriting-risk-briefs", title="Underwriting risk briefs", model="expert",
         owner=("lead", "operations-underwriting"), phase=2, status="pilot",
         started="2025-10-20",
         description="A well-received showcase that drafts commercial property risk "
                     "briefs; not yet used on live submissions and no team owns it."),
    dict(name="complaints-root-cause", title="Complaints root-cause synthesis",
         model="expert", owner=("lead", "customer-service-complaints"), phase=2,
         status="proposed", teams=["customer-service-complaints", "quality"],
         description="Monthly synthesis of complaint themes with evidence, reviewed by "
                     "the complaints team before it reaches the risk committee."),
    dict(name="reserving-analysis-assistant", title="Reserving analysis assistant",
         model="expert", owner=("lead", "finance-actuarial"), phase=2, status="pilot",
         teams=["finance-actuarial"], started="2026-02-02",
         description="Drafts reserving commentary and runs more sensitivity scenarios per "
                     "quarter, each reviewed by a qualified actuary."),

    dict(name="policy-wording-change-control", title="Policy wording change control",
         model="systems", owner=("head", "legal"), phase=3, status="pilot",
         teams=["legal-compliance", "operations-policy-admin", "operations-underwriting"],
         started="2026-02-16",
         description="Keeps policy wordings, product summaries and claims procedures "
                     "consistent when any one of them changes, with traced sign-off."),
    dict(name="coding-agent-guardrails", title="Coding agents under change control",
         model="systems", owner=("lead", "engineering-platform"), phase=3,
         status="proposed", teams=["engineering-platform", "engineering-digital"],
         description="Lets coding agents open changes across services only through the "
                     "dependency graph, review and approval path."),
    dict(name="claims-sop-dependency-map", title="Claims procedure dependency map",
         model="systems", owner=("head", "quality"), phase=3, status="proposed",
         teams=["quality", "operations-claims-motor", "operations-claims-property"],
         description="Maps which claims procedures, letters and training notes depend on "
                     "each other before any automated editing is allowed."),

    dict(name="claims-triage-agent", title="Motor claims triage agent", model="process",
         owner=("lead", "operations-claims-motor"), phase=3, status="pilot",
         teams=["operations-claims-motor", "it"], started="2026-03-01",
         description="An agent that reads first notice of loss, checks cover and routes "
                     "motor claims; piloted before the Phase 2 gate was earned."),
    dict(name="procure-to-pay-agent", title="Procure-to-pay agent", model="process",
         owner=("lead", "finance-procurement"), phase=3, status="proposed",
         teams=["finance-procurement", "finance-accounting"],
         description="Agents match purchase orders, receipts and invoices and route "
                     "mismatches to accounts payable."),
    dict(name="service-desk-resolution-agent", title="IT service desk resolution agent",
         model="process", owner=("lead", "it-service-desk"), phase=3, status="paused",
         teams=["it-service-desk"], started="2025-12-01",
         description="Resolves password and access tickets end to end; paused until its "
                     "entitlements are narrowed and reviewed."),
]


# ---------------------------------------------------------------------------
# YAML emission (a tiny, predictable subset: block mappings, flow lists of
# slugs, folded scalars for long text, double quotes whenever a value could be
# misread).
# ---------------------------------------------------------------------------
RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}
PLAIN_OK = re.compile(r"^[^\W\d_][\w .,'()/&@+-]*$")


def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    s = str(value)
    if (PLAIN_OK.match(s) and s.lower() not in RESERVED and not s.endswith(" ")
            and "  " not in s):
        return s
    return json.dumps(s, ensure_ascii=False)


def emit_doc(fields):
    out = []
    for key, value in fields:
        if value is None:
            continue
        if isinstance(value, list):
            line = f"{key}: [{', '.join(scalar(v) for v in value)}]"
            if len(line) < 100:
                out.append(line)
            else:
                out.append(f"{key}:")
                out.extend(f"  - {scalar(v)}" for v in value)
        elif isinstance(value, str) and len(f"{key}: {scalar(value)}") >= 100:
            out.append(f"{key}: >-")
            out.extend(textwrap.wrap(value, width=88, initial_indent="  ",
                                     subsequent_indent="  "))
        else:
            out.append(f"{key}: {scalar(value)}")
    return "\n".join(out) + "\n"


def write_docs(path, header, docs):
    # Every document starts with "---", so the files can also be concatenated.
    text = header + "".join("---\n" + emit_doc(d) for d in docs)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# ---------------------------------------------------------------------------
# Build.
# ---------------------------------------------------------------------------
def build():
    rng = random.Random(SEED)
    cultures = sorted(CULTURES)
    pools = {c: (CULTURES[c][0].split(), CULTURES[c][1].split()) for c in cultures}
    # Two-word surnames ("de Vries", "Dela Cruz") are written with a protected space.
    for c in cultures:
        firsts, lasts = pools[c]
        merged, i = [], 0
        while i < len(lasts):
            if lasts[i] in ("de", "Dela") and i + 1 < len(lasts):
                merged.append(lasts[i] + " " + lasts[i + 1])
                i += 2
            else:
                merged.append(lasts[i])
                i += 1
        pools[c] = (firsts, merged)

    used_display, used_slug = set(), set()

    def new_person(role, team):
        while True:
            c = rng.choice(cultures)
            first = rng.choice(pools[c][0])
            c2 = c if rng.random() < 0.85 else rng.choice(cultures)
            last = rng.choice(pools[c2][1])
            display = f"{first} {last}"
            if display not in used_display:
                break
        used_display.add(display)
        base = f"{slugify_name(first)}.{slugify_name(last)}"
        slug, n = base, 2
        while slug in used_slug:
            slug, n = f"{base}{n}", n + 1
        used_slug.add(slug)
        return {"name": slug, "display_name": display, "email": f"{slug}@{DOMAIN}",
                "role": role, "team": team, "manager": None, "champion": False}

    team_by_name = {t[0]: t for t in TEAMS}
    people, leads = [], {}
    # Leads first (CEO, then function heads, then team managers) so the manager
    # chain can be wired in one pass.
    for name, title, function, parent, roles in TEAMS:
        if parent is None:
            role = "Chief executive"
        elif parent == "executive":
            role = HEAD_ROLE
        else:
            role = LEAD_ROLE
        lead = new_person(role, name)
        leads[name] = lead
        people.append(lead)
    for name, title, function, parent, roles in TEAMS:
        lead = leads[name]
        if parent is not None:
            lead["manager"] = leads[parent]["name"]
        for role, count in roles:
            for _ in range(count):
                p = new_person(role, name)
                p["manager"] = lead["name"]
                people.append(p)

    function_of = {p["name"]: team_by_name[p["team"]][2] for p in people}

    # Champions: about 4% of each function (at least one), never a lead.
    lead_names = {p["name"] for p in leads.values()}
    by_function = {}
    for p in people:
        by_function.setdefault(function_of[p["name"]], []).append(p)
    for fn in sorted(by_function):
        members = [p for p in by_function[fn] if p["name"] not in lead_names]
        k = max(1, round(len(by_function[fn]) * CHAMPION_SHARE))
        for p in rng.sample(members, k):
            p["champion"] = True

    # Initiatives: resolve owners.
    by_role = {}
    for p in people:
        by_role.setdefault(p["role"], []).append(p)
    initiatives = []
    for spec in INITIATIVES:
        kind, ref = spec["owner"]
        if kind in ("head", "lead"):
            owner = leads[ref]["name"]
        else:
            owner = by_role[ref][0]["name"]
        initiatives.append(dict(spec, owner=owner))

    return people, leads, function_of, initiatives


def check(people, leads, function_of, initiatives):
    """Fail loudly if the generated data breaks any rule the loader enforces."""
    names = {p["name"] for p in people}
    team_names = {t[0] for t in TEAMS}
    assert len(names) == len(people), "duplicate person names"
    assert len({p["display_name"] for p in people}) == len(people), "duplicate display names"
    for p in people:
        assert re.match(r"^[a-z0-9][a-z0-9.-]*$", p["name"]), p["name"]
        assert p["team"] in team_names
        assert p["manager"] is None or p["manager"] in names
    assert sum(1 for p in people if p["manager"] is None) == 1, "exactly one CEO"
    mgr = {p["name"]: p["manager"] for p in people}
    for start in mgr:  # no cycles: every chain ends at the CEO
        seen, cur = set(), start
        while cur is not None:
            assert cur not in seen, f"manager cycle at {start}"
            seen.add(cur)
            cur = mgr[cur]
    for name, title, function, parent, roles in TEAMS:
        assert re.match(r"^[a-z0-9-]+$", name)
        assert parent is None or parent in team_names
        assert leads[name]["team"] == name
    # Role groups of 5+ within each function (leadership roles excepted).
    groups = Counter((function_of[p["name"]], p["role"]) for p in people)
    leadership = {"Chief executive", HEAD_ROLE, LEAD_ROLE, "Chief of staff",
                  "AI programme manager", "Strategy analyst", "Executive assistant"}
    for (fn, role), n in groups.items():
        assert role in leadership or n >= 5, f"role group too small: {fn}/{role} = {n}"
    models = Counter(i["model"] for i in initiatives)
    assert all(models[m] >= 2 for m in
               ("workforce", "distribution", "expert", "systems", "process")), models
    for i in initiatives:
        assert i["owner"] in names
        assert all(t in team_names for t in i.get("teams") or [])
    assert any(i["model"] == "process" and i["phase"] == 3 and i["status"] == "pilot"
               for i in initiatives)
    assert any(i["model"] == "expert" and i["status"] == "pilot" and not i.get("teams")
               for i in initiatives)


def main():
    people, leads, function_of, initiatives = build()
    check(people, leads, function_of, initiatives)

    header = ("# Acme Group example organisation ({what}).\n"
              "# Generated by examples/acme/generate.py -- edit the script, not this file.\n")

    team_docs = []
    for name, title, function, parent, roles in TEAMS:
        team_docs.append([("kind", "Team"), ("name", name), ("title", title),
                          ("function", function), ("parent", parent),
                          ("lead", leads[name]["name"])])
    write_docs(os.path.join(HERE, "teams.yaml"), header.format(what="teams"), team_docs)

    person_docs = []
    for p in people:
        person_docs.append([("kind", "Person"), ("name", p["name"]),
                            ("display_name", p["display_name"]), ("email", p["email"]),
                            ("role", p["role"]), ("team", p["team"]),
                            ("manager", p["manager"]),
                            ("champion", True if p["champion"] else None)])
    write_docs(os.path.join(HERE, "people.yaml"), header.format(what="people"), person_docs)

    init_docs = []
    for i in initiatives:
        init_docs.append([("kind", "Initiative"), ("name", i["name"]), ("title", i["title"]),
                          ("model", i["model"]), ("owner", i["owner"]),
                          ("phase", i["phase"]), ("status", i["status"]),
                          ("description", i.get("description")), ("teams", i.get("teams")),
                          ("started", i.get("started"))])
    write_docs(os.path.join(HERE, "initiatives.yaml"),
               header.format(what="AI initiatives"), init_docs)

    # Summary.
    per_function = Counter(function_of[p["name"]] for p in people)
    champions = sum(1 for p in people if p["champion"])
    print(f"people: {len(people)} (champions: {champions})")
    for fn, n in sorted(per_function.items()):
        print(f"  {fn:<18} {n}")
    print(f"teams: {len(TEAMS)}")
    print(f"initiatives: {len(initiatives)}")
    for m, n in sorted(Counter(i["model"] for i in initiatives).items()):
        print(f"  {m:<18} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
