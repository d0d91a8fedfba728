"""Feeds, pages and files written for the ingestion tests (our own words, invented outlets)."""

from __future__ import annotations


def rss_feed(base: str = "https://wire.example") -> bytes:
    """An RSS 2.0 feed with a normal item, a hostile item and an item with only a title."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
  <title>Tigris &lt;b&gt;Wire&lt;/b&gt;</title>
  <link>{base}/</link>
  <description>Invented regional news for tests</description>
  <item>
    <title>Roadside bomb hits army patrol near Tikrit</title>
    <link>{base}/news/patrol-bomb</link>
    <guid>{base}/news/patrol-bomb</guid>
    <pubDate>Mon, 02 Mar 2026 09:15:00 +0300</pubDate>
    <description>&lt;p&gt;An explosive device planted by the road went off as an army patrol
      passed north of Tikrit on Monday morning, killing &lt;b&gt;two soldiers&lt;/b&gt; and
      wounding three, a security official said.&lt;/p&gt;&lt;script&gt;steal()&lt;/script&gt;
    </description>
  </item>
  <item>
    <title>&lt;script&gt;alert('x')&lt;/script&gt;&lt;b&gt;Gunmen&lt;/b&gt; attack post</title>
    <link>javascript:alert(document.cookie)</link>
    <pubDate>Mon, 02 Mar 2026 07:00:00 GMT</pubDate>
    <description>Unknown gunmen opened fire on a police checkpoint in the west of Kirkuk
      late on Sunday; one policeman was hurt, police sources said.</description>
  </item>
  <item>
    <title>Curfew lifted in Samarra</title>
    <link>data:text/html,hello</link>
  </item>
</channel>
</rss>
""".encode()


def atom_feed(base: str = "https://atom.example") -> bytes:
    """An Atom feed with one entry whose content is HTML."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Euphrates Monitor</title>
  <link href="{base}/"/>
  <id>urn:test:euphrates</id>
  <updated>2026-03-03T10:00:00Z</updated>
  <entry>
    <title>Drone strike reported on a farm outside Al-Qaim</title>
    <link rel="alternate" href="{base}/posts/farm-strike"/>
    <id>urn:test:euphrates:1</id>
    <published>2026-03-03T06:30:00+03:00</published>
    <updated>2026-03-03T08:00:00Z</updated>
    <content type="html">&lt;p&gt;A drone struck a farm building outside Al-Qaim before dawn on
      Tuesday. Local officials said four people were killed.&lt;/p&gt;</content>
  </entry>
</feed>
""".encode()


def article_page(title: str = "Two killed as bomb hits patrol near Tikrit") -> bytes:
    """A news page with navigation and a footer around the article."""
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>{title} | Tigris Wire</title>
<meta property="og:site_name" content="Tigris Wire">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2026-03-02T09:15:00+03:00">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>{title}</h1>
<p>An explosive device planted at the side of a road went off as an army patrol drove past
a village north of Tikrit on Monday morning, a security official told reporters.</p>
<p>Two soldiers died at the scene and three more were taken to hospital in Tikrit with
shrapnel wounds, the official said, asking not to be named.</p>
<p>No group said it carried out the attack. Troops closed the road for several hours while
engineers searched the area for more devices.</p>
</article>
<footer>Copyright Tigris Wire. Subscribe to our newsletter.</footer>
</body></html>
""".encode()


ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp"
)
ACLED_ROWS = (
    "IRQ90001,2026-02-10,2026,1,Political violence,Explosions/Remote violence,"
    "Remote explosive/landmine/IED,Unidentified Armed Group (Iraq),,3,"
    "Military Forces of Iraq (2022-),,1,13,,368,Middle East,Iraq,Salah al-Din,Tikrit,,"
    'Tikrit,34.6070,43.6782,2,Tigris Wire,National,"On 10 February 2026, a roadside bomb '
    'struck an army vehicle near Tikrit, killing 2 soldiers.",2,,1770800000',
    "IRQ90002,2026-02-11,2026,2,Political violence,Battles,Armed clash,"
    "Military Forces of Iraq (2022-),Popular Mobilization Forces,1,Islamic State (Iraq),,2,12,,"
    "368,Middle East,Iraq,Diyala,Khanaqin,,Khanaqin,34.3480,45.3890,1,Euphrates Monitor,"
    'Regional,"Troops and allied fighters clashed with militants in hills east of Khanaqin; '
    'casualties were not reported.",0,,1770900000',
    "IRQ90003,2026-02-12,2026,1,Demonstrations,Protests,Peaceful protest,Protesters (Iraq),,6,,"
    ",,60,,368,Middle East,Iraq,Basra,Basra,,Basra,30.5085,47.7804,1,Basra Daily,Subnational,"
    '"Residents gathered outside the governorate building to demand steady power.",0,,'
    "1771000000",
    "IRQ90004,2026-02-13,2026,1,Political violence,Battles,Attack,Somebody,,3,,,,30,,368,"
    "Middle East,Iraq,Basra,Basra,,Basra,30.5,47.8,1,Basra Daily,Subnational,bad pairing,0,,"
    "1771100000",
)


def acled_csv(rows: tuple[str, ...] = ACLED_ROWS) -> str:
    """An ACLED-style CSV export: three usable rows and one with a mismatched sub-event type."""
    return "\n".join((ACLED_HEADER, *rows)) + "\n"


def jsonl_reports(base: str = "https://wire.example") -> str:
    """Three JSON Lines reports (one malformed line between them)."""
    return (
        '{"url": "' + base + '/news/market", "title": "Blast at a Mosul market", '
        '"outlet": "Tigris Wire", "published_at": "2026-03-04T08:00:00+03:00", '
        '"text": "A bomb went off in a crowded market in western Mosul on Wednesday, killing '
        'three people and wounding eleven, police said."}\n'
        "not json at all\n"
        '{"url": "' + base + '/news/convoy", "title": "Convoy ambushed", "outlet": "Tigris Wire", '
        '"published_at": "2026-03-05", "text": "Gunmen ambushed a supply convoy on the road '
        'between Baiji and Tikrit on Thursday; one driver was killed."}\n'
        '{"title": "No text here", "text": "   "}\n'
    )
