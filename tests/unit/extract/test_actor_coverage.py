"""Actor registry coverage across active conflicts: names in news text and analysts' labels."""

from __future__ import annotations

import pytest

from bot.domain.enums import ActorType
from bot.extract.actors import ActorRegistry
from bot.extract.normalize import fold
from tests.unit.extract.actor_checks import (
    EXTERNAL,
    IDENTITY,
    POLITICAL,
    PROTESTERS,
    REBEL,
    RIOTERS,
    STATE,
    first_in,
    found_in,
    labels_of,
)

# Middle East: each sentence names one actor and nothing else.
MIDDLE_EAST_NAMES = [
    ("Tahrir al-Sham fighters overran two villages.", "hts", REBEL),
    ("The NDF militia manned the checkpoint.", "national-defence-forces-syria", POLITICAL),
    ("Men of Dignity fighters blocked the road to Suwayda.", "druze-militias", IDENTITY),
    ("Members of the Hamza Division fired on the crowd.", "syrian-national-army", REBEL),
    ("US-backed SDF units raided a house.", "sdf", REBEL),
    ("Houthi drones struck the oil terminal.", "houthis", REBEL),
    ("An Israeli occupation drone fired a missile at the group.", "idf", STATE),
    ("Israeli colonists set fire to two cars in the village.", "israeli-settlers", IDENTITY),
    ("Ansarullah fighters shelled the district.", "houthis", REBEL),
    ("The Giants Brigades advanced in Shabwa.", "giants-brigades", POLITICAL),
    ("Security Belt Forces detained him.", "southern-transitional-council", POLITICAL),
    ("The Radwan Force fired anti-tank missiles.", "hezbollah", POLITICAL),
    ("UNIFIL peacekeepers reported the blast.", "unifil", EXTERNAL),
    ("The Lions' Den claimed the shooting.", "lions-den", REBEL),
    ("The Jenin Battalion said it fought the raid.", "palestinian-islamic-jihad", REBEL),
    ("Izz el-Din al-Qassam Brigades fired rockets.", "hamas", REBEL),
    ("Armed settlers torched cars in the village.", "israeli-settlers", IDENTITY),
    ("Israeli tank fire hit the tents.", "idf", STATE),
    ("The PA security services arrested three men.", "palestinian-security-forces", STATE),
    ("Haftar-led forces moved south.", "libyan-national-army", STATE),
    ("The Special Deterrence Force clashed with the brigade.", "special-deterrence-force",
     POLITICAL),
    ("Wilayat Sinai claimed the attack on the checkpoint.", "islamic-state-sinai", REBEL),
    ("Islamic State remnants attacked a patrol.", "islamic-state", REBEL),
    ("Daesh elements opened fire on the outpost.", "islamic-state", REBEL),
    ("The 444th Combat Brigade deployed armoured vehicles.", "libya-gnu-forces", STATE),
]  # fmt: skip

# Sahel and West Africa: the first actor a sentence names.
SAHEL_AND_WEST_AFRICA_NAMES = [
    ("Katiba Macina fighters stormed the market.", "jnim", REBEL),
    ("The al-Qaeda affiliate JNIM claimed the ambush.", "jnim", REBEL),
    ("ISGS fighters executed three men.", "islamic-state-sahel", REBEL),
    ("EIGS militants raided the camp.", "islamic-state-sahel", REBEL),
    ("FAMa soldiers repelled the raid.", "malian-armed-forces", STATE),
    ("Russian instructors accompanied the column.", "wagner-group", EXTERNAL),
    ("The Azawad Liberation Front shot down a drone.", "azawad-liberation-front", REBEL),
    ("Dogon militiamen attacked a Peul hamlet.", "dan-na-ambassagou", IDENTITY),
    ("Dozo hunters clashed with the assailants.", "dozo-hunters", IDENTITY),
    ("Homeland Defence Volunteers were ambushed.", "vdp", POLITICAL),
    ("ISWAP insurgents overran the base.", "islamic-state-west-africa", REBEL),
    ("The Bakura faction abducted fishermen.", "boko-haram", REBEL),
    ("Ansaru jihadists kidnapped travellers.", "ansaru", REBEL),
    ("CJTF vigilantes arrested the suspect.", "civilian-joint-task-force", IDENTITY),
    ("Amotekun operatives rescued the victims.", "amotekun", POLITICAL),
    ("ESN fighters burned the police station.", "ipob", POLITICAL),
    ("Operation Hadin Kai troops killed five insurgents.", "nigerian-forces", STATE),
    ("NSCDC operatives arrested two men.", "nigerian-forces", STATE),
    ("Armed herders attacked the farming village.", "fulani-militia", IDENTITY),
    ("Cattle rustlers raided the herd.", "bandits", POLITICAL),
    ("Local vigilantes repelled the attackers.", "vigilantes", IDENTITY),
    ("Ethnic militiamen torched the hamlet.", "communal-militia", IDENTITY),
    ("MNJTF troops recovered the town.", "mnjtf", EXTERNAL),
    ("Amba fighters torched the school.", "ambazonian-separatists", REBEL),
    ("FACT rebels crossed from Libya.", "fact", REBEL),
    ("Ansar al-Sunna fighters beheaded villagers.", "islamic-state-mozambique", REBEL),
    ("SAMIM troops withdrew.", "samim", EXTERNAL),
    ("Rwandan troops retook the port.", "rwanda-defence-force", STATE),
    ("AQIM militants kidnapped a foreigner.", "aqim", REBEL),
]  # fmt: skip

# East and Central Africa.
EAST_AND_CENTRAL_AFRICA_NAMES = [
    ("The paramilitary RSF shelled the camp.", "rsf", REBEL),
    ("SAF drones struck the bridge.", "sudanese-armed-forces", STATE),
    ("The Darfur Joint Force repelled an assault on the city.", "darfur-joint-force",
     POLITICAL),
    ("SPLM-N al-Hilu fighters took the hill.", "splm-n", REBEL),
    ("JEM fighters crossed the border.", "jem", REBEL),
    ("The SLA-AW said it was neutral in the war.", "sla-abdel-wahid", REBEL),
    ("SSPDF soldiers looted the market.", "south-sudan-forces", STATE),
    ("SPLA-IO fighters overran a barracks.", "splm-io", REBEL),
    ("NAS rebels ambushed a convoy on the Juba road.", "nas-south-sudan", REBEL),
    ("The White Army mobilised in Nasir.", "white-army", IDENTITY),
    ("Murle youth raided a cattle camp.", "communal-militia", IDENTITY),
    ("Shabaab militants stormed the hotel.", "al-shabaab", REBEL),
    ("Danab special forces raided the hideout.", "somali-forces", STATE),
    ("Macawisley fighters retook the village.", "macawisley", POLITICAL),
    ("ATMIS troops handed over the base.", "au-mission-somalia", EXTERNAL),
    ("AFRICOM said the strike killed two militants.", "us-forces", EXTERNAL),
    ("Puntland forces bombed the hideouts of IS Somalia.", "puntland-forces", STATE),
    ("SSC-Khatumo forces took Las Anod.", "ssc-khatumo", POLITICAL),
    ("Fano militants seized the town.", "fano", IDENTITY),
    ("OLF-Shane fighters kidnapped students.", "ola", REBEL),
    ("TDF fighters withdrew from the town.", "tplf", REBEL),
    ("ENDF troops advanced on Bahir Dar.", "ethiopian-forces", STATE),
    ("Ethiopian drone strikes killed dozens.", "ethiopian-forces", STATE),
    ("Eritrean troops looted homes.", "military-forces-er", STATE),
    ("KDF soldiers were hit by an IED.", "military-forces-ke", STATE),
    ("GSU officers dispersed the crowd.", "police-forces-ke", STATE),
    ("AFC/M23 rebels seized the airport.", "m23", REBEL),
    ("The Congo River Alliance named a governor.", "m23", REBEL),
    ("ADF insurgents killed villagers near Beni.", "adf", REBEL),
    ("FARDC soldiers fled the town.", "fardc", STATE),
    ("Wazalendo militiamen attacked the convoy.", "mai-mai", IDENTITY),
    ("CODECO militants attacked a displacement camp.", "codeco", IDENTITY),
    ("FDLR rebels were seen in the park.", "fdlr", REBEL),
    ("Mobondo militiamen raided a village near Kwamouth.", "mobondo", IDENTITY),
    ("UPDF soldiers joined the offensive.", "military-forces-ug", STATE),
    ("Imbonerakure members beat a villager.", "imbonerakure", POLITICAL),
    ("RED-Tabara claimed the attack.", "red-tabara", REBEL),
    ("FACA soldiers and Russian instructors entered the town.", "military-forces-cf",
     STATE),
    ("3R rebels attacked herders.", "3r", REBEL),
    ("CPC fighters ambushed the convoy.", "cpc", REBEL),
    ("AAKG militiamen burned the camp.", "azande-ani-kpi-gbe", IDENTITY),
]  # fmt: skip

# South and Southeast Asia.
SOUTH_AND_SOUTHEAST_ASIA_NAMES = [
    ("Taliban border guards exchanged fire at the crossing.", "taliban", STATE),
    ("ISIS-K claimed the suicide bombing.", "islamic-state-khorasan", REBEL),
    ("NRF fighters ambushed a patrol in Panjshir.", "national-resistance-front", REBEL),
    ("The Afghan National Army lost the district in 2019.", "afghan-republic-forces",
     STATE),
    ("Fitna al-Khawarij attacked a checkpoint in Bannu.", "ttp", REBEL),
    ("The Hafiz Gul Bahadur group claimed the raid.", "hafiz-gul-bahadur-group", REBEL),
    ("The Majeed Brigade stormed the camp.", "bla", REBEL),
    ("BLF militants torched trucks.", "blf", REBEL),
    ("LeJ militants shot two men.", "lashkar-e-jhangvi", REBEL),
    ("CTD personnel raided a compound.", "pakistani-forces", STATE),
    ("Frontier Corps troops returned fire.", "pakistani-forces", STATE),
    ("TRF militants fired on the tourists.", "the-resistance-front", REBEL),
    ("CRPF jawans were injured in the IED blast.", "indian-forces", STATE),
    ("The CPI (Maoist) cadres abducted a villager.", "maoists", REBEL),
    ("Naxal insurgents triggered a landmine.", "maoists", REBEL),
    ("Arambai Tenggol members stopped the convoy.", "meitei-militants", IDENTITY),
    ("Kuki village volunteers fired at the bunker.", "kuki-militants", IDENTITY),
    ("ULFA-I claimed the grenade attack.", "ulfa", REBEL),
    ("RAB members arrested the suspect.", "police-forces-bd", STATE),
    ("Chhatra League activists beat the students.", "awami-league", POLITICAL),
    ("ARSA militants attacked a camp in Cox's Bazar.", "arsa", REBEL),
    ("The Tatmadaw bombed a village.", "myanmar-military", STATE),
    ("Junta airstrikes killed ten people.", "myanmar-military", STATE),
    ("Local PDF fighters raided a police station.", "peoples-defence-force", REBEL),
    ("AA troops seized the last base in the township.", "arakan-army", REBEL),
    ("KIA troops shelled the camp.", "kachin-independence-army", REBEL),
    ("Kokang rebels took Laukkai.", "mndaa", REBEL),
    ("TNLA fighters entered Lashio.", "tnla", REBEL),
    ("KNLA soldiers attacked the outpost.", "karen-national-union", REBEL),
    ("Karenni forces retook the town.", "karenni-nationalities-defense-force", REBEL),
    ("Pyu Saw Htee militiamen burned houses.", "pyu-saw-htee", POLITICAL),
    ("NPA guerrillas ambushed soldiers in Samar.", "new-peoples-army", REBEL),
    ("Abu Sayyaf gunmen seized hostages.", "abu-sayyaf", REBEL),
    ("BIFF militants bombed a bus.", "biff", REBEL),
    ("The Maute group occupied parts of Marawi.", "dawlah-islamiyah", REBEL),
    ("MILF fighters clashed in Maguindanao.", "milf", REBEL),
    ("BRN insurgents detonated a bomb in Narathiwat.", "brn", REBEL),
    ("TPNPB fighters shot a pilot.", "tpnpb", REBEL),
]  # fmt: skip

# Europe and the Americas.
EUROPE_AND_THE_AMERICAS_NAMES = [
    ("Russian glide bombs hit the city centre.", "russian-forces", STATE),
    ("Shahed drones struck the power plant overnight.", "russian-forces", STATE),
    ("Akhmat special forces advanced near the village.", "russian-forces", STATE),
    ("Ukrainian sea drones hit a landing ship.", "ukrainian-forces", STATE),
    ("The SBU claimed the drone attack on the refinery.", "ukrainian-forces", STATE),
    ("Pro-Russian separatists shelled the town in 2015.", "pro-russian-separatists",
     REBEL),
    ("The Russian Volunteer Corps crossed into Belgorod.", "russian-volunteer-corps",
     REBEL),
    ("Karabakh Armenian forces surrendered their weapons.", "artsakh-defence-army",
     STATE),
    ("ELN fighters blew up the pipeline.", "eln", REBEL),
    ("EMC dissidents attacked a police station in Cauca.", "farc-dissidents", REBEL),
    ("The Gaitanist Army of Colombia imposed a curfew.", "clan-del-golfo", POLITICAL),
    ("CJNG gunmen ambushed police.", "cjng", POLITICAL),
    ("Los Chapitos gunmen clashed with Los Mayos.", "los-chapitos", POLITICAL),
    ("The Cartel del Noreste blocked roads.", "los-zetas", POLITICAL),
    ("The Gulf Cartel fought over Reynosa.", "gulf-cartel", POLITICAL),
    ("Mexican marines killed four gunmen.", "mexican-forces", STATE),
    ("Colectivos fired on the protest.", "colectivos", POLITICAL),
    ("The Bolivarian National Guard dispersed the march.", "military-forces-ve", STATE),
    ("400 Mawozo gang members kidnapped missionaries.", "400-mawozo", POLITICAL),
    ("The G9 alliance attacked Cite Soleil.", "g9", POLITICAL),
    ("Gran Grif gang members massacred residents.", "gran-grif", POLITICAL),
    ("Kenyan-led mission officers patrolled the port.", "mss-haiti", EXTERNAL),
    ("Los Choneros inmates rioted in the prison.", "los-choneros", POLITICAL),
    ("Comando Vermelho gunmen fought police.", "comando-vermelho", POLITICAL),
    ("Operation Barkhane troops killed a commander.", "military-forces-fr", STATE),
    ("US Marines struck a radar site.", "us-forces", EXTERNAL),
    ("Turkish drone strikes hit the village.", "turkish-forces", EXTERNAL),
    ("KFOR troops reinforced the bridge.", "nato-forces", EXTERNAL),
    ("An EUNAVFOR Aspides frigate shot down a drone.", "eu-naval-force", EXTERNAL),
    ("EACRF troops left Goma.", "eac-regional-force", EXTERNAL),
]  # fmt: skip

# Generic classes: unnamed gunmen, bandits, vigilantes, crowds, a country's army or police.
GENERIC_NAMES = [
    ("Gunmen on motorcycles opened fire on the market.", "unidentified-armed-group",
     POLITICAL),
    ("Unidentified militants attacked the checkpoint.", "unidentified-armed-group",
     POLITICAL),
    ("Kidnappers seized six travellers.", "unidentified-armed-group", POLITICAL),
    ("Insurgents overran the post.", "unidentified-armed-group", POLITICAL),
    ("Suspected jihadists burned the school.", "jihadist-militants", REBEL),
    ("Islamist gunmen killed four farmers.", "jihadist-militants", REBEL),
    ("Armed bandits raided the village.", "bandits", POLITICAL),
    ("Tribal gunmen clashed over land.", "tribal-militia", IDENTITY),
    ("Clan militiamen fought over a well.", "tribal-militia", IDENTITY),
    ("Vigilantes lynched the suspect.", "vigilantes", IDENTITY),
    ("Communal militias burned houses.", "communal-militia", IDENTITY),
    ("Fulani gunmen attacked the farming village.", "fulani-militia", IDENTITY),
    ("Anti-government protesters blocked the road.", "protesters", PROTESTERS),
    ("Looters ransacked shops.", "rioters", RIOTERS),
    ("Municipal police officers were ambushed.", "police-forces", STATE),
    ("Army drones struck the market.", "military-forces", STATE),
    ("Amal fighters joined the clashes.", "amal-movement", POLITICAL),
]  # fmt: skip

# Fire named by a nationality is that country's forces.
NATIONAL_FIRE_NAMES = [
    ("Azerbaijani shelling hit the village.", "military-forces-az", STATE),
    ("Saudi border guards fired on migrants.", "military-forces-sa", STATE),
    ("Sudanese drone strikes hit the market.", "sudanese-armed-forces", STATE),
    ("Armenian artillery fire killed two.", "military-forces-am", STATE),
]  # fmt: skip

# Analysts' labels (ACLED and press usage), by region: each is a name, id or alias.
MIDDLE_EAST_LABELS = [
    ("Houthis", "houthis"),
    ("the Houthis", "houthis"),
    ("Syrian Democratic Forces", "sdf"),
    ("Hayat Tahrir al-Sham", "hts"),
    ("Hezbollah", "hezbollah"),
    ("Israeli forces", "idf"),
    ("Libyan National Army", "libyan-national-army"),
    ("Syrian government forces", "syrian-government-forces"),
    ("Iraqi army", "iraqi-security-forces"),  # the engine reports the umbrella
    ("Turkish-backed rebels", "syrian-national-army"),
]  # fmt: skip

SAHEL_AND_WEST_AFRICA_LABELS = [
    ("Malian army", "malian-armed-forces"),
    ("Malian armed forces", "malian-armed-forces"),
    ("FAMa", "malian-armed-forces"),
    ("JNIM", "jnim"),
    ("Islamic State Sahel", "islamic-state-sahel"),
    ("ISWAP", "islamic-state-west-africa"),
    ("Boko Haram", "boko-haram"),
    ("bandits", "bandits"),
    ("jihadists", "jihadist-militants"),
    ("Burkina Faso army", "burkina-faso-forces"),
    ("Volunteers for the Defence of the Homeland", "vdp"),
    ("Nigerien army", "niger-forces"),
    ("Nigerian army", "nigerian-forces"),
    ("Nigerian police", "nigerian-forces"),
    ("Cameroonian army", "cameroon-forces"),
    ("Ambazonian separatists", "ambazonian-separatists"),
    ("Amba boys", "ambazonian-separatists"),
    ("IPOB", "ipob"),
    ("Fulani militia", "fulani-militia"),
    ("Civilian JTF", "civilian-joint-task-force"),
    ("Wagner Group", "wagner-group"),
    ("Africa Corps", "wagner-group"),
    ("Chadian army", "military-forces-td"),
    ("Beninese army", "military-forces-bj"),
    ("Togolese soldiers", "military-forces-tg"),
]  # fmt: skip

EAST_AND_CENTRAL_AFRICA_LABELS = [
    ("Rapid Support Forces", "rsf"),
    ("RSF", "rsf"),
    ("Sudanese army", "sudanese-armed-forces"),
    ("SAF", "sudanese-armed-forces"),
    ("SPLM-N", "splm-n"),
    ("SSPDF", "south-sudan-forces"),
    ("SPLA-IO", "splm-io"),
    ("Al-Shabaab", "al-shabaab"),
    ("Somali security forces", "somali-forces"),
    ("Somali National Army", "somali-forces"),
    ("Fano", "fano"),
    ("Oromo Liberation Army", "ola"),
    ("TPLF", "tplf"),
    ("Ethiopian army", "ethiopian-forces"),
    ("Kenya Defence Forces", "military-forces-ke"),
    ("Kenyan army", "military-forces-ke"),
    ("Kenyan police", "police-forces-ke"),
    ("ADF", "adf"),
    ("M23", "m23"),
    ("FARDC", "fardc"),
    ("Congolese army", "fardc"),
    ("Wazalendo", "mai-mai"),
    ("MONUSCO", "un-peacekeepers"),
    ("Rwanda Defence Force", "rwanda-defence-force"),
    ("FACA", "military-forces-cf"),
    ("Burundian army", "military-forces-bi"),
    ("clan militia", "tribal-militia"),
]  # fmt: skip

SOUTH_AND_SOUTHEAST_ASIA_LABELS = [
    ("Taliban", "taliban"),
    ("Afghan security forces", "taliban"),
    ("ISKP", "islamic-state-khorasan"),
    ("TTP", "ttp"),
    ("Pakistani police", "pakistani-forces"),
    ("Pakistani army", "pakistani-forces"),
    ("BLA", "bla"),
    ("Lashkar-e-Taiba", "lashkar-e-taiba"),
    ("Jaish-e-Mohammed", "jaish-e-mohammed"),
    ("Indian army", "indian-forces"),
    ("Maoists", "maoists"),
    ("Myanmar military", "myanmar-military"),
    ("Tatmadaw", "myanmar-military"),
    ("Arakan Army", "arakan-army"),
    ("People's Defence Force", "peoples-defence-force"),
    ("PDF", "peoples-defence-force"),
    ("KIA", "kachin-independence-army"),
    ("Bangladeshi police", "police-forces-bd"),
    ("Armed Forces of the Philippines", "philippine-forces"),
    ("NPA", "new-peoples-army"),
]  # fmt: skip

EUROPE_AND_THE_AMERICAS_LABELS = [
    ("Russian forces", "russian-forces"),
    ("Ukrainian forces", "ukrainian-forces"),
    ("Azerbaijani army", "military-forces-az"),
    ("Armenian forces", "military-forces-am"),
    ("ELN", "eln"),
    ("FARC dissidents", "farc-dissidents"),
    ("Clan del Golfo", "clan-del-golfo"),
    ("AGC", "clan-del-golfo"),
    ("CJNG", "cjng"),
    ("Sinaloa Cartel", "sinaloa-cartel"),
    ("Viv Ansanm", "viv-ansanm"),
    ("Haitian National Police", "haitian-police"),
    ("Ecuadorian army", "military-forces-ec"),
    ("Tren de Aragua", "tren-de-aragua"),
]  # fmt: skip

GENERIC_LABELS = [
    ("militants", "unidentified-armed-group"),
    ("gunmen", "unidentified-armed-group"),
    ("insurgents", "unidentified-armed-group"),
    ("kidnappers", "unidentified-armed-group"),
    ("unidentified armed group", "unidentified-armed-group"),
    ("jihadists", "jihadist-militants"),
    ("Islamist militants", "jihadist-militants"),
    ("bandits", "bandits"),
    ("tribal militia", "tribal-militia"),
    ("clan militia", "tribal-militia"),
    ("vigilantes", "vigilantes"),
    ("ethnic militia", "communal-militia"),
    ("communal militia", "communal-militia"),
    ("herders", "fulani-militia"),
    ("protesters", "protesters"),
    ("rioters", "rioters"),
]  # fmt: skip

# ACLED's "Military Forces of X" and "Police Forces of X".
ACLED_FORCE_LABELS = [
    ("Military Forces of Pakistan", "pakistani-forces"),
    ("Police Forces of Pakistan", "pakistani-forces"),
    ("Military Forces of Nigeria", "nigerian-forces"),
    ("Military Forces of Myanmar", "myanmar-military"),
    ("Military Forces of Iraq", "iraqi-security-forces"),
    ("Military Forces of Kenya", "military-forces-ke"),
    ("Police Forces of Kenya", "police-forces-ke"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "actor_id", "actor_type"), MIDDLE_EAST_NAMES)
def test_the_one_name_in_the_text(
    reg: ActorRegistry, text: str, actor_id: str, actor_type: ActorType
) -> None:
    assert found_in(reg, text) == [(actor_id, actor_type.value)]


@pytest.mark.parametrize(
    ("text", "actor_id", "actor_type"),
    [
        *SAHEL_AND_WEST_AFRICA_NAMES,
        *EAST_AND_CENTRAL_AFRICA_NAMES,
        *SOUTH_AND_SOUTHEAST_ASIA_NAMES,
        *EUROPE_AND_THE_AMERICAS_NAMES,
        *GENERIC_NAMES,
        *NATIONAL_FIRE_NAMES,
    ],
)
def test_the_first_name_in_the_text(
    reg: ActorRegistry, text: str, actor_id: str, actor_type: ActorType
) -> None:
    assert first_in(reg, text) == (actor_id, actor_type.value)


@pytest.mark.parametrize(
    ("label", "actor_id"),
    [
        *MIDDLE_EAST_LABELS,
        *SAHEL_AND_WEST_AFRICA_LABELS,
        *EAST_AND_CENTRAL_AFRICA_LABELS,
        *SOUTH_AND_SOUTHEAST_ASIA_LABELS,
        *EUROPE_AND_THE_AMERICAS_LABELS,
        *GENERIC_LABELS,
        *ACLED_FORCE_LABELS,
    ],
)
def test_analyst_labels(reg: ActorRegistry, label: str, actor_id: str) -> None:
    assert fold(label) in labels_of(reg, actor_id)


class TestMiddleEast:
    def test_palestinian_militants_are_a_collective(self, reg: ActorRegistry) -> None:
        actor = reg.get("palestinian-armed-groups")
        assert actor is not None
        # A collective name ("... groups") gives way to a named group in the same incident.
        assert actor.name.split()[-1] == "groups"
        assert found_in(reg, "Palestinian gunmen opened fire.") == [
            ("palestinian-armed-groups", "rebel_group")
        ]


class TestSahelAndWestAfrica:
    def test_bir_is_the_unit_of_the_country_in_the_text(self, reg: ActorRegistry) -> None:
        assert found_in(reg, "Cameroonian BIR soldiers raided Bamenda.")[0][0] == "cameroon-forces"
        assert found_in(reg, "BIR units of the Burkinabe army moved in.")[0][0] == (
            "burkina-faso-forces"
        )

    def test_fds_is_the_security_forces_of_the_incident_country(self, reg: ActorRegistry) -> None:
        assert first_in(reg, "FDS units pursued the assailants.") == (
            "security-forces",
            "state_forces",
        )


class TestEastAndCentralAfrica:
    def test_sna_is_somali_or_syrian_by_the_text(self, reg: ActorRegistry) -> None:
        somali = reg.find_mentions("The SNA and Somali police cleared al-Shabaab from the town.")
        syrian = reg.find_mentions("The SNA, backed by Turkey, shelled Syrian Kurdish positions.")
        assert [m.actor.id for m in somali if m.surface == "SNA"] == ["somali-forces"]
        assert [m.actor.id for m in syrian if m.surface == "SNA"] == ["syrian-national-army"]

    def test_national_security_service_by_country(self, reg: ActorRegistry) -> None:
        juba = "The National Security Service detained a journalist, South Sudanese media said."
        baghdad = "The National Security Service arrested an Iraqi official."
        assert reg.find_mentions(juba)[0].actor.id == "south-sudan-forces"
        assert reg.find_mentions(baghdad)[0].actor.id == "iraqi-intelligence"


class TestSouthAndSoutheastAsia:
    def test_khawarij_is_ttp_in_pakistan_and_shabaab_in_somalia(self, reg: ActorRegistry) -> None:
        assert first_in(reg, "Khawarij attacked a Pakistani post.") == ("ttp", "rebel_group")
        assert first_in(reg, "Khawarij attacked a Somali base.") == ("al-shabaab", "rebel_group")


class TestEuropeAndTheAmericas:
    def test_cartel_factions_belong_to_the_cartel(self, reg: ActorRegistry) -> None:
        assert [a.id for a in reg.part_of("los-chapitos")] == ["sinaloa-cartel"]
        assert [a.id for a in reg.part_of("la-mayiza")] == ["sinaloa-cartel"]
