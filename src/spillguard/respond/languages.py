"""The languages notices are written in: the words for each exposed field, dates, times, spans and
numbers as a reader of that language writes them (Babel, CLDR data), in the agency's time zone.

English is the agency's own text; the other shipped templates (Spanish, Haitian Creole,
Portuguese, French, Mandarin Chinese, Russian, Arabic) had no professional translator: every
notice in them is marked *review before sending* in the mail-merge file until a translator has
checked the template and ``REVIEWED`` (or the agency's own template folder) says so.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

#: languages whose shipped template a professional translator has reviewed
REVIEWED = frozenset({"en"})
#: the CLDR locale of each language (US variants where the agency writes to people in the US)
LOCALES = {"en": "en_US", "es": "es_US", "ht": "ht", "pt": "pt_BR", "fr": "fr", "zh": "zh_Hans", "ru": "ru",
           "ar": "ar"}

FIELDS: dict[str, dict[str, str]] = {
    "en": {"PERSON_NAME": "your name", "A_NUMBER": "your A-number", "DATE_OF_BIRTH": "your date of birth",
           "NATIONALITY": "your country of citizenship", "FACILITY": "the facility where you were detained",
           "SSN": "your Social Security number", "PASSPORT": "your passport number", "ADDRESS": "your address",
           "PHONE": "your phone number", "EMAIL": "your e-mail address", "USCIS_RECEIPT": "a USCIS receipt number",
           "I94": "your I-94 number"},
    "es": {"PERSON_NAME": "su nombre", "A_NUMBER": "su número A", "DATE_OF_BIRTH": "su fecha de nacimiento",
           "NATIONALITY": "su país de ciudadanía", "FACILITY": "el centro donde estuvo detenido/a",
           "SSN": "su número de Seguro Social", "PASSPORT": "su número de pasaporte", "ADDRESS": "su dirección",
           "PHONE": "su número de teléfono", "EMAIL": "su correo electrónico",
           "USCIS_RECEIPT": "un número de recibo de USCIS", "I94": "su número I-94"},
    "fr": {"PERSON_NAME": "votre nom", "A_NUMBER": "votre numéro A", "DATE_OF_BIRTH": "votre date de naissance",
           "NATIONALITY": "votre pays de nationalité", "FACILITY": "le centre où vous étiez détenu(e)",
           "SSN": "votre numéro de sécurité sociale", "PASSPORT": "votre numéro de passeport",
           "ADDRESS": "votre adresse", "PHONE": "votre numéro de téléphone", "EMAIL": "votre adresse e-mail",
           "USCIS_RECEIPT": "un numéro de reçu USCIS", "I94": "votre numéro I-94"},
    "pt": {"PERSON_NAME": "seu nome", "A_NUMBER": "seu número A", "DATE_OF_BIRTH": "sua data de nascimento",
           "NATIONALITY": "seu país de cidadania", "FACILITY": "o centro onde você esteve detido(a)",
           "SSN": "seu número de Seguro Social", "PASSPORT": "seu número de passaporte", "ADDRESS": "seu endereço",
           "PHONE": "seu número de telefone", "EMAIL": "seu e-mail", "USCIS_RECEIPT": "um número de recibo do USCIS",
           "I94": "seu número I-94"},
    "ht": {"PERSON_NAME": "non ou", "A_NUMBER": "nimewo A ou", "DATE_OF_BIRTH": "dat nesans ou",
           "NATIONALITY": "peyi nasyonalite ou", "FACILITY": "sant kote yo te kenbe ou a",
           "SSN": "nimewo Sekirite Sosyal ou", "PASSPORT": "nimewo paspò ou", "ADDRESS": "adrès ou",
           "PHONE": "nimewo telefòn ou", "EMAIL": "adrès imèl ou", "USCIS_RECEIPT": "yon nimewo resi USCIS",
           "I94": "nimewo I-94 ou"},
    "ru": {"PERSON_NAME": "ваше имя", "A_NUMBER": "ваш номер A", "DATE_OF_BIRTH": "ваша дата рождения",
           "NATIONALITY": "ваше гражданство", "FACILITY": "учреждение, где вы содержались",
           "SSN": "ваш номер социального страхования", "PASSPORT": "номер вашего паспорта",
           "ADDRESS": "ваш адрес", "PHONE": "ваш номер телефона", "EMAIL": "ваш адрес электронной почты",
           "USCIS_RECEIPT": "номер квитанции USCIS", "I94": "ваш номер I-94"},
    "zh": {"PERSON_NAME": "您的姓名", "A_NUMBER": "您的 A 号码", "DATE_OF_BIRTH": "您的出生日期",
           "NATIONALITY": "您的国籍", "FACILITY": "您被拘留的设施", "SSN": "您的社会安全号码",
           "PASSPORT": "您的护照号码", "ADDRESS": "您的地址", "PHONE": "您的电话号码", "EMAIL": "您的电子邮箱",
           "USCIS_RECEIPT": "USCIS 收据号码", "I94": "您的 I-94 号码"},
    "ar": {"PERSON_NAME": "اسمك", "A_NUMBER": "رقمك A", "DATE_OF_BIRTH": "تاريخ ميلادك", "NATIONALITY": "جنسيتك",
           "FACILITY": "المنشأة التي احتُجزت فيها", "SSN": "رقم الضمان الاجتماعي الخاص بك",
           "PASSPORT": "رقم جواز سفرك", "ADDRESS": "عنوانك", "PHONE": "رقم هاتفك", "EMAIL": "بريدك الإلكتروني",
           "USCIS_RECEIPT": "رقم إيصال USCIS", "I94": "رقم I-94 الخاص بك"},
}
#: what an attorney's letter says of each field of a client (not "your …")
COUNSEL_FIELDS = {"PERSON_NAME": "name", "A_NUMBER": "A-number", "DATE_OF_BIRTH": "date of birth",
                  "NATIONALITY": "country of citizenship", "FACILITY": "detention facility", "SSN": "SSN",
                  "PASSPORT": "passport number", "ADDRESS": "address", "PHONE": "phone number",
                  "EMAIL": "e-mail address", "USCIS_RECEIPT": "USCIS receipt number", "I94": "I-94 number"}


@cache
def _locale(lang: str):
    from babel import Locale

    return Locale.parse(LOCALES.get(lang, lang))


#: Haitian Creole month names: the CLDR data babel ships for ``ht`` has none ("2022 M11 30")
HT_MONTHS = ("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm", "oktòb", "novanm",
             "desanm")


def when(t: dt.datetime | None, lang: str, zone: dt.tzinfo) -> str:
    """A date and time as the language writes it, in ``zone``, with the zone: its name where the
    language has one (``EST``), else its offset from UTC (``UTC−05:00``), never a bare ``-0500``."""
    if t is None:
        return {"es": "(aún no se sabe)", "fr": "(pas encore connu)", "pt": "(ainda não se sabe)"}.get(
            lang, "(not yet known)")
    from babel.dates import format_time, get_timezone_name

    t = (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(zone)
    loc = _locale(lang)
    name = get_timezone_name(t, width="short", locale=loc, zone_variant=None)
    if not re.fullmatch(r"[A-Za-z]{2,5}", name):
        offset = t.strftime("%z")
        name = f"UTC{offset[0].replace('-', '−')}{offset[1:3]}:{offset[3:]}"
    clock = t.strftime("%H:%M") if lang == "ht" else format_time(t, "short", locale=loc)
    return f"{day(t.date(), lang)}, {clock} {name}"


def day(d: dt.date, lang: str) -> str:
    from babel.dates import format_date

    if lang == "ht":
        return f"{d.day} {HT_MONTHS[d.month - 1]} {d.year}"
    return format_date(d, "long", locale=_locale(lang))


def span(start: dt.datetime, end: dt.datetime | None, lang: str) -> str:
    """How long the file was public: hours and minutes in words of the language."""
    from babel.dates import format_timedelta

    if end is None:
        return "?"
    minutes = max(0, round((end - start).total_seconds() / 60))
    loc = _locale(lang)
    # threshold 1: each part in its own unit ("4 hours", "19 minutes"), never rounded up a unit
    parts = [format_timedelta(dt.timedelta(hours=minutes // 60), threshold=1, locale=loc)] if minutes >= 60 else []
    if minutes % 60 or not parts:
        parts.append(format_timedelta(dt.timedelta(minutes=minutes % 60), threshold=1, locale=loc))
    return " ".join(parts)


def number(n: int, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(n, locale=_locale(lang))
