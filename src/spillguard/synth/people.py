"""A seeded population of fictitious people, shaped like an immigration detention roster.

Every value is generated: no real person, A-number or record is used. Name pools are this
module's own (written for the tests and the demo) and deliberately overlap only partly with the
detector's lexicon, so that tests do not pass merely because a name is in a list.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

GIVEN = {
    "es": ["María", "José", "Juan Carlos", "Guadalupe", "Luis", "Ana", "Wilmer", "Yesenia",
           "Brayan", "Xóchitl", "Marvin", "Dulce", "Efraín", "Noemí", "Selvin", "Rosa Elena"],
    "ht": ["Jean", "Widline", "Wisly", "Nadège", "Frantz", "Guerline", "Dieudonné", "Lovely"],
    "pt": ["João", "Thiago", "Larissa", "Vinícius", "Raquel"],
    "zh": ["Wei", "Na", "Xiaoming", "Jianguo", "Meiling", "Zihan", "Hao"],
    "ru": ["Dmitry", "Olga", "Sergei", "Natalya", "Artem", "Oksana", "Taras"],
    "ar": ["Mohammed", "Fatima", "Omar", "Khadija", "Youssef", "Abdulrahman", "Amira"],
    "hi": ["Harpreet", "Gurpreet", "Rajesh", "Priya", "Manpreet"],
    "fr": ["Mamadou", "Aissatou", "Ousmane", "Fatoumata"],
}
FAMILY = {
    "es": ["García López", "Hernández", "Martínez Ruiz", "de la Cruz", "Pérez", "Ramírez",
           "Chávez Morales", "Gómez", "Xicará", "Tzul", "Álvarez", "López Mejía"],
    "ht": ["Pierre", "Jean-Baptiste", "Louis", "Desir", "Joseph", "Étienne"],
    "pt": ["Silva", "Santos", "Oliveira", "Souza"],
    "zh": ["Li", "Wang", "Zhang", "Chen", "Liu", "Huang"],
    "ru": ["Ivanov", "Petrova", "Sokolov", "Kuznetsova", "Shevchenko"],
    "ar": ["al-Hassan", "Haddad", "Abdullah", "El-Sayed", "Mansour"],
    "hi": ["Singh", "Kaur", "Patel", "Sharma"],
    "fr": ["Diallo", "Bah", "Traoré", "Camara"],
}
#: country of citizenship, its language group, and its weight in the population
COUNTRIES: list[tuple[str, str, int]] = [
    ("Mexico", "es", 30), ("Guatemala", "es", 14), ("Honduras", "es", 12), ("El Salvador", "es", 8),
    ("Venezuela", "es", 5), ("Colombia", "es", 3), ("Haiti", "ht", 6), ("Brazil", "pt", 3),
    ("China", "zh", 5), ("Russia", "ru", 3), ("Ukraine", "ru", 2), ("Egypt", "ar", 2),
    ("Mauritania", "ar", 2), ("India", "hi", 4), ("Guinea", "fr", 1), ("Senegal", "fr", 1),
]
FACILITIES = [
    "Adelanto ICE Processing Center", "Otay Mesa Detention Center", "Stewart Detention Center",
    "South Texas ICE Processing Center", "Krome North Service Processing Center",
    "Northwest ICE Processing Center", "Port Isabel Service Processing Center",
    "Eloy Federal Contract Facility", "Montgomery Processing Center", "Winn Correctional Center",
]


@dataclass(frozen=True, slots=True)
class Person:
    given: str
    family: str
    a_number: str  # nine digits
    birth: date
    country: str
    facility: str
    language: str

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    @property
    def listed_name(self) -> str:
        """``FAMILY, Given`` as rosters print it."""
        return f"{self.family.upper()}, {self.given}"

    def a_number_as(self, style: int) -> str:
        d = self.a_number
        return [f"A{d}", f"A-{d[:3]}-{d[3:6]}-{d[6:]}", f"A{d[:3]} {d[3:6]} {d[6:]}", d][style % 4]


def people(n: int, seed: int = 2022) -> Iterator[Person]:
    """``n`` fictitious people, always the same for the same seed. A-numbers are unique."""
    rng = random.Random(seed)
    countries = [c for c, _, _ in COUNTRIES]
    weights = [w for _, _, w in COUNTRIES]
    lang = {c: g for c, g, _ in COUNTRIES}
    seen: set[int] = set()
    start = date(1950, 1, 1)
    for _ in range(n):
        country = rng.choices(countries, weights)[0]
        group = lang[country]
        number = rng.randrange(200_000_000, 240_000_000)
        while number in seen:
            number = rng.randrange(200_000_000, 240_000_000)
        seen.add(number)
        yield Person(
            given=rng.choice(GIVEN[group]),
            family=rng.choice(FAMILY[group]),
            a_number=f"{number:09d}",
            birth=start + timedelta(days=rng.randrange(0, 365 * 56)),
            country=country,
            facility=rng.choice(FACILITIES),
            language=group,
        )
