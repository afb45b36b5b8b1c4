"""The places and organisations Bulletin knows by name, written here (no downloaded model).

One line per topic: ``Label|alias|alias``. Aliases are matched as whole words, case-sensitive
("US" is the United States, "us" is not), the longest first. German names of the countries a
German newsroom writes about most map to German labels, so a German blog's chips read German.
Add a line to teach Bulletin a name; the capitalised-phrase rules in :mod:`.topics` find the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

PLACE = "place"
ORGANISATION = "organisation"
PERSON = "person"

_COUNTRIES = """
Afghanistan|Afghan
Albania
Algeria
Angola
Argentina
Armenia
Australia|Australian
Austria|Austrian
Azerbaijan
Bahrain
Bangladesh
Belarus|Belarusian
Belgium|Belgian
Bolivia
Bosnia and Herzegovina|Bosnia
Brazil|Brazilian
Bulgaria
Burkina Faso
Cambodia
Cameroon
Canada|Canadian
Chad
Chile
China|Chinese|Beijing
Colombia
Congo|Democratic Republic of the Congo|DRC
Croatia
Cuba
Cyprus
Czech Republic|Czechia
Denmark|Danish
Egypt|Egyptian
Eritrea
Estonia
Ethiopia|Ethiopian
Finland|Finnish
France|French
Gaza|Gaza Strip
Georgia
Germany|German
Ghana
Greece|Greek
Guatemala
Haiti
Hungary|Hungarian
Iceland
India|Indian
Indonesia
Iran|Iranian|Tehran
Iraq|Iraqi
Ireland|Irish
Israel|Israeli
Italy|Italian
Japan|Japanese
Jordan
Kazakhstan
Kenya
Kosovo
Kuwait
Latvia
Lebanon|Lebanese
Libya
Lithuania
Luxembourg
Mali
Mexico|Mexican
Moldova
Mongolia
Montenegro
Morocco
Mozambique
Myanmar
Nepal
Netherlands|Dutch
New Zealand
Niger
Nigeria|Nigerian
North Korea|Pyongyang
North Macedonia
Norway|Norwegian
Oman
Pakistan|Pakistani
Palestine|Palestinian|West Bank
Panama
Peru
Philippines
Poland|Polish
Portugal
Qatar
Romania
Russia|Russian|Russian Federation
Rwanda
Saudi Arabia|Saudi
Senegal
Serbia|Serbian
Singapore
Slovakia
Slovenia
Somalia
South Africa
South Korea|Seoul
South Sudan
Spain|Spanish
Sri Lanka
Sudan|Sudanese
Sweden|Swedish
Switzerland|Swiss
Syria|Syrian
Taiwan
Tajikistan
Tanzania
Thailand
Tunisia
Turkey|Turkish|Türkiye
Uganda
Ukraine|Ukrainian
United Arab Emirates|UAE
United Kingdom|UK|U.K.|Britain|British|Great Britain
United States|US|U.S.|USA|America|American
Uzbekistan
Venezuela
Vietnam
Yemen
Zambia
Zimbabwe
Deutschland
Frankreich
Österreich
Schweiz
Italien
Spanien
Polen
Russland
Großbritannien
Vereinigte Staaten|USA
Ukraine
Türkei
"""

_CITIES = """
Kyiv|Kiev
Kharkiv
Odesa|Odessa
Kherson
Mariupol
Bakhmut
Donetsk
Luhansk
Crimea
Moscow
London
Paris
Berlin
Brussels
Washington
New York
Geneva
Vienna|Wien
Rome|Rom
Madrid
Warsaw|Warschau
Munich|München
Hamburg
Frankfurt
Cologne|Köln
Tokyo
Delhi|New Delhi
Jerusalem
Tel Aviv
Beirut
Damascus
Baghdad
Kabul
Cairo
Istanbul
Ankara
Davos
The Hague|Den Haag
"""

_ORGANISATIONS = """
NATO|Nato|Nordatlantikpakt
United Nations|UN|U.N.|Vereinte Nationen|UNO
UN Security Council|Security Council|UN-Sicherheitsrat|Sicherheitsrat
European Union|EU
European Commission|EU Commission|EU-Kommission
European Parliament|Europaparlament
European Central Bank|ECB|EZB
World Health Organization|WHO
International Monetary Fund|IMF|IWF
World Bank|Weltbank
International Criminal Court|ICC
International Atomic Energy Agency|IAEA
Red Cross|ICRC|Rotes Kreuz
UNICEF|Unicef
UNHCR
G7
G20
Opec|OPEC
White House|Weißes Haus
Pentagon
Kremlin|Kreml
State Department
Congress
Senate
Bundestag
Bundesregierung
Bundeswehr
Downing Street
Elysée|Élysée
Hamas
Hezbollah
Wagner Group|Wagner
Taliban
FBI
CIA
Reuters
Associated Press|AP
BBC
Met Office
Deutsche Bahn
Lufthansa
"""


@dataclass(frozen=True)
class Known:
    label: str
    kind: str


def _parse(table: str, kind: str) -> dict[str, Known]:
    names: dict[str, Known] = {}
    for line in table.strip().splitlines():
        label, *aliases = (part.strip() for part in line.split("|"))
        for alias in (label, *aliases):
            names.setdefault(alias, Known(label, kind))
    return names


@cache
def known_names() -> dict[str, Known]:
    """Every alias Bulletin knows, to the topic it names."""
    return {
        **_parse(_ORGANISATIONS, ORGANISATION),
        **_parse(_CITIES, PLACE),
        **_parse(_COUNTRIES, PLACE),
    }


@cache
def alias_pattern() -> re.Pattern[str]:
    """One pattern for every alias, longest first, as whole words."""
    aliases = sorted(known_names(), key=len, reverse=True)
    body = "|".join(re.escape(alias) for alias in aliases)
    return re.compile(rf"(?<![\w.-])(?:{body})(?![\w-])")


def lookup(name: str) -> Known | None:
    return known_names().get(name)
