"""Fictional demo live blog seeded by `bulletin demo` (invented town, people and events)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoAuthor:
    username: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class DemoEntry:
    days_ago: int  # 2 = first day of coverage, 0 = today
    time: str  # "HH:MM" local time in the blog's time zone, 24h
    author: str  # a DemoAuthor.username
    headline: str  # at most 120 characters
    # Sanitised HTML subset only: <p>, <br>, <strong>, <em>, <a href="https://...">,
    # <ul>/<ol>/<li>, <h3>, <h4>,
    # <blockquote cite="..."><p>...</p><cite>Name, role</cite></blockquote>
    body_html: str
    key_event: bool = False
    breaking: bool = False
    pinned: bool = False
    embed_url: str = ""  # optional YouTube / Bluesky / etc. URL with invented ids
    # A social post's card, as the journalist quotes it (posted a few minutes before the entry).
    embed_author: str = ""
    embed_handle: str = ""
    embed_text: str = ""
    related_url: str = ""  # optional "Full story" link; https://example.com/... only
    related_title: str = ""
    correction_note: str = ""  # optional, shown as "Correction: ..."
    guest_byline: str = ""  # optional agency byline ("Staff and agencies"): credited instead


@dataclass(frozen=True)
class DemoBlog:
    slug: str
    title: str  # ends with "Live Updates"
    description: str  # standfirst, 1-2 sentences, says it is fictional demo content
    timezone: str  # an IANA zone, e.g. "Europe/London"
    language: str  # "en-gb": its region sets how times and dates read (bulletin.blogs.dates)
    key_points: tuple[str, ...]
    authors: tuple[DemoAuthor, ...]
    entries: tuple[DemoEntry, ...] = field(default_factory=tuple)


DEMO_BLOG = DemoBlog(
    slug="halloway-storm-flooding",
    title="Storm and floods hit Halloway: Live Updates",
    description=(
        "Rolling coverage from The Halloway Courier as a severe storm and tidal surge bring "
        "flooding to the Caddle estuary. This is fictional demo content: the town, people, "
        "organisations and events are all invented."
    ),
    timezone="Europe/London",
    language="en-gb",
    key_points=(
        (
            "About 310 homes and businesses in Halloway flooded after the Marine Parade sea wall "
            "was overtopped"
        ),
        "Nobody was seriously hurt; fisherman Callum Tresize, missing overnight, was found safe",
        (
            "The weather warning has been lifted, but Lower Quay and Marine Parade remain closed "
            "to traffic"
        ),
        "Power is back for all but about 150 of the 4,200 homes cut off at the height of the storm",
        "The council has announced a £2m recovery fund; applications open tomorrow",
    ),
    authors=(
        DemoAuthor(username="iokafor", first_name="Ines", last_name="Okafor"),
        DemoAuthor(username="dwhitlow", first_name="Dominic", last_name="Whitlow"),
        DemoAuthor(username="shalvorsen", first_name="Sanna", last_name="Halvorsen"),
    ),
    entries=(
        # --- First day of coverage ---
        DemoEntry(
            days_ago=2,
            time="07:45",
            author="iokafor",
            headline="What we know so far as the storm bears down on Halloway",
            body_html=(
                "<p>Good morning. The Coastal Weather Service has issued its highest-level warning "
                "for the Caddle estuary, with gusts of up to 85mph and a storm surge expected to "
                "coincide with this evening's high tide at 20:52.</p>"
                "<h3>What we know</h3>"
                "<ul>"
                "<li>The warning runs from 12:00 today until 06:00 tomorrow.</li>"
                "<li>Halloway Borough Council has told people in Lower Quay, Marine Parade and the "
                "Saltings estate to prepare to leave their homes.</li>"
                "<li>All 14 schools in the borough will close at midday, along with the library "
                "and the Harbour Museum.</li>"
                "<li>The harbour is closed to all vessels from 10:00.</li></ul>"
                "<p>I'm Ines Okafor and I'll be leading the Courier's live coverage, with "
                "reporters Dominic Whitlow and Sanna Halvorsen out across the town. You can send "
                "us your pictures and updates through "
                '<a href="https://example.com/halloway-courier/contact">our reader contact '
                "page</a>.</p>"
            ),
            key_event=True,
        ),
        DemoEntry(
            days_ago=2,
            time="08:10",
            author="iokafor",
            headline="How to get help: emergency numbers and rest centres",
            body_html=(
                "<p>If you or someone else is in immediate danger, call the emergency services. "
                "For everything else, these are the numbers to use during the storm:</p>"
                "<ul>"
                "<li><strong>Council flood line</strong> (24 hours): 0800 000 000</li>"
                "<li><strong>Power cuts</strong>, Wessmoor Power Networks: 0800 000 105</li>"
                "<li><strong>Flood warnings</strong>, Caddle Estuary Water Board: 0800 000 311</li>"
                "<li><strong>Police non-emergency line</strong>: 01632 960 101</li></ul>"
                "<p>Rest centres are open at <strong>Kettle Hill Leisure Centre</strong> and "
                "<strong>Bellcote Community Hall</strong>. Both accept pets on leads or in "
                "carriers.</p>"
                "<p>Full, regularly updated advice is on the "
                '<a href="https://example.com/halloway-council/storm-advice">council\'s storm '
                "advice page</a>.</p>"
            ),
            pinned=True,
        ),
        DemoEntry(
            days_ago=2,
            time="09:30",
            author="dwhitlow",
            headline="Council opens rest centres and urges Lower Quay residents to act early",
            body_html=(
                "<p>Halloway Borough Council has opened two rest centres and says it has 40 staff "
                "and volunteers on standby. Sandbags are being handed out at the council depot on "
                "Foundry Road until stocks run out.</p>"
                '<blockquote cite="https://example.com/halloway-courier/council-briefing">'
                "<p>Please do not wait until the water is at your door. If you live in Lower Quay "
                "or on Marine Parade and you have somewhere safe to go this evening, go there in "
                "daylight.</p>"
                "<cite>Cllr Annika Drewe, leader of Halloway Borough Council</cite></blockquote>"
            ),
        ),
        DemoEntry(
            days_ago=2,
            time="12:40",
            author="dwhitlow",
            headline="Fishing fleet brought in early as the harbour closes",
            body_html=(
                "<p>Dominic Whitlow is at the harbour, where the last of Halloway's 23 registered "
                "fishing boats came in shortly before the 10:00 closure. Crews spent the morning "
                "doubling mooring lines and lifting smaller boats out of the water.</p>"
                '<blockquote cite="https://example.com/halloway-courier/harbour">'
                "<p>I have been here 31 years and I have seen a handful of days forecast like "
                "this. We have done what we can. Now it is up to the tide.</p>"
                "<cite>Joss Penhallow, Halloway harbourmaster</cite></blockquote>"
                "<p>Our video shows waves already breaking over the outer harbour wall.</p>"
            ),
            embed_url="https://www.youtube.com/watch?v=hW7kQx2LpZa",
        ),
        DemoEntry(
            days_ago=2,
            time="14:15",
            author="shalvorsen",
            headline="Caddle Valley line suspended and coast road closed",
            body_html=(
                "<p>Caddle Valley Railway has suspended all trains between Halloway and Marlbridge "
                "for the rest of the day. Replacement buses are not running because of the "
                "wind.</p>"
                "<ul>"
                "<li>The coast road is closed between the harbour roundabout and Penwarne "
                "Cross.</li>"
                "<li>The Estuary Bridge is closed to high-sided vehicles.</li>"
                "<li>Town-centre bus services will stop at 17:00.</li>"
                "<li>This week's street market on Fore Street has been postponed.</li></ul>"
                "<p>Updated travel information is on the "
                '<a href="https://example.com/caddle-valley-railway/disruption">railway\'s '
                "disruption page</a>.</p>"
            ),
        ),
        DemoEntry(
            days_ago=2,
            time="16:00",
            author="iokafor",
            headline="Lower Quay residents told to leave their homes before high tide",
            body_html=(
                "<p>The council has upgraded its advice for Lower Quay from <em>prepare</em> to "
                "<em>leave</em>, covering about 260 homes. Police officers and council staff are "
                "going door to door.</p>"
                "<p>Anyone who needs help getting to a rest centre can call the flood line on 0800 "
                "000 000, and the council says it will send transport.</p>"
            ),
        ),
        DemoEntry(
            days_ago=2,
            time="18:20",
            author="shalvorsen",
            headline="About 4,200 homes without power as gusts reach 81mph",
            guest_byline="Staff and agencies",
            body_html=(
                "<p>Wessmoor Power Networks says around 4,200 properties in Halloway and the "
                "surrounding villages have lost power, mostly because trees have brought down "
                "overhead lines. A gust of 81mph was recorded at the Kettle Hill weather station "
                "at 17:48.</p>"
                '<blockquote cite="https://example.com/halloway-courier/power-cuts">'
                "<p>Our engineers are ready, but we will not send them up poles in these winds. We "
                "expect to start restoring supplies once the worst has passed overnight.</p>"
                "<cite>Dana Ilford, spokesperson, Wessmoor Power Networks</cite></blockquote>"
                "<p>If you rely on medical equipment that needs electricity, call 0800 000 105 and "
                "ask to be added to the priority register.</p>"
            ),
        ),
        DemoEntry(
            days_ago=2,
            time="20:45",
            author="dwhitlow",
            headline="Sea wall overtopped on Marine Parade as storm surge arrives",
            body_html=(
                "<p><strong>Water is pouring over the sea wall along Marine Parade</strong>, "
                "minutes before the predicted high tide. Dominic Whitlow, watching from the top of "
                "Harbour Steps, says waves are breaking across the road and into the ground floors "
                "of the seafront terraces.</p>"
                "<p>Emergency services have asked everyone to keep clear of the seafront. Do not "
                "try to drive or walk through floodwater.</p>"
            ),
            key_event=True,
            breaking=True,
        ),
        DemoEntry(
            days_ago=2,
            time="22:30",
            author="dwhitlow",
            headline="Lifeboat crew rescues three people from car in floodwater",
            body_html=(
                "<p>The Caddle Estuary volunteer lifeboat crew has rescued three people from a car "
                "that became stranded in floodwater on Ropewalk Lane. All three were taken to the "
                "rest centre at Kettle Hill and are not thought to be injured.</p>"
                '<blockquote cite="https://example.com/halloway-courier/lifeboat-rescue">'
                "<p>The water was up to the door handles and still rising. They did the right "
                "thing by staying in the car and calling for help, but nobody should be driving "
                "down there tonight.</p>"
                "<cite>Rafe Mallender, volunteer crew member, Caddle Estuary "
                "lifeboat</cite></blockquote>"
            ),
        ),
        DemoEntry(
            days_ago=2,
            time="23:15",
            author="shalvorsen",
            headline="Search under way for man who went to check on his boat",
            body_html=(
                "<p>A search is under way for a 58-year-old man who was last seen at about 19:30 "
                "heading towards the inner harbour to check on his boat. Coastguard teams and the "
                "lifeboat crew are searching the harbour area.</p>"
                "<p>His family have asked us to name him as Callum Tresize. Anyone who has seen "
                "him is asked to call police on 01632 960 101.</p>"
                "<p>The coastguard posted this appeal a few minutes ago:</p>"
                '<p><a href="https://x.com/CaddleCG/status/1864123456789012345">'
                "https://x.com/CaddleCG/status/1864123456789012345</a></p>"
                "<p>Police say the harbour area must be kept clear for the search teams.</p>"
            ),
            embed_url="https://x.com/CaddleCG/status/1864123456789012345",
            embed_author="Caddle Coastguard",
            embed_handle="@CaddleCG",
            embed_text=(
                "Search under way in Halloway inner harbour for a man last seen at 19:30. "
                "Please stay away from the harbour wall and let the teams work.\n\n"
                "Seen Callum? Call 999 and ask for the coastguard."
            ),
        ),
        DemoEntry(
            days_ago=2,
            time="23:55",
            author="iokafor",
            headline="We are pausing our live coverage overnight",
            body_html=(
                "<p>That is where we will leave our live coverage for tonight. The surge has "
                "passed its peak, but water levels around Lower Quay remain high and the warning "
                "is in force until 06:00.</p>"
                "<p>Our reporters will be back first thing. If you need help overnight, the "
                "council flood line is staffed around the clock on 0800 000 000. Stay safe.</p>"
            ),
        ),
        # --- Second day ---
        DemoEntry(
            days_ago=1,
            time="06:30",
            author="iokafor",
            headline="Good morning: what happened overnight in Halloway",
            body_html=(
                "<p>Good morning and welcome back to our live coverage. Here is what happened "
                "while most of the town was trying to sleep:</p>"
                "<ul>"
                "<li>The storm surge overtopped the sea wall on Marine Parade just before high "
                "tide, flooding streets in Lower Quay and the Saltings.</li>"
                "<li>Three people were rescued from a car on Ropewalk Lane by the volunteer "
                "lifeboat crew.</li>"
                "<li>The search for Callum Tresize, 58, was suspended at 02:00 and resumes at "
                "first light.</li>"
                "<li>About 3,100 homes are still without power.</li>"
                "<li>112 people spent the night at the two rest centres.</li></ul>"
                "<p>The highest-level warning expired at 06:00, but a lower-level warning remains "
                "in place for tonight's high tide.</p>"
            ),
        ),
        DemoEntry(
            days_ago=1,
            time="07:50",
            author="shalvorsen",
            headline="First light reveals the scale of flooding in Lower Quay",
            body_html=(
                "<p>Sanna Halvorsen has been walking the edge of the flood zone since dawn. On "
                "Quay Street the water is still knee-deep, and a line of cars parked along the "
                "harbour has been pushed several metres by the waves.</p>"
                "<p>The Caddle Estuary Water Board has shared aerial pictures taken by its drone "
                "team this morning.</p>"
            ),
            embed_url="https://bsky.app/profile/caddlewaterboard.bsky.social/post/3lbq7xk2vmt2d",
            embed_author="Caddle Estuary Water Board",
            embed_handle="@caddlewaterboard.bsky.social",
            embed_text=(
                "Drone pictures from 07:15 this morning: Quay Street and the harbour car park "
                "are still under water. Please do not drive through floodwater."
            ),
        ),
        DemoEntry(
            days_ago=1,
            time="09:20",
            author="dwhitlow",
            headline="Search resumes for missing fisherman Callum Tresize",
            body_html=(
                "<p>Coastguard teams, the lifeboat crew and a police search team resumed the "
                "search for Callum Tresize at 07:00. His boat, the <em>Morwen Grace</em>, is still "
                "at its mooring in the inner harbour.</p>"
                '<blockquote cite="https://example.com/halloway-courier/search-update">'
                "<p>We are asking people who live near the harbour to check sheds, garages and "
                "outbuildings. He knows the harbour better than anyone and we remain hopeful.</p>"
                "<cite>Insp Carys Rowntree, Halloway police</cite></blockquote>"
            ),
        ),
        DemoEntry(
            days_ago=1,
            time="10:30",
            author="iokafor",
            headline="Council says about 310 homes and businesses were flooded",
            body_html=(
                "<p>At a briefing at the town hall, the council's chief executive said early "
                "assessments suggest about 310 properties were flooded, most of them in Lower "
                "Quay, Marine Parade and the Saltings estate. Nobody has been seriously hurt.</p>"
                '<blockquote cite="https://example.com/halloway-courier/town-hall-briefing">'
                "<p>This is the worst flooding Halloway has seen in more than 40 years. Our first "
                "job is making sure everyone has somewhere safe, warm and dry to stay, and then we "
                "will start on the clean-up.</p>"
                "<cite>Simon Oakhurst, chief executive, Halloway Borough "
                "Council</cite></blockquote>"
                "<p>Roads in Lower Quay will stay closed at least until tomorrow while engineers "
                "inspect the sea wall.</p>"
            ),
            key_event=True,
            related_url="https://example.com/halloway-courier/news/homes-flooded-storm-surge",
            related_title="Hundreds of homes flooded as storm surge tops Halloway sea wall",
        ),
        DemoEntry(
            days_ago=1,
            time="11:45",
            author="shalvorsen",
            headline="Third rest centre opens at Halloway Academy",
            body_html=(
                "<p>The council has opened a third rest centre at Halloway Academy on Kettle Hill "
                "Road, after the leisure centre reached capacity. Hot meals are being provided by "
                "volunteers from the Bellcote food bank.</p>"
            ),
            correction_note=(
                "An earlier version of this entry said hot meals at the new rest centre were being "
                "provided by the council. They are being provided by volunteers from the Bellcote "
                "food bank."
            ),
        ),
        DemoEntry(
            days_ago=1,
            time="12:35",
            author="dwhitlow",
            headline="Missing fisherman Callum Tresize found safe",
            body_html=(
                "<p><strong>Callum Tresize, the 58-year-old fisherman missing since last night, "
                "has been found alive.</strong></p>"
                "<p>Police say a search team found him at about 12:10 in the loft of a boat store "
                "on the far side of the inner harbour. He had climbed up to escape the rising "
                "water, injured his ankle and could not get down, and his phone battery had run "
                "out. He has been taken to Halloway Community Hospital as a precaution.</p>"
                '<blockquote cite="https://example.com/halloway-courier/fisherman-found">'
                "<p>We cannot thank the lifeboat crew, the coastguard and everyone who searched "
                "enough. He is cold, sore and very embarrassed, and we could not be happier.</p>"
                "<cite>Lowri Tresize, his daughter</cite></blockquote>"
            ),
            key_event=True,
            breaking=True,
        ),
        DemoEntry(
            days_ago=1,
            time="13:40",
            author="dwhitlow",
            headline="'Everything downstairs is gone': residents return to Ropewalk Lane",
            body_html=(
                "<p>Some residents of Ropewalk Lane have been allowed back briefly to collect "
                "medicines and documents. Most found between 30cm and a metre of water in their "
                "ground floors.</p>"
                '<blockquote cite="https://example.com/halloway-courier/ropewalk-lane">'
                "<p>We moved what we could upstairs yesterday afternoon, but you cannot move a "
                "kitchen. Everything downstairs is gone, but we are safe, and the neighbours have "
                "been wonderful.</p>"
                "<cite>Edie Marchbank, Ropewalk Lane resident</cite></blockquote>"
            ),
        ),
        DemoEntry(
            days_ago=1,
            time="15:05",
            author="shalvorsen",
            headline="How you can help: volunteering and donations",
            body_html=(
                "<p>Many readers have asked how they can help. The council and local groups say "
                "the most useful things right now are:</p>"
                "<ol>"
                "<li>Sign up through the "
                '<a href="https://example.com/halloway-council/volunteer">council\'s volunteer '
                "register</a> rather than turning up at the flood zone.</li>"
                "<li>Give to the Halloway Community Foundation "
                '<a href="https://example.com/halloway-community-foundation/flood-appeal">flood '
                "appeal</a>.</li>"
                "<li>Drop off towels, bedding and toiletries at Bellcote Community Hall between "
                "10:00 and 18:00.</li></ol>"
                "<p>The food bank says it does not need any more clothes at the moment.</p>"
            ),
        ),
        DemoEntry(
            days_ago=1,
            time="17:25",
            author="shalvorsen",
            headline="Power back on for most homes",
            body_html=(
                "<p>Wessmoor Power Networks says supplies have been restored to all but about 600 "
                "properties. Engineers have repaired 37 separate faults since first light.</p>"
                '<blockquote cite="https://example.com/halloway-courier/power-restored">'
                "<p>The remaining customers are mainly in Lower Quay, where we cannot safely "
                "reconnect substations until the water has gone down and they have been "
                "checked.</p>"
                "<cite>Dana Ilford, spokesperson, Wessmoor Power Networks</cite></blockquote>"
            ),
        ),
        DemoEntry(
            days_ago=1,
            time="21:55",
            author="dwhitlow",
            headline="Evening high tide passes without further flooding",
            body_html=(
                "<p>The evening high tide passed at 21:41 without water coming over the sea wall, "
                "to visible relief among the small crowd watching from Harbour Steps. Council "
                "pumps have been running all day and water levels in Lower Quay have dropped "
                "sharply.</p>"
                "<p>That is all from us tonight. We will be back in the morning with the latest on "
                "the clean-up. The council flood line remains open on 0800 000 000.</p>"
            ),
        ),
        # --- Third day (today) ---
        DemoEntry(
            days_ago=0,
            time="06:40",
            author="iokafor",
            headline="Good morning, and welcome back to our coverage",
            body_html=(
                "<p>Good morning and welcome to the third day of our live coverage of the storm "
                "and its aftermath. Here is where things stand:</p>"
                "<ul>"
                "<li>Last night's high tide passed without further flooding.</li>"
                "<li>About 150 homes, all in Lower Quay, are still without power.</li>"
                "<li>67 people spent last night in rest centres, down from 112 the night "
                "before.</li>"
                "<li>Callum Tresize, found safe yesterday, was discharged from hospital last "
                "night.</li></ul>"
                "<p>Dominic Whitlow is in Lower Quay and Sanna Halvorsen is at the town hall.</p>"
            ),
        ),
        DemoEntry(
            days_ago=0,
            time="08:15",
            author="shalvorsen",
            headline="Weather warning lifted for the Caddle estuary",
            guest_byline="Staff and agencies",
            body_html=(
                "<p>The Coastal Weather Service has lifted its remaining warning for the estuary, "
                "two hours earlier than planned. Winds have dropped to a moderate breeze and the "
                "next tides are forecast to stay well below the top of the sea wall.</p>"
                "<p>The council says the coast road should reopen by midday, but Lower Quay and "
                "Marine Parade will stay closed to traffic.</p>"
            ),
            key_event=True,
        ),
        DemoEntry(
            days_ago=0,
            time="10:20",
            author="dwhitlow",
            headline="Clean-up begins in Lower Quay as the water recedes",
            body_html=(
                "<p>With the water now largely gone from Lower Quay, the clean-up has begun in "
                "earnest. Skips are lined up along Quay Street and council crews are clearing silt "
                "and seaweed from the roads.</p>"
                "<p>Our drone footage, filmed this morning with permission from the council, shows "
                "the scale of the job ahead.</p>"
            ),
            embed_url="https://www.youtube.com/watch?v=Qm4TfR8vYcN",
        ),
        DemoEntry(
            days_ago=0,
            time="12:30",
            author="iokafor",
            headline="Council announces £2m recovery fund for flooded households and businesses",
            body_html=(
                "<p>Halloway Borough Council has announced a £2m recovery fund. Flooded households "
                "will be able to apply for an immediate grant of £500, and small businesses for up "
                "to £5,000. Applications open tomorrow.</p>"
                '<blockquote cite="https://example.com/halloway-courier/recovery-fund">'
                "<p>People have lost their kitchens, their stock and in some cases their "
                "livelihoods. This money will not put everything right, but it should arrive "
                "quickly and without a mountain of paperwork.</p>"
                "<cite>Cllr Annika Drewe, leader of Halloway Borough Council</cite></blockquote>"
                "<p>Details of how to apply are on the "
                '<a href="https://example.com/halloway-council/recovery-fund">council '
                "website</a>.</p>"
            ),
            key_event=True,
            related_url="https://example.com/halloway-courier/news/flood-recovery-fund-explained",
            related_title="Halloway flood recovery fund: who can apply and how",
        ),
        DemoEntry(
            days_ago=0,
            time="14:10",
            author="shalvorsen",
            headline="Flooded? What to do first about insurance and repairs",
            body_html=(
                "<p>We asked local loss adjusters and the council's housing team for their advice "
                "to anyone whose home has been flooded:</p>"
                "<ul>"
                "<li>Call your insurer as early as possible and ask whether they will arrange "
                "drying and temporary accommodation.</li>"
                "<li>Photograph all damage before you throw anything away, and keep samples of "
                "carpets and flooring.</li>"
                "<li>Do not switch on electrics that have been underwater until an electrician has "
                "checked them.</li>"
                "<li>Wear gloves and boots: floodwater can be contaminated with sewage.</li>"
                "<li>Tenants should tell their landlord in writing as soon as possible.</li></ul>"
                "<p>The Halloway Citizens' Help Centre is running a drop-in session at Bellcote "
                "Community Hall from 10:00 tomorrow. Its helpline is 01632 960 244.</p>"
            ),
        ),
        DemoEntry(
            days_ago=0,
            time="16:00",
            author="dwhitlow",
            headline="Residents ask why long-promised sea wall upgrade never happened",
            body_html=(
                "<p>Campaigners in Lower Quay say the flooding could have been less severe if "
                "long-planned work to raise the Marine Parade sea wall had gone ahead. A scheme to "
                "add 60cm to the height of the wall was approved five years ago but has been "
                "postponed twice.</p>"
                '<blockquote cite="https://example.com/halloway-courier/sea-wall">'
                "<p>We were told again and again that the money was coming. Those of us who live "
                "behind that wall have been dreading a night like this. Now we need a date for the "
                "work, not another consultation.</p>"
                "<cite>Bernadette Fenn, chair, Lower Quay Residents' "
                "Association</cite></blockquote>"
                "<p>The Caddle Estuary Water Board said a review of the defences would begin next "
                "month and that it understood residents' frustration.</p>"
            ),
            related_url="https://example.com/halloway-courier/news/marine-parade-sea-wall-delays",
            related_title="Marine Parade sea wall: why the upgrade was delayed",
        ),
        DemoEntry(
            days_ago=0,
            time="18:30",
            author="iokafor",
            headline="Evening summary: where things stand",
            body_html=(
                "<p>Thank you for following along over the past three days, and to the many "
                "readers who sent us pictures, information and kind words. Where things stand "
                "this evening:</p>"
                "<ul>"
                "<li>About 310 homes and businesses were flooded; nobody was seriously hurt.</li>"
                "<li>Callum Tresize, missing for 17 hours, was found safe.</li>"
                "<li>Power has been restored to all but about 150 properties in Lower Quay.</li>"
                "<li>A £2m recovery fund opens for applications tomorrow.</li>"
                "<li>The rest centre at Kettle Hill Leisure Centre will stay open "
                "tonight.</li></ul>"
                "<p>The Courier will keep reporting on the recovery in print and "
                '<a href="https://example.com/halloway-courier/storm">online</a>.</p>'
            ),
        ),
    ),
)
