"""A seeded, labelled evaluation corpus: prose and tables, many cultures, realistic distractors.

Every value is generated. The name pools here are larger than ``synth.people``'s and written
independently of the detector's lexicons: about one name in five is deliberately absent from
them (Mayan, rare Haitian or West African names), so that recall is measured, not assumed.

Distractors are things a publisher's documents are full of and that are *not* personal data
of the people concerned: officials named with their title in a press release, invoice and
order numbers, case counts, report and book-in dates, agency names, places and countries
mentioned as places.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from spillguard.model import Entity

GIVEN = {
    "es": ["María", "José", "Juan Carlos", "Guadalupe", "Luis", "Ana", "Wilmer", "Yesenia", "Brayan",
           "Marvin", "Dulce", "Efraín", "Noemí", "Selvin", "Rosa Elena", "Jorge", "Carmen", "Milagros",
           "Héctor", "Maribel", "Xóchitl", "Yojana", "Edwin", "Kimberly", "Josué", "Ingrid"],
    "ht": ["Jean", "Widline", "Wisly", "Nadège", "Frantz", "Guerline", "Dieudonné", "Lovely",
           "Jocelyne", "Peterson", "Mackenson", "Rosemène"],
    "pt": ["João", "Thiago", "Larissa", "Vinícius", "Raquel", "Gabriela", "Rafael", "Luana"],
    "zh": ["Wei", "Xiaoming", "Jianguo", "Meiling", "Zihan", "Hao", "Yuxuan", "Guoqiang", "Xiuying"],
    "ru": ["Dmitry", "Olga", "Sergei", "Natalya", "Artem", "Oksana", "Taras", "Oleksandr", "Yulia"],
    "ar": ["Mohammed", "Fatima", "Omar", "Khadija", "Youssef", "Abdulrahman", "Amira", "Tariq"],
    "hi": ["Harpreet", "Gurpreet", "Rajesh", "Priya", "Manpreet", "Sandeep", "Anjali"],
    "wa": ["Mamadou", "Aissatou", "Ousmane", "Fatoumata", "Chinedu", "Ngozi", "Kwame", "Abena",
           "Oluwaseun", "Adaeze"],
    "vi": ["Minh", "Thanh", "Huong", "Tuan", "Linh", "Quang"],
}
FAMILY = {
    "es": ["García López", "Hernández", "Martínez Ruiz", "de la Cruz", "Pérez", "Ramírez", "Chávez Morales",
           "Gómez", "Xicará", "Tzul", "Álvarez", "López Mejía", "Castillo", "Reyes Orellana", "Bautista",
           "del Valle", "Ixcoy", "Fuentes"],
    "ht": ["Pierre", "Jean-Baptiste", "Louis", "Desir", "Joseph", "Étienne", "Dorvil", "Exantus"],
    "pt": ["Silva", "Santos", "Oliveira", "Souza", "Ferreira", "Carvalho"],
    "zh": ["Li", "Wang", "Zhang", "Chen", "Liu", "Huang", "Zhao"],
    "ru": ["Ivanov", "Petrova", "Sokolov", "Kuznetsova", "Shevchenko", "Bondarenko", "Morozov"],
    "ar": ["al-Hassan", "Haddad", "Abdullah", "El-Sayed", "Mansour", "bin Saleh", "Abu Zaid"],
    "hi": ["Singh", "Kaur", "Patel", "Sharma", "Reddy", "Gill"],
    "wa": ["Diallo", "Bah", "Traoré", "Camara", "Okafor", "Mensah", "Adeyemi", "Okonkwo"],
    "vi": ["Nguyen", "Tran", "Pham", "Le", "Vo"],
}
#: the country of each language group, with its demonyms (English, Spanish m/f)
COUNTRIES = {
    "es": [("Guatemala", "Guatemalan", "guatemalteco", "guatemalteca"),
           ("Honduras", "Honduran", "hondureño", "hondureña"),
           ("El Salvador", "Salvadoran", "salvadoreño", "salvadoreña"),
           ("Mexico", "Mexican", "mexicano", "mexicana"),
           ("Venezuela", "Venezuelan", "venezolano", "venezolana")],
    "ht": [("Haiti", "Haitian", "haitiano", "haitiana")],
    "pt": [("Brazil", "Brazilian", "brasileño", "brasileña")],
    "zh": [("China", "Chinese", "chino", "china")],
    "ru": [("Russia", "Russian", "ruso", "rusa"), ("Ukraine", "Ukrainian", "ucraniano", "ucraniana")],
    "ar": [("Egypt", "Egyptian", "egipcio", "egipcia"), ("Mauritania", "Mauritanian", "mauritano", "mauritana")],
    "hi": [("India", "Indian", "indio", "india")],
    "wa": [("Guinea", "Guinean", "guineano", "guineana"), ("Nigeria", "Nigerian", "nigeriano", "nigeriana"),
           ("Ghana", "Ghanaian", "ghanés", "ghanesa"), ("Senegal", "Senegalese", "senegalés", "senegalesa")],
    "vi": [("Vietnam", "Vietnamese", "vietnamita", "vietnamita")],
}
FACILITIES = ["Otay Mesa Detention Center", "Stewart Detention Center", "Adelanto ICE Processing Center",
              "South Texas ICE Processing Center", "Krome North Service Processing Center",
              "Port Isabel Service Processing Center", "Winn Correctional Center",
              "Northwest ICE Processing Center"]
#: officials named with their title: not the people the publication must protect
OFFICIALS = ["Secretary Laura Whitfield", "Director Samuel Okoro", "Acting Director Helen Marsh",
             "Commissioner Daniel Reyes", "Judge Patricia Lindqvist", "Senator Mark Ellison",
             "Press Secretary Karen Doyle", "Governor Alan Brooks"]
STREETS = ["Elm Street", "Oak Avenue", "Maple Drive", "Pine Road", "Cedar Lane", "Valley Boulevard",
           "Sunset Way", "Lincoln Avenue"]
CITIES = [("Houston", "TX", "770"), ("Los Angeles", "CA", "900"), ("Miami", "FL", "331"),
          ("Newark", "NJ", "071"), ("Phoenix", "AZ", "850")]
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
             "octubre", "noviembre", "diciembre"]

#: entities scored, in the order reports print them
ENTITIES = (Entity.PERSON_NAME, Entity.A_NUMBER, Entity.DATE_OF_BIRTH, Entity.NATIONALITY, Entity.FACILITY,
            Entity.SSN, Entity.PHONE, Entity.EMAIL, Entity.ADDRESS, Entity.PASSPORT, Entity.USCIS_RECEIPT)


@dataclass(frozen=True, slots=True)
class Gold:
    entity: Entity
    start: int
    end: int


@dataclass(slots=True)
class LabelledText:
    kind: str
    text: str = ""
    gold: list[Gold] = field(default_factory=list)

    def add(self, text: str, entity: Entity | None = None) -> LabelledText:
        if entity is not None:
            self.gold.append(Gold(entity, len(self.text), len(self.text) + len(text)))
        self.text += text
        return self


@dataclass(slots=True)
class LabelledTable:
    kind: str
    headers: list[str]
    columns: list[list[str]]
    #: the entity of every non-empty cell of each column (None: not personal data)
    gold: list[Entity | None]


@dataclass(slots=True)
class Corpus:
    texts: list[LabelledText]
    tables: list[LabelledTable]


@dataclass(frozen=True, slots=True)
class Someone:
    given: str
    family: str
    group: str
    a_number: str
    birth: date
    country: tuple[str, str, str, str]
    female: bool


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def person(self) -> Someone:
        r = self.rng
        group = r.choice(list(GIVEN))
        return Someone(r.choice(GIVEN[group]), r.choice(FAMILY[group]), group,
                       f"{r.randrange(200_000_000, 240_000_000):09d}",
                       date(1950, 1, 1) + timedelta(days=r.randrange(0, 365 * 56)),
                       r.choice(COUNTRIES[group]), r.random() < 0.5)

    # -- how values are written ---------------------------------------------------------------
    def name(self, p: Someone) -> str:
        r = self.rng.random()
        if r < 0.45:
            return f"{p.given} {p.family}"
        if r < 0.6:
            return f"{p.family.upper()}, {p.given}"
        if r < 0.7:
            return f"{p.given} {p.family}".upper()
        if r < 0.8:
            return _plain(f"{p.given} {p.family}")
        if r < 0.9 and " " not in p.given:
            return f"{p.given} {self.rng.choice('ABCDEJLMR')}. {p.family}"
        return f"{p.family}, {p.given}"

    def a_number(self, p: Someone) -> tuple[str, str]:
        """(label, value): the value is what is labelled A_NUMBER."""
        d = p.a_number
        return self.rng.choice([("", f"A{d}"), ("", f"A-{d[:3]}-{d[3:6]}-{d[6:]}"), ("A# ", d),
                                ("A-Number: ", f"{d[:3]}-{d[3:6]}-{d[6:]}"), ("alien number ", d),
                                ("", f"A{d[1:]}" if d.startswith("2") else f"A{d}")])

    def dob(self, p: Someone, spanish: bool = False) -> str:
        b = p.birth
        if spanish:
            return self.rng.choice([f"{b.day} de {MONTHS_ES[b.month - 1]} de {b.year}", b.strftime("%d/%m/%Y")])
        return self.rng.choice([b.isoformat(), b.strftime("%m/%d/%Y"), b.strftime("%B %-d, %Y"),
                                b.strftime("%-d %b %Y")])

    def other_date(self) -> str:
        d = date(2023, 1, 1) + timedelta(days=self.rng.randrange(0, 700))
        return self.rng.choice([d.isoformat(), d.strftime("%m/%d/%Y"), d.strftime("%B %-d, %Y")])

    def phone(self) -> str:
        area = self.rng.choice(["213", "305", "713", "602", "973", "415"])
        line = f"{self.rng.randrange(200, 999)}-{self.rng.randrange(1000, 9999)}"
        return self.rng.choice([f"({area}) {line}", f"{area}-{line}", f"+1 {area} {line.replace('-', ' ')}"])

    def email(self, p: Someone) -> str:
        user = _plain(f"{p.given}.{p.family}").lower().replace(" ", "").replace("-", "")
        return f"{user}{self.rng.randrange(1, 99)}@{self.rng.choice(['example.org', 'mail.example.com'])}"

    def address(self) -> str:
        city, state, zip3 = self.rng.choice(CITIES)
        number, street, zip2 = self.rng.randrange(10, 9999), self.rng.choice(STREETS), self.rng.randrange(10, 99)
        return f"{number} {street}, {city}, {state} {zip3}{zip2}"

    def invoice(self) -> str:
        return f"{self.rng.randrange(100_000_000, 999_999_999)}"


def _plain(text: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# -- prose templates -------------------------------------------------------------------------------

def _memo(g: _Gen) -> LabelledText:
    p, officer = g.person(), g.person()
    t = LabelledText("memo").add("MEMORANDUM FOR: Field Office Director\nFROM: ")
    t.add(f"{officer.given} {officer.family}", Entity.PERSON_NAME).add(", Deportation Officer\nSUBJECT: Transfer of ")
    t.add(g.name(p), Entity.PERSON_NAME).add("\n\n")
    t.add(f"{p.given} {p.family}", Entity.PERSON_NAME).add(", a ").add(p.country[1], Entity.NATIONALITY)
    t.add(" national born ").add(g.dob(p), Entity.DATE_OF_BIRTH).add(", ")
    label, value = g.a_number(p)
    t.add(label).add(value, Entity.A_NUMBER).add(", was booked into ")
    t.add(g.rng.choice(FACILITIES), Entity.FACILITY).add(f" on {g.other_date()}. ")
    t.add(f"A total of {g.rng.randrange(20, 900):,} detainees were moved that week.\n")
    return t


def _case_note(g: _Gen) -> LabelledText:
    p = g.person()
    t = LabelledText("case note").add("Case note, ").add(g.other_date()).add(".\nClient: ")
    t.add(g.name(p), Entity.PERSON_NAME).add("\nDOB: ").add(g.dob(p), Entity.DATE_OF_BIRTH)
    t.add("\nCitizenship: ").add(p.country[0], Entity.NATIONALITY).add("\nPhone: ").add(g.phone(), Entity.PHONE)
    t.add("\nE-mail: ").add(g.email(p), Entity.EMAIL).add("\nAddress: ").add(g.address(), Entity.ADDRESS)
    if g.rng.random() < 0.5:
        ssn = f"{g.rng.randrange(100, 665)}-{g.rng.randrange(10, 99)}-{g.rng.randrange(1000, 9999)}"
        t.add("\nSSN: ").add(ssn, Entity.SSN)
    else:
        passport = f"{g.rng.choice('GCEP')}{g.rng.randrange(10_000_000, 99_999_999)}"
        t.add("\nPassport No. ").add(passport, Entity.PASSPORT)
    t.add(f"\nNext hearing on {g.other_date()} at the immigration court in San Antonio.\n")
    return t


def _attorney_email(g: _Gen) -> LabelledText:
    p, lawyer = g.person(), g.person()
    t = LabelledText("attorney e-mail").add(f"Dear {'Ms.' if lawyer.female else 'Mr.'} ")
    t.add(lawyer.family, Entity.PERSON_NAME).add(",\n\nYour client ").add(f"{p.given} {p.family}", Entity.PERSON_NAME)
    t.add(" (A-Number ").add(p.a_number, Entity.A_NUMBER).add(") has a receipt notice ")
    t.add(f"{g.rng.choice(['EAC', 'WAC', 'IOE', 'SRC'])}{g.rng.randrange(10**9, 10**10)}", Entity.USCIS_RECEIPT)
    t.add(". Please call ").add(g.phone(), Entity.PHONE).add(" before ").add(g.other_date()).add(".\n\nRegards,\n")
    officer = g.person()
    t.add(f"{officer.given} {officer.family}", Entity.PERSON_NAME).add("\nCase Management Unit\n")
    return t


def _spanish_letter(g: _Gen) -> LabelledText:
    p, mother = g.person(), g.person()
    t = LabelledText("Spanish letter").add("Estimada señora ")
    t.add(f"{mother.given} {mother.family}", Entity.PERSON_NAME)
    demonym = p.country[3] if p.female else p.country[2]
    t.add(":\n\nLe informamos que su hijo ").add(f"{p.given} {p.family}", Entity.PERSON_NAME)
    t.add(", de nacionalidad ").add(demonym, Entity.NATIONALITY).add(", nacido el ")
    t.add(g.dob(p, spanish=True), Entity.DATE_OF_BIRTH).add(", número A ").add(p.a_number, Entity.A_NUMBER)
    t.add(", se encuentra en el ").add(g.rng.choice(FACILITIES), Entity.FACILITY)
    t.add(".\nAtentamente,\nOficina de Asuntos Legales\n")
    return t


def _press_release(g: _Gen) -> LabelledText:
    t = LabelledText("press release (distractors)")
    a, b = g.rng.sample(OFFICIALS, 2)
    t.add(f"WASHINGTON — {a} announced on {g.other_date()} that {g.rng.randrange(1000, 9000):,} noncitizens ")
    t.add(f"were processed in fiscal year 2024. {b} said the agency met with officials from ")
    t.add(f"{g.rng.choice(['Guatemala', 'Honduras', 'Mexico'])} and {g.rng.choice(['Colombia', 'Ecuador'])} in ")
    t.add(f"Washington. The Department of Homeland Security awarded contract {g.invoice()} for the ")
    t.add(g.rng.choice(FACILITIES), Entity.FACILITY)
    t.add(f". The Office of Public Affairs released the Annual Report on {g.other_date()}.\n")
    return t


def _invoice(g: _Gen) -> LabelledText:
    t = LabelledText("invoice (distractors)")
    t.add(f"INVOICE\nInvoice No. {g.invoice()}\nOrder A{g.rng.randrange(1_000_000, 9_999_999)}\n")
    t.add(f"Date: {g.other_date()}\nBill to: Detention Services Division, Dallas Field Office\n")
    t.add(f"Item 4471-220-118  Meals, {g.rng.randrange(100, 999)} units  ${g.rng.randrange(1000, 99999):,}.00\n")
    t.add(f"Account 0{g.rng.randrange(10**8, 10**9)}  Total due {g.rng.randrange(1000, 99999):,}.00\n")
    return t


def _statistics(g: _Gen) -> LabelledText:
    t = LabelledText("statistics (distractors)")
    t.add(f"Detention Statistics FY2024\nAverage daily population: {g.rng.randrange(20000, 40000):,}\n")
    t.add(f"Book-ins on {g.other_date()}: {g.rng.randrange(100, 2000):,}. Average length of stay: ")
    t.add(f"{g.rng.randrange(20, 60)} days. Report date {g.other_date()}. Nationals of Mexico, Guatemala ")
    t.add("and Honduras made up most book-ins.\n")
    return t


def _roster_prose(g: _Gen) -> LabelledText:
    t = LabelledText("list in prose").add("Transfers approved:\n")
    for _ in range(g.rng.randrange(3, 8)):
        p = g.person()
        t.add("- ").add(f"{p.family.upper()}, {p.given}", Entity.PERSON_NAME).add(" (")
        label, value = g.a_number(p)
        t.add(label).add(value, Entity.A_NUMBER).add("), ").add(p.country[1], Entity.NATIONALITY)
        t.add(" citizen, DOB ").add(g.dob(p), Entity.DATE_OF_BIRTH).add("\n")
    return t


def _incident(g: _Gen) -> LabelledText:
    p, q = g.person(), g.person()
    t = LabelledText("incident report").add("INCIDENT REPORT\nAt 0315 hours detainee ")
    t.add(f"{p.given} {p.family}".upper(), Entity.PERSON_NAME).add(" reported chest pain. Officer ")
    t.add(f"{q.given} {q.family}", Entity.PERSON_NAME).add(" called medical staff. The detainee's sister, ")
    s = g.person()
    t.add(f"{s.given} {p.family}", Entity.PERSON_NAME).add(", can be reached at ").add(g.phone(), Entity.PHONE)
    t.add(f". Unit B-{g.rng.randrange(1, 40)}, bed {g.rng.randrange(1, 80)}.\n")
    return t


def _narrative(g: _Gen) -> LabelledText:
    """Names mid-sentence without cues, next to capitalised phrases that are not names."""
    p, q = g.person(), g.person()
    t = LabelledText("narrative")
    t.add(f"On {g.rng.choice(['Monday', 'Tuesday', 'Friday'])} ").add(f"{p.given} {p.family}", Entity.PERSON_NAME)
    t.add(" spoke with volunteers from Catholic Charities of the Rio Grande Valley and Human Rights Watch")
    t.add(" near Cesar Chavez Avenue. Later ").add(f"{q.given} {q.family}", Entity.PERSON_NAME)
    t.add(" asked the Los Angeles Field Office about Kids in Need of Defense. ")
    t.add(f"The New York Times reported {g.rng.randrange(2, 90)} transfers on Martin Luther King Jr. Day.\n")
    return t


TEMPLATES = (_memo, _case_note, _attorney_email, _spanish_letter, _press_release, _invoice, _statistics,
             _roster_prose, _incident, _narrative)


# -- tables -------------------------------------------------------------------------------------------

def _table(g: _Gen, k: int, rows: int) -> LabelledTable:
    people = [g.person() for _ in range(rows)]
    r = g.rng
    headed = k % 4 != 3  # one table in four has no header row
    spanish = k % 5 == 1
    cols: list[tuple[str, list[str], Entity | None]] = []
    style = k % 3
    if style == 0:
        cols.append(("Nombre completo" if spanish else "Name", [g.name(p) for p in people], Entity.PERSON_NAME))
    elif style == 1:
        cols.append(("Apellidos" if spanish else "Last Name", [p.family for p in people], Entity.PERSON_NAME))
        cols.append(("Nombre" if spanish else "First Name", [p.given for p in people], Entity.PERSON_NAME))
    else:
        cols.append(("Detainee", [f"{p.family.upper()}, {p.given}" for p in people], Entity.PERSON_NAME))
    fmt = r.randrange(4)
    cols.append(("Número A" if spanish else r.choice(["A-Number", "A#", "Alien No."]),
                 [[f"A{p.a_number}", f"A-{p.a_number[:3]}-{p.a_number[3:6]}-{p.a_number[6:]}",
                   f"A{p.a_number}", p.a_number][fmt] if headed or fmt != 3 else f"A{p.a_number}" for p in people],
                 Entity.A_NUMBER))
    dfmt = r.choice(["%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y"])
    cols.append(("Fecha de nacimiento" if spanish else r.choice(["DOB", "Date of Birth", "Birth Date"]),
                 [p.birth.strftime(dfmt) for p in people], Entity.DATE_OF_BIRTH))
    cols.append(("Nacionalidad" if spanish else r.choice(["Citizenship", "Nationality", "Country of Citizenship"]),
                 [p.country[0] if k % 2 else p.country[1] for p in people], Entity.NATIONALITY))
    cols.append(("Centro" if spanish else "Facility", [r.choice(FACILITIES) for _ in people], Entity.FACILITY))
    # distractors
    cols.append(("Book-in Date", [(date(2024, 1, 1) + timedelta(days=r.randrange(300))).strftime(dfmt)
                                  for _ in people], None))
    cols.append(("Invoice", [g.invoice() for _ in people], None))
    cols.append(("Days in Custody", [str(r.randrange(1, 400)) for _ in people], None))
    cols.append(("Field Office", [r.choice(["Houston", "San Antonio", "Miami", "Newark", "Los Angeles"])
                                  for _ in people], None))
    cols.append(("Case Status", [r.choice(["Pending", "Closed", "Removed", "Released"]) for _ in people], None))
    if k % 2 == 0:
        cols.append(("Phone", [g.phone() for _ in people], Entity.PHONE))
    r.shuffle(cols)
    return LabelledTable("roster" + ("" if headed else " without header") + (" (Spanish)" if spanish else ""),
                         [h if headed else "" for h, _, _ in cols], [c for _, c, _ in cols], [e for _, _, e in cols])


def _aggregate(g: _Gen) -> LabelledTable:
    """A published statistics table: counts by country and facility; nothing personal."""
    r = g.rng
    countries = [c[0] for group in COUNTRIES.values() for c in group]
    n = len(countries)
    # the country column is labelled by what its values are; whether a table of counts by
    # nationality is a disclosure is the gate's decision (it is not), not the detector's
    return LabelledTable("aggregate (distractors)", ["Country of Citizenship", "Book-ins", "Releases", "Average Stay"],
                         [countries, [str(r.randrange(10, 9000)) for _ in range(n)],
                          [str(r.randrange(10, 5000)) for _ in range(n)],
                          [f"{r.uniform(5, 90):.1f}" for _ in range(n)]],
                         [Entity.NATIONALITY, None, None, None])


# -- naming traditions (issue 18): single names and the orders names are written in ---------------

#: per tradition: given names, family names (or father's names), and whether the family name is
#: written first. Some names in each list are held out of the lexicons on purpose (marked in
#: ``HELD_OUT``): the slice measures what context alone recovers, not only what a list knows.
TRADITIONS: dict[str, tuple[list[str], list[str], bool]] = {
    "horn_of_africa": (["Yonas", "Tsegay", "Senait", "Filmon", "Meron", "Abdi", "Hodan", "Ghirmay", "Kesete"],
                       ["Tekle", "Haile", "Gebremedhin", "Kidane", "Berhe", "Warsame", "Woldeab"], False),
    "afghan": (["Gulalai", "Zarghuna", "Mirwais", "Rahmatullah", "Shabnam", "Ajmal", "Nazanin", "Tamana"],
               ["Noorzai", "Popalzai", "Stanikzai", "Rahimi", "Wardak", "Sultani", "Mangal", "Hotak"], False),
    "chinese": (["Xinyi", "Xiaoming", "Jianguo", "Meiling", "Yuxuan", "Zihan", "Shuang", "Mingxuan"],
                ["Zhou", "Wang", "Li", "Zhang", "Chen", "Liu", "Huang", "Xu"], True),
    "haitian": (["Wisler", "Fritznel", "Guerline", "Mackenson", "Widline", "Roodly", "Dieunel"],
                ["Jean-Baptiste", "Pierre-Louis", "Exantus", "Dorvil", "Saint-Fleur", "Metellus", "Lafrance"], False),
    "mayan": (["Ixchel", "Itzel", "Nikte", "Balam", "Ixmukane", "Tz'unun"],
              ["Tzul Pop", "Xicará", "Chiquín Coc", "Caal", "Ixcoy Tum", "Quiej", "Batz"], False),
}
HELD_OUT = frozenset({"Ghirmay", "Kesete", "Woldeab", "Nazanin", "Tamana", "Hotak", "Mingxuan", "Dieunel",
                      "Lafrance", "Tz'unun"})


def traditions(seed: int = 2026, per_tradition: int = 40) -> list[LabelledText]:
    """Case notes naming people as their traditions do: one name alone after a person cue
    (Afghans and Eritreans often carry a single name in US records), given name with father's
    and grandfather's names, Chinese surname first (``Zhou Xinyi``, ``ZHOU, Xinyi``)."""
    rng = random.Random(seed + 18)
    out: list[LabelledText] = []
    for group, (given, family, surname_first) in TRADITIONS.items():
        for k in range(per_tradition):
            g, f, f2 = rng.choice(given), rng.choice(family), rng.choice(family)
            t = LabelledText(f"tradition:{group}")
            form = k % 4
            if form == 0:  # a single name after a cue
                t.add(rng.choice(["Detainee ", "The detainee, ", "Respondent ", "The applicant "]))
                endings = [" was transferred on Monday.", ", was seen by medical staff.", " asked for a hearing."]
                t.add(g, Entity.PERSON_NAME).add(rng.choice(endings))
            elif form == 1 and surname_first:
                t.add("Detainee ").add(rng.choice([f"{f} {g}", f"{f.upper()}, {g}", f"{f}, {g}"]), Entity.PERSON_NAME)
                t.add(" was interviewed in Mandarin.")
            elif form == 1:  # given name, father's name, grandfather's name
                t.add("Detainee ").add(f"{g} {f} {f2}" if f != f2 else f"{g} {f}", Entity.PERSON_NAME)
                t.add(" was interviewed with an interpreter.")
            elif form == 2:
                name = f"{f} {g}" if surname_first else f"{g} {f}"
                t.add("Case note: ").add(name, Entity.PERSON_NAME).add(" (A-")
                t.add(f"{rng.randrange(200, 240)}-{rng.randrange(100, 999)}-{rng.randrange(100, 999)}", None)
                t.add(") requested a bond hearing.")
            else:  # mid-sentence, no cue
                name = f"{f} {g}" if surname_first else f"{g} {f}"
                t.add("On Tuesday ").add(name, Entity.PERSON_NAME).add(" met volunteers from the legal clinic.")
            out.append(t)
    return out


def corpus(seed: int = 2026, texts: int = 450, tables: int = 40, rows: int = 200) -> Corpus:
    """The labelled corpus: ``texts`` documents from the templates in turn, ``tables`` rosters
    (with and without headers, English and Spanish) and aggregate tables."""
    g = _Gen(seed)
    docs = [TEMPLATES[i % len(TEMPLATES)](g) for i in range(texts)]
    tabs = [_table(g, k, rows) if k % 5 != 4 else _aggregate(g) for k in range(tables)]
    return Corpus(docs, tabs)
