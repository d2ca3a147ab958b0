#!/usr/bin/env python3
"""Write cardfarm's bundled sample dataset, data/sample.jsonl (one user per line).

Deterministic: a fixed seed, no clock or environment input, so re-running it
gives a byte-identical file.  Extend it by adding artists to ARTISTS, curated
edge cases to curated_users(), or by raising N_RANDOM.

All artists, tracks and user names are FICTIONAL.  Artist images are relative
to this folder (photos/*.jpg, made by generate_photos.py) or data: URIs.

Usage:
    python3 data/generate_sample.py [--out data/sample.jsonl] [--random N]

Only the Python standard library is needed.  The output is validated with
validate_stats.py before it is written.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import struct
import sys
import zlib
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep data/ free of __pycache__
sys.path.insert(0, HERE)
from validate_stats import check_user  # noqa: E402

SEED = 20260101
YEAR = 2026
N_RANDOM = 48
PHOTO_DIR = "photos"
IMAGE_USER_FRACTION = 0.25  # share of all users whose top artists carry images


# ---------------------------------------------------------------------------
# Fictional artists.  region -> which users are likely to listen to them.
# photo = slug of a file made by generate_photos.py (data/photos/<slug>.jpg).
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Artist:
    name: str
    region: str
    genres: tuple[str, ...]
    tracks: tuple[str, ...]
    photo: str | None = None


ARTISTS: list[Artist] = [
    # --- English / global ------------------------------------------------
    Artist("Aurora Vale", "en", ("dream pop", "indie pop"),
           ("Glass Harbour", "Lanterns in July", "Slow Comet", "Paper Satellites", "Velvet Weather"), "aurora-vale"),
    Artist("Midnight Cartographers", "en", ("post-rock", "ambient"),
           ("Maps of Nowhere", "Contour Lines", "Isobar", "The Quiet Meridian"), "midnight-cartographers"),
    Artist("Copper Lantern Society", "en", ("folk", "americana"),
           ("Kettle Smoke", "Harbour Lights Again", "Nine Miles of Fence", "Ember & Oak"), "copper-lantern-society"),
    Artist("Pixel Tidewater", "en", ("electronic", "synthwave"),
           ("Sub-Bass Lighthouse", "CRT Sunrise", "Packet Loss Lullaby", "8-Bit Undertow"), "pixel-tidewater"),
    Artist("Velcro Saints", "en", ("garage rock", "indie rock"),
           ("Sticky Situation", "Parking Lot Hymn", "Fuzz for Breakfast")),
    Artist("Lil Stapler", "en", ("hip hop", "trap"),
           ("Paper Jam", "Office Hours (Remix)", "Staple Gun Flow", "Desk Drawer Dreams")),
    Artist("Saltwater Arcade", "en", ("lo-fi beats", "chillhop"),
           ("Tokens & Tide", "Boardwalk at 3AM", "Claw Machine Heart")),
    Artist("Hollow Pine Orchestra", "en", ("classical", "soundtrack"),
           ("Overture for a Small Town", "Adagio in Fog", "The Lantern Waltz")),
    Artist("Kofi Amankwah-Reyes", "en", ("afrobeats", "highlife"),
           ("Golden Hour in Osu", "Palm Wine Groove", "Danfo Shuffle")),
    # --- Latin script with diacritics ----------------------------------
    Artist("Zoë Åkerlund", "sv", ("synth-pop", "electropop"),
           ("Frost på Fönstret", "Neon Fjäril", "Kära Ingen", "Midsommarljus"), "zoe-akerlund"),
    Artist("Søren Ørbæk", "sv", ("ambient", "neoklassisk"),
           ("Tågefyr", "Blå Time", "Hvide Nætter")),
    Artist("Łukasz Wróbel", "pl", ("indie rock", "rock alternatywny"),
           ("Żółty Tramwaj", "Ćma i Światło", "Deszcz nad Dworcem", "Źdźbło"), "lukasz-wrobel"),
    Artist("Renée Château-Dufresne", "fr", ("chanson", "pop française"),
           ("Café des Ombres", "L'été à Rebours", "Où Vont les Ballons ?", "Ça Ira Demain")),
    Artist("Joaquín Peñalba", "es", ("reggaetón", "pop latino"),
           ("Fuego en la Azotea", "Señal Perdida", "Mañana No Existe", "Pingüino en Ibiza")),
    Artist("Los Cóndores de Neón", "es", ("cumbia", "rock en español"),
           ("Cumbia del Satélite", "Ñandú Eléctrico", "Canción para Añorar")),
    Artist("Ana Conceição", "pt", ("bossa nova", "MPB"),
           ("Saudade em Órbita", "Maré Alta às Três", "Coração de Pão de Açúcar")),
    Artist("Trio Açaí Elétrico", "pt", ("forró", "axé"),
           ("Forró da Lua Cheia", "Baião Binário", "São João em Júpiter")),
    Artist("Lotte Großmann", "de", ("Deutschpop", "Schlager"),
           ("Nachtbus nach Nirgendwo", "Grüße aus dem Funkloch", "Märchen über Bord", "Fünf vor Zwölf")),
    Artist("I Gabbiani di Vetro", "it", ("cantautorato", "indie italiano"),
           ("Città di Sale", "Perché Piove Sempre di Lunedì", "Caffè Però")),
    Artist("Fenna van IJsselmonde", "nl", ("nederpop", "indie folk"),
           ("Fietsen in de Mist", "Grachtengordel Blues", "Één Keer Nog")),
    Artist("Ağaçkakan Kolektif", "tr", ("Türkçe rock", "anadolu rock"),
           ("Şehrin Işıkları", "Çay Bahçesinde Gece", "İğne ile Kuyu", "Ölü Deniz Değil")),
    Artist("Ngọc Trâm Lê", "vi", ("V-pop", "ballad"),
           ("Đèn Lồng Trôi", "Mưa Tháng Sáu", "Phố Cũ Người Xưa")),
    # --- Cyrillic ----------------------------------------------------------
    Artist("Кира Звёздная", "ru", ("русский поп", "электроника"),
           ("Ночной Экспресс", "Снег на Ладонях", "Пятый Этаж", "Без Тебя Ярче"), "kira-zvezdnaya"),
    Artist("Гурт Соняшник", "uk", ("фолк-рок", "інді"),
           ("Ґанок і Зорі", "Їхати Додому", "Вишневий Світанок", "Щедрий Вітер")),
    Artist("Бригада Ёж", "ru", ("русский рок", "панк"),
           ("Электричка в Никуда", "Подъезд №7", "Щи да Каша")),
    # --- Greek -------------------------------------------------------------
    Artist("Ελένη Άστρα", "el", ("λαϊκό", "έντεχνο"),
           ("Αλάτι στα Μαλλιά", "Λεμονιές του Απρίλη", "Καλοκαίρι στη Σύρο", "Ψίθυροι"), "eleni-astra"),
    Artist("Οι Γλάροι του Βορρά", "el", ("ροκ", "έντεχνο"),
           ("Ωκεανός από Γυαλί", "Ξημέρωμα στο Λιμάνι")),
    # --- Japanese ------------------------------------------------------------
    Artist("空のクジラ", "ja", ("J-ロック", "オルタナティブ"),
           ("夜明けのプール", "ガラスの通学路", "さよならトランジスタ", "雨上がりのメトロノーム"), "sora-no-kujira"),
    Artist("月島ハル", "ja", ("シティポップ", "J-POP"),
           ("真夜中のソーダ水", "湾岸線ララバイ", "東京タワーに片想い")),
    Artist("宇多田ミカ & Renée", "ja", ("J-POP", "R&B"),
           ("二人のパリ", "Lumière 光の中で", "ふたつの言葉")),
    # --- Korean ----------------------------------------------------------------
    Artist("하늘빛", "ko", ("케이팝", "댄스"),
           ("여름밤 산책", "별빛 정류장", "두 번째 봄", "네온 심장"), "haneulbit"),
    Artist("도윤 & 서아", "ko", ("인디", "발라드"),
           ("우산 없는 날", "편의점 새벽 세 시", "그해 우리는")),
    # --- Simplified Chinese ----------------------------------------------------
    Artist("林月镜", "zh", ("华语流行", "R&B"),
           ("雨后的霓虹", "第七个夏天", "纸飞机旅行", "月光下的便利店"), "lin-yuejing"),
    Artist("青瓦乐团", "zh", ("中国摇滚", "民谣"),
           ("胡同里的风", "凌晨四点的公交车", "老房子的猫")),
    # --- Arabic ---------------------------------------------------------------
    Artist("ليلى نور", "ar", ("بوب عربي", "طرب"),
           ("قمر على البحر", "ليل الياسمين", "رسالة من المدينة", "شمس الصباح"), "layla-noor"),
    Artist("فرقة الرمال", "ar", ("خليجي", "مهرجانات"),
           ("طريق الصحراء", "نجمة الشمال", "قهوة وهيل")),
    # --- Hebrew ----------------------------------------------------------------
    Artist("נועה שחר", "he", ("פופ ישראלי", "מזרחית"),
           ("חול וים", "אור של בוקר", "שיר לאוטובוס הלילה", "קפה שחור"), "noa-shachar"),
    Artist("להקת הגלים", "he", ("רוק ישראלי", "אינדי"),
           ("גלים של אוגוסט", "רחוב ללא שם")),
    # --- Devanagari ---------------------------------------------------------------
    Artist("मीरा राग", "hi", ("फ़िल्मी", "हिंदुस्तानी शास्त्रीय"),
           ("चाँद की चिट्ठी", "बारिश का शहर", "क्षितिज के पार", "सुबह की चाय"), "meera-raag"),
    Artist("Arijit अरिजीत سلام", "hi", ("Bollywood", "सूफ़ी"),
           ("दिल का रेडियो", "Salaam सलाम", "Mumbai Monsoon मानसून")),
    # --- Thai ---------------------------------------------------------------------
    Artist("ดาวเหนือ", "th", ("ทีป็อป", "ลูกทุ่ง"),
           ("ฝนตกที่สยาม", "ทะเลดาว", "ก๋วยเตี๋ยวเที่ยงคืน", "รถไฟสายสุดท้าย"), "dao-nuea"),
    Artist("วงน้ำค้าง", "th", ("อินดี้", "ลูกกรุง"),
           ("เพลงของน้ำค้าง", "ลมหนาวที่เชียงใหม่")),
    # --- Emoji ------------------------------------------------------------------------
    Artist("Neon Bunny 🐰🔥", "emoji", ("hyperpop", "K-indie"),
           ("Carrot Cake Riot 🥕", "Hop Hop Heartbeat ❤️", "Bunny Hop 2 the Top"), "neon-bunny"),
    Artist("ok 👍🏽", "emoji", ("bedroom pop", "lo-fi beats"),
           ("fine i guess 🤷🏽‍♀️", "ok ok ok", "thumbs up (acoustic) 👍🏽")),
    Artist("The 👨‍👩‍👧‍👦 Family Band", "emoji", ("family pop", "folk"),
           ("Sunday Roast 🍗", "Minivan Singalong 🚐", "Grandma's Radio 📻")),
    Artist("Samba Sereia 🇧🇷", "emoji", ("samba", "MPB"),
           ("Carnaval Cósmico 🎉", "Sereia do Asfalto 🧜🏾‍♀️", "Tamborim 1️⃣2️⃣3️⃣")),
    Artist("Kyoto Tape Club 🇯🇵", "emoji", ("city pop", "vaporwave"),
           ("カセット Love ❤️", "Shinkansen 🚄 Dreams", "雨 Rain 🌧️")),
    Artist("1️⃣ Hit Wonderland", "emoji", ("power pop", "pop rock"),
           ("Number 1️⃣ Song", "2️⃣ Good 2 Be True", "#️⃣ Hashtag Heart")),
    Artist("❤️ Static", "emoji", ("shoegaze", "noise pop"),
           ("❤️‍🔥 On Fire", "Heart in Static ❤️", "Broken 💔 Antenna")),
]

ARTIST_BY_NAME = {a.name: a for a in ARTISTS}
REGION_ARTISTS: dict[str, list[Artist]] = {}
for _a in ARTISTS:
    REGION_ARTISTS.setdefault(_a.region, []).append(_a)

# region -> (locale or None, display names)
REGIONS: dict[str, tuple[str | None, list[str]]] = {
    "en": ("en", ["Jordan Lee", "Priya Patel", "Sam O'Connor", "Taylor Brooks 🎧", "Chris Nguyen",
                  "Morgan Ellis-Whitaker", "Dev", "mx. river ✨",
                  "Aiyana Redcloud", "Oluwaseun Adeyemi", "Bex", "Hamish McTavish", "Leilani Kahale 🌊"]),
    "de": ("de", ["Jürgen Groß", "Lena Müller-Weiß", "Björn-Ole Fuß", "Käthe Schröder", "Deniz Aydın-Schulz"]),
    "fr": ("fr", ["Mélanie Dubois-Lefèvre", "Théo Garçon", "Anaïs Noël", "Cédric Bœuf"]),
    "es": ("es", ["José Ángel Muñoz", "Lucía Peña 💃🏽", "Begoña Ibáñez", "Íñigo Zubizarreta", "Xiomara Quiñónez"]),
    "pt": ("pt", ["João Gonçalves", "Ana Luísa Brandão 🇧🇷", "Conceição Araújo", "Thiago Assunção", "Iara Guimarães"]),
    "it": ("it", ["Giorgio Bellù", "Chiara D'Angelo", "Niccolò Pietà", "Ludovica Sant'Elia"]),
    "sv": ("sv", ["Åsa Lindström", "Björn Öberg", "Märta Ångström"]),
    "nl": ("nl", ["Sanne de Vries", "Joost van 't Hek", "IJsbrand Ruïne", "Femke Bakker"]),
    "pl": ("pl", ["Małgorzata Żak", "Paweł Świątek", "Zdzisław Łęcki"]),
    "tr": ("tr", ["Ayşe Yılmaz", "İbrahim Çelik", "Gülşen Öztürk"]),
    "vi": (None, ["Nguyễn Thị Hương", "Trần Quốc Bảo"]),
    "ru": ("ru", ["Анна Смирнова", "Дмитрий Волков", "Фёдор Щукин", "Юлия Ёлкина", "Max Кузнецов"]),
    "uk": (None, ["Оксана Шевчук", "Євген Їжакевич"]),
    "el": (None, ["Γιώργος Παπαδόπουλος", "Ελένη Κωνσταντίνου"]),
    "ja": ("ja", ["佐藤 ゆうき", "たなか はると", "山本 美咲 🌸", "スズキ・ケン", "高橋 蓮", "ことり"]),
    "ko": ("ko", ["김민준", "이서연 ✨", "박지호", "최하은", "정우진 🎤"]),
    "zh": ("zh", ["王小明", "李静怡", "陈浩然 🎵", "张雨萱", "刘子轩"]),
    "ar": ("ar", ["محمد العلي", "فاطمة الزهراء", "يوسف 🇪🇬", "نور الهدى", "Omar عمر"]),
    "he": ("he", ["יונתן כהן", "שירה לוי", "Noa נועה"]),
    "hi": ("hi", ["अमित शर्मा", "प्रिया वर्मा", "Rohan रोहन", "अनन्या क्षत्रिय", "Kabir कबीर 🎶"]),
    "th": ("th", ["สมชาย ใจดี", "นภัสสร 🌺"]),
}
REGION_WEIGHTS = {"en": 8, "de": 2, "fr": 2, "es": 3, "pt": 3, "it": 1, "sv": 1, "nl": 1, "pl": 1, "tr": 1,
                  "vi": 1, "ru": 2, "uk": 1, "el": 1, "ja": 3, "ko": 3, "zh": 2, "ar": 2, "he": 1, "hi": 2, "th": 1}

PERCENTILES = [0.01, 0.1, 0.5, 1, 2, 5]

# ---------------------------------------------------------------------------
# listening clocks: sums of (circular) Gaussian bumps over the 24 hours
# ---------------------------------------------------------------------------

CLOCK_PROFILES: dict[str, list[tuple[float, float, float]]] = {
    # (peak hour, width in hours, weight)
    "night-owl": [(0.5, 2.2, 1.0), (22.5, 1.5, 0.6), (3.0, 1.2, 0.35)],
    "early-bird": [(6.0, 1.3, 1.0), (7.5, 1.0, 0.6), (12.5, 1.5, 0.2)],
    "commuter": [(8.0, 0.9, 1.0), (18.0, 1.0, 0.95), (13.0, 1.0, 0.25)],
    "afternoon": [(15.0, 2.5, 1.0), (12.5, 1.0, 0.3)],
    "evening": [(20.5, 2.0, 1.0), (17.5, 1.0, 0.3)],
    "evenly": [(12.0, 6.0, 0.2)],  # nearly flat, plus the floor
    "workday": [(10.5, 2.0, 0.8), (14.5, 2.0, 0.9)],
}


def clock_shape(profile: str, peaks: list[tuple[float, float, float]] | None = None,
                floor: float = 0.03) -> list[float]:
    """Relative listening per hour for a profile (optionally with jittered peaks)."""
    peaks = peaks if peaks is not None else CLOCK_PROFILES[profile]
    w = []
    for h in range(24):
        v = floor if profile != "evenly" else 0.8
        for (ph, width, weight) in peaks:
            d = abs(h - ph) % 24
            d = min(d, 24 - d)
            v += weight * math.exp(-0.5 * (d / width) ** 2)
        w.append(v)
    # sleep dip: the four hours opposite the main peak get less
    if profile not in ("evenly", "night-owl"):
        for h in (2, 3, 4):
            w[h] *= 0.3
    return w


def jittered_shape(profile: str, rng: random.Random) -> list[float]:
    peaks = [(ph + rng.uniform(-0.8, 0.8), width * rng.uniform(0.8, 1.25), weight * rng.uniform(0.75, 1.3))
             for (ph, width, weight) in CLOCK_PROFILES[profile]]
    w = clock_shape(profile, peaks, floor=rng.uniform(0.01, 0.06))
    return [v * rng.uniform(0.85, 1.15) for v in w]


def distribute(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to weights that sum exactly to total (largest remainder)."""
    s = sum(weights)
    if total == 0 or s == 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    out = [int(math.floor(r)) for r in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - out[i], -i), reverse=True)
    for i in order[:rest]:
        out[i] += 1
    return out


def make_clock(minutes: int, profile: str, rng: random.Random) -> list[int]:
    return distribute(minutes, jittered_shape(profile, rng))


def fractional_clock(minutes: int, profile: str) -> list[float]:
    """Clock in tenths of a minute (sum is within rounding of minutes)."""
    w = clock_shape(profile)
    return [round(v * minutes / sum(w), 1) for v in w]


# ---------------------------------------------------------------------------
# building users
# ---------------------------------------------------------------------------

def img_path(slug: str) -> str:
    return f"{PHOTO_DIR}/{slug}.jpg"


def make_artists(minutes: int, artists: list[Artist], rng: random.Random, images: bool) -> list[dict]:
    """Top artists take 15-45% of all minutes, in a decreasing split."""
    if not artists:
        return []
    pool = int(minutes * rng.uniform(0.15, 0.45))
    weights = sorted((rng.uniform(0.4, 1.0) ** 2.2 for _ in artists), reverse=True)
    mins = sorted(distribute(pool, weights), reverse=True)
    out = []
    for a, m in zip(artists, mins):
        d = {"name": a.name, "minutes": m}
        if images and a.photo:
            d["image"] = img_path(a.photo)
        out.append(d)
    return out


def make_tracks(minutes: int, artists: list[Artist], n: int, rng: random.Random,
                extra_pool: list[Artist] | None = None) -> list[dict]:
    if n == 0:
        return []
    cands: list[tuple[str, str]] = []
    for a in artists:
        for t in a.tracks:
            cands.append((t, a.name))
    if len(cands) < n and extra_pool:
        for a in extra_pool:
            for t in a.tracks:
                cands.append((t, a.name))
    # top tracks are mostly (not always) by top artists: weight by artist rank
    picked: list[tuple[str, str]] = []
    while cands and len(picked) < n:
        weights = [1.0 / (1 + [x.name for x in artists].index(ar)) if ar in [x.name for x in artists] else 0.15
                   for (_, ar) in cands]
        i = rng.choices(range(len(cands)), weights=weights)[0]
        picked.append(cands.pop(i))
    # ~3.5 minutes a play; the top track gets 0.5-3% of all listening
    top = max(1, round(minutes * rng.uniform(0.005, 0.03) / 3.5)) if minutes else 0
    top = min(top, 100_000)
    plays = [top]
    for _ in picked[1:]:
        plays.append(max(1 if minutes else 0, int(plays[-1] * rng.uniform(0.55, 0.97))))
    return [{"title": t, "artist": a, "plays": p} for (t, a), p in zip(picked, plays)]


def make_genres(artists: list[Artist], n: int, rng: random.Random, extra: list[str] = ()) -> list[dict]:
    if n == 0:
        return []
    names: list[str] = []
    for a in artists:
        for g in a.genres:
            if g not in names:
                names.append(g)
    for g in extra:
        if g not in names:
            names.append(g)
    names = names[:n]
    total = rng.uniform(0.55, 0.97)
    weights = sorted((rng.uniform(0.3, 1.0) ** 1.8 for _ in names), reverse=True)
    s = sum(weights)
    shares = [math.floor(total * w / s * 1000) / 1000 for w in weights]
    shares = sorted(shares, reverse=True)
    return [{"name": g, "share": sh} for g, sh in zip(names, shares)]


def user(uid: str, display_name: str, minutes: int, artists: list[dict], tracks: list[dict], genres: list[dict],
         clock: list | None = None, percentile: float | None = None, locale: str | None = None,
         year: int = YEAR) -> dict:
    u = {
        "user_id": uid,
        "display_name": display_name,
        "year": year,
        "minutes_listened": minutes,
        "top_artists": artists,
        "top_tracks": tracks,
        "top_genres": genres,
    }
    if clock is not None:
        u["listening_clock"] = clock
    if percentile is not None:
        u["top_artist_percentile"] = percentile
    if locale is not None:
        u["locale"] = locale
    return u


def auto_user(rng: random.Random, uid: str, display_name: str, minutes: int, artist_names: list[str],
              n_tracks: int = 5, n_genres: int = 5, profile: str | None = "evening",
              percentile: float | None = None, locale: str | None = None, images: bool = False,
              year: int = YEAR) -> dict:
    arts = [ARTIST_BY_NAME[n] for n in artist_names]
    return user(
        uid, display_name, minutes,
        make_artists(minutes, arts, rng, images),
        make_tracks(minutes, arts, n_tracks, rng, extra_pool=ARTISTS),
        make_genres(arts, n_genres, rng, extra=["pop", "indie", "electronic", "jazz", "soul"]),
        make_clock(minutes, profile, rng) if profile else None,
        percentile, locale, year,
    )


# ---------------------------------------------------------------------------
# a tiny data: URI image, encoded here with zlib so no imaging library is needed
# ---------------------------------------------------------------------------

def png_bytes(w: int, h: int, pixel) -> bytes:
    raw = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(w)) for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def data_uri_avatar() -> str:
    """48x48 PNG: a warm gradient with a dark head-and-shoulders silhouette."""
    n = 48

    def px(x, y):
        t = (x + y) / (2 * (n - 1))
        r, g, b = int(255 * (1 - t) + 120 * t), int(94 * (1 - t) + 40 * t), int(58 * (1 - t) + 200 * t)
        head = ((x - 23.5) / 8.5) ** 2 + ((y - 19) / 10.5) ** 2 <= 1
        body = ((x - 23.5) / 19) ** 2 + ((y - 50) / 17) ** 2 <= 1
        if head or body:
            return (28, 16, 40)
        return (r, g, b)

    return "data:image/png;base64," + base64.b64encode(png_bytes(n, n, px)).decode("ascii")


# ---------------------------------------------------------------------------
# long strings
# ---------------------------------------------------------------------------

FIT_WORDS = {1: "&", 2: "II", 3: "mix", 4: "live", 5: "remix", 6: "deluxe", 7: "edition", 8: "remaster",
             9: "unplugged", 10: "collective", 11: "anniversary", 12: "instrumental"}
FILLER = ("and", "the", "extended", "family", "of", "touring", "musicians", "featuring", "special", "guests",
          "live", "from", "the", "harbour", "stadium")


def sized(prefix: str, n: int, words: tuple[str, ...] = FILLER) -> str:
    """Exactly n code points: prefix, then whole filler words, the last one picked to fit."""
    s = prefix.rstrip()
    assert len(s) < n, (len(s), n)
    i = 0
    while True:
        r = n - len(s)
        if r == 0:
            break
        if r == 1:
            s += "!"
            break
        if r - 1 <= 12:
            s += " " + FIT_WORDS[r - 1]
            break
        w = words[i % len(words)]
        i += 1
        if len(w) + 1 > r:
            w = FIT_WORDS[12]
        s += " " + w
    assert len(s) == n
    return s


LONG_300 = sized(
    "Maximilian-Alexander Zoë Åkerlund-Wróbel "
    "Александр Кириллович Звёздный "
    "Κωνσταντίνος Παπαδόπουλος "
    "宇多田ミカの大ファン・東京都 "
    "하늘빛을 사랑하는 사람 "
    "林月镜的忠实听众 "
    "ليلى نور "
    "נועה שחר "
    "मीरा राग की प्रशंसक "
    "ดาวเหนือ "
    "🎧🎶 "
    "and this display name keeps going well past any sensible limit",
    300,
    ("so", "please", "truncate", "me", "politely", "with", "an", "ellipsis"),
)


# ---------------------------------------------------------------------------
# hand-curated users (edge cases and showcase)
# ---------------------------------------------------------------------------

def curated_users(rng: random.Random) -> list[dict]:
    U: list[dict] = []

    # The showcase user: used by docs and the default demo render.
    U.append(user(
        "demo", "Alex Rivera", 48213,
        [
            {"name": "Aurora Vale", "minutes": 6120, "image": img_path("aurora-vale")},
            {"name": "Midnight Cartographers", "minutes": 4875, "image": img_path("midnight-cartographers")},
            {"name": "Zoë Åkerlund", "minutes": 3390, "image": img_path("zoe-akerlund")},
            {"name": "Copper Lantern Society", "minutes": 2716, "image": img_path("copper-lantern-society")},
            {"name": "Łukasz Wróbel", "minutes": 1984, "image": img_path("lukasz-wrobel")},
        ],
        [
            {"title": "Glass Harbour", "artist": "Aurora Vale", "plays": 312},
            {"title": "Maps of Nowhere", "artist": "Midnight Cartographers", "plays": 247},
            {"title": "Neon Fjäril", "artist": "Zoë Åkerlund", "plays": 198},
            {"title": "Lanterns in July", "artist": "Aurora Vale", "plays": 176},
            {"title": "Kettle Smoke", "artist": "Copper Lantern Society", "plays": 141},
        ],
        [
            {"name": "dream pop", "share": 0.31},
            {"name": "post-rock", "share": 0.22},
            {"name": "synth-pop", "share": 0.17},
            {"name": "folk", "share": 0.12},
            {"name": "indie rock", "share": 0.08},
        ],
        make_clock(48213, "commuter", rng), 0.5, "en",
    ))

    # --- listening-clock personalities ---------------------------------------
    U.append(auto_user(rng, "night-owl", "Luna Nachtigall 🦉", 61440,
                       ["Кира Звёздная", "Pixel Tidewater", "Saltwater Arcade",
                        "❤️ Static", "Midnight Cartographers"],
                       profile="night-owl", percentile=1, locale="de", images=True))
    U.append(auto_user(rng, "early-bird", "Sunny Morgenstern", 22905,
                       ["Copper Lantern Society", "Ana Conceição", "Hollow Pine Orchestra", "Fenna van IJsselmonde"],
                       n_tracks=4, n_genres=4, profile="early-bird", percentile=2, locale="nl"))
    U.append(auto_user(rng, "commuter", "Kenji Tanaka-Smith", 35870,
                       ["月島ハル", "空のクジラ", "Kyoto Tape Club 🇯🇵", "Aurora Vale", "Lil Stapler"],
                       profile="commuter", percentile=5, locale="ja", images=True))
    U.append(auto_user(rng, "afternoon", "Chiara D'Angelo", 17412,
                       ["I Gabbiani di Vetro", "Renée Château-Dufresne", "Ana Conceição"],
                       n_tracks=5, n_genres=3, profile="afternoon", locale="it"))
    U.append(auto_user(rng, "evenly", "Robin Everhour", 40320,
                       ["Hollow Pine Orchestra", "Søren Ørbæk", "Midnight Cartographers", "Saltwater Arcade",
                        "Aurora Vale"],
                       profile="evenly", percentile=0.1, locale="sv"))
    U.append(user(  # every minute of the year: a perfectly flat clock
        "full-year", "Nonstop Nora ∞", 525600,
        make_artists(525600, [ARTIST_BY_NAME[n] for n in
                              ["Saltwater Arcade", "Hollow Pine Orchestra", "Søren Ørbæk", "Pixel Tidewater",
                               "Midnight Cartographers"]], rng, False),
        [{"title": "Boardwalk at 3AM", "artist": "Saltwater Arcade", "plays": 41234},
         {"title": "Adagio in Fog", "artist": "Hollow Pine Orchestra", "plays": 30010},
         {"title": "Tågefyr", "artist": "Søren Ørbæk", "plays": 30010},  # tie
         {"title": "CRT Sunrise", "artist": "Pixel Tidewater", "plays": 12001},
         {"title": "Isobar", "artist": "Midnight Cartographers", "plays": 9999}],
        [{"name": "lo-fi beats", "share": 0.5}, {"name": "classical", "share": 0.25},
         {"name": "ambient", "share": 0.125}, {"name": "electronic", "share": 0.125}],  # sums to exactly 1
        [21900] * 24, 0.01, "en",
    ))

    # --- tiny numbers --------------------------------------------------------
    U.append(user("zero", "Zero Minutes", 0,
                  [{"name": "Aurora Vale", "minutes": 0}],
                  [{"title": "Glass Harbour", "artist": "Aurora Vale", "plays": 0}],
                  [{"name": "dream pop", "share": 0}],
                  [0] * 24, None, "en"))
    U.append(user("one-minute", "Uno Minuto", 1,
                  [{"name": "Joaquín Peñalba", "minutes": 1}],
                  [{"title": "Señal Perdida", "artist": "Joaquín Peñalba", "plays": 1}],
                  [{"name": "reggaetón", "share": 1.0}],
                  [0] * 23 + [1], 5, "es"))
    U.append(user("seven-minutes", "Sieben", 7,
                  [{"name": "Lotte Großmann", "minutes": 4}, {"name": "Velcro Saints", "minutes": 3}],
                  [{"title": "Fünf vor Zwölf", "artist": "Lotte Großmann", "plays": 1},
                   {"title": "Sticky Situation", "artist": "Velcro Saints", "plays": 1}],
                  [{"name": "Deutschpop", "share": 0.571}, {"name": "garage rock", "share": 0.429}],
                  [0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0], None, "de"))
    U.append(user("empty", "Nobody Yet", 0, [], [], [], locale="en"))
    U.append(user("empty-no-locale", "", 0, [], [], []))  # empty display name too
    U.append(user("new-listener", "Newbie 🐣", 94, [], [], [], clock=distribute(94, clock_shape("evening"))))

    # --- huge numbers --------------------------------------------------------
    U.append(user(
        "maximal", "Maximilian Maximus the Maximal Listener of Maximum Music", 999_999_999,
        [{"name": "Hollow Pine Orchestra", "minutes": 98_765_432, "image": img_path("copper-lantern-society")},
         {"name": "Kofi Amankwah-Reyes", "minutes": 87_654_321},
         {"name": "Los Cóndores de Neón", "minutes": 76_543_210},
         {"name": "Trio Açaí Elétrico", "minutes": 65_432_109},
         {"name": "Гурт Соняшник", "minutes": 54_321_098}],
        [{"title": "Overture for a Small Town", "artist": "Hollow Pine Orchestra", "plays": 100_000},
         {"title": "Golden Hour in Osu", "artist": "Kofi Amankwah-Reyes", "plays": 99_999},
         {"title": "Cumbia del Satélite", "artist": "Los Cóndores de Neón", "plays": 88_888},
         {"title": "Baião Binário", "artist": "Trio Açaí Elétrico", "plays": 77_777},
         {"title": "Ґанок і Зорі", "artist": "Гурт Соняшник", "plays": 66_666}],
        [{"name": "classical", "share": 0.29}, {"name": "afrobeats", "share": 0.24},
         {"name": "cumbia", "share": 0.19}, {"name": "forró", "share": 0.14}, {"name": "фолк-рок", "share": 0.13}],
        make_clock(999_999_999, "evenly", rng), 0.01, "en",
    ))
    U.append(auto_user(rng, "heavy", "Heavy Rotation Hanna", 312_456,
                       ["Velcro Saints", "Lil Stapler", "Pixel Tidewater", "Saltwater Arcade", "❤️ Static"],
                       profile="workday", percentile=0.01, locale="sv"))

    # --- scripts ---------------------------------------------------------------
    U.append(auto_user(rng, "cjk", "山本 美咲 · 김민준 · 王小明", 52314,
                       ["空のクジラ", "하늘빛", "林月镜", "月島ハル", "青瓦乐团"],
                       profile="night-owl", percentile=0.5, locale="ja", images=True))
    U.append(auto_user(rng, "japanese", "たなか はると", 27_840,
                       ["月島ハル", "空のクジラ", "宇多田ミカ & Renée", "Kyoto Tape Club 🇯🇵"],
                       n_tracks=5, n_genres=4, profile="commuter", percentile=2, locale="ja"))
    U.append(auto_user(rng, "korean", "이서연 ✨", 44_120,
                       ["하늘빛", "도윤 & 서아", "Neon Bunny 🐰🔥"],
                       n_tracks=5, n_genres=3, profile="evening", percentile=0.1, locale="ko", images=True))
    U.append(auto_user(rng, "chinese", "陈浩然 🎵", 39_006,
                       ["林月镜", "青瓦乐团", "宇多田ミカ & Renée"],
                       n_tracks=4, n_genres=4, profile="afternoon", percentile=1, locale="zh"))
    U.append(auto_user(rng, "arabic", "فاطمة الزهراء", 31_415,
                       ["ليلى نور", "فرقة الرمال", "Arijit अरिजीत سلام", "Aurora Vale"],
                       profile="night-owl", percentile=2, locale="ar", images=True))
    U.append(auto_user(rng, "hebrew", "שירה לוי", 26_535,
                       ["נועה שחר", "להקת הגלים", "Copper Lantern Society"],
                       n_tracks=5, n_genres=4, profile="early-bird", percentile=5, locale="he"))
    U.append(user(  # bidi soup: RTL + LTR + digits in every string
        "rtl-mixed", "Noa נועה 2026 ليلى", 12_345,
        [{"name": "ليلى نور", "minutes": 2345, "image": img_path("layla-noor")},
         {"name": "נועה שחר feat. DJ 42", "minutes": 1234},
         {"name": "Band 7 الفرقة ٧", "minutes": 999}],
        [{"title": "قمر على البحر (Remix 2026)", "artist": "ليلى نور", "plays": 321},
         {"title": "Track 12 – שיר 12", "artist": "נועה שחר feat. DJ 42", "plays": 123},
         {"title": "٣ ليالي / 3 Nights", "artist": "Band 7 الفرقة ٧", "plays": 45}],
        [{"name": "بوب عربي", "share": 0.4}, {"name": "פופ ישראלי", "share": 0.3}, {"name": "pop", "share": 0.1}],
        make_clock(12_345, "evening", rng), 1, "ar",
    ))
    U.append(auto_user(rng, "hindi", "प्रिया वर्मा", 58_760,
                       ["मीरा राग", "Arijit अरिजीत سلام", "Kofi Amankwah-Reyes", "Lil Stapler"],
                       profile="commuter", percentile=0.5, locale="hi", images=True))
    U.append(auto_user(rng, "thai", "นภัสสร 🌺", 21_212,
                       ["ดาวเหนือ", "วงน้ำค้าง", "하늘빛"],
                       n_tracks=5, n_genres=3, profile="afternoon", percentile=2, locale="th", images=True))
    U.append(auto_user(rng, "cyrillic", "Фёдор Щукин", 45_678,
                       ["Кира Звёздная", "Бригада Ёж", "Гурт Соняшник", "Pixel Tidewater"],
                       profile="night-owl", percentile=1, locale="ru"))
    U.append(auto_user(rng, "ukrainian", "Оксана Шевчук", 19_991,
                       ["Гурт Соняшник", "Кира Звёздная", "Łukasz Wróbel"],
                       n_tracks=5, n_genres=4, profile="workday", percentile=5))
    U.append(auto_user(rng, "greek", "Γιώργος Παπαδόπουλος", 23_456,
                       ["Ελένη Άστρα", "Οι Γλάροι του Βορρά", "Renée Château-Dufresne"],
                       n_tracks=4, n_genres=4, profile="evening", percentile=2, images=True))
    U.append(auto_user(rng, "diacritics", "Zoë Åkerlund-Ñúñez", 33_003,
                       ["Zoë Åkerlund", "Łukasz Wróbel", "Ağaçkakan Kolektif", "Ngọc Trâm Lê", "Søren Ørbæk"],
                       profile="workday", percentile=1, locale="pl"))
    U.append(user(  # decomposed (NFD) accents and stacked marks: normalisation / shaping test
        "combining-marks", "Zoe\u0308 Ame\u0301lie (NFD)", 8_080,
        [{"name": "Zoe\u0308 A\u030akerlund", "minutes": 1200},
         {"name": "Ngọc Trâm Lê", "minutes": 900},
         {"name": "ก๋วยเตี๋ยว Club", "minutes": 450}],
        [{"title": "Ca\u0300 Phê Sữa Đá", "artist": "Ngọc Trâm Lê", "plays": 77},
         {"title": "ญี่ปุ่น ฯลฯ", "artist": "ก๋วยเตี๋ยว Club", "plays": 31}],
        [{"name": "V-pop", "share": 0.45}, {"name": "T-pop", "share": 0.2}],
        None, None, "fr",
    ))

    # --- emoji -----------------------------------------------------------------
    U.append(auto_user(rng, "emoji", "Mia 👍🏽 👨‍👩‍👧‍👦 🇯🇵🇧🇷 1️⃣ ❤️", 28_888,
                       ["Neon Bunny 🐰🔥", "ok 👍🏽", "The 👨‍👩‍👧‍👦 Family Band", "Samba Sereia 🇧🇷",
                        "1️⃣ Hit Wonderland"],
                       profile="evening", percentile=0.5, locale="pt", images=True))
    U.append(auto_user(rng, "flags", "🇯🇵🇧🇷🇩🇪🇮🇳🇺🇦🏳️‍🌈🏴‍☠️", 14_141,
                       ["Kyoto Tape Club 🇯🇵", "Samba Sereia 🇧🇷", "❤️ Static"],
                       n_tracks=5, n_genres=3, profile="afternoon", percentile=2))
    U.append(user(
        "mixed", "Zoë 宇多田 سلام 👍🏽", 36_912,
        [{"name": "Arijit अरिजीत سلام", "minutes": 5040},
         {"name": "Neon Bunny 🐰🔥", "minutes": 4410, "image": img_path("neon-bunny")},
         {"name": "ok 👍🏽", "minutes": 3030},
         {"name": "宇多田ミカ & Renée", "minutes": 2020}],
        [{"title": "दिल का रेडियो", "artist": "Arijit अरिजीत سلام", "plays": 404},
         {"title": "Carrot Cake Riot 🥕", "artist": "Neon Bunny 🐰🔥", "plays": 303},
         {"title": "fine i guess 🤷🏽‍♀️", "artist": "ok 👍🏽", "plays": 202},
         {"title": "Lumière 光の中で", "artist": "宇多田ミカ & Renée", "plays": 101}],
        [{"name": "Bollywood", "share": 0.3}, {"name": "hyperpop", "share": 0.25},
         {"name": "bedroom pop", "share": 0.2}, {"name": "J-POP", "share": 0.15}],
        make_clock(36_912, "night-owl", rng), 1, "hi",
    ))

    # --- long strings ------------------------------------------------------------
    long_artists = [
        "The Extraordinarily Long-Winded Philharmonic Orchestra of Greater Somewhere-upon-Thames",
        "Кирилл и Оркестр Невероятно Длинных Названий Песен и Альбомов",
        "宇多田ミカと東京湾岸ロマンティック・シンフォニー・オーケストラ・アンド・フレンズ",
        "Los Cóndores de Neón y la Orquesta Sinfónica Electrónica de Ñuñoa",
        "Band With Spaces And No Punctuation At All Going On And On And On",
    ]
    U.append(user(
        "long-names", "Maria-Magdalena Anastasia Konstantinopoulou-Wróblewska von Hohenzollern-Åkerlund",
        27_182,
        [{"name": n, "minutes": m} for n, m in zip(long_artists, [4100, 3200, 2100, 1500, 900])],
        [{"title": "A Song Whose Title Is So Long That It Would Never Fit On One Line Of A Story Card "
                   "(Extended Director's Cut Remix feat. Everyone)", "artist": long_artists[0], "plays": 420},
         {"title": "Песня с очень длинным названием, которое не помещается ни в одну строку карточки",
          "artist": long_artists[1], "plays": 240},
         {"title": "とても長いタイトルの曲・夜明けまで続くメロディーと終わらないサビのリフレイン",
          "artist": long_artists[2], "plays": 120},
         {"title": "Supercalifragilisticexpialidociousantidisestablishmentarianismfloccinaucinihilipilification",
          "artist": long_artists[4], "plays": 60}],
        [{"name": "progressive symphonic post-neo-classical crossover darkwave", "share": 0.4},
         {"name": "экспериментальная электроакустическая музыка", "share": 0.3},
         {"name": "ネオ・シティポップ・リバイバル", "share": 0.2}],
        make_clock(27_182, "workday", rng), 2, "en",
    ))
    U.append(auto_user(rng, "display-60", sized("Bartholomew Fitzgerald-Ravenscroft Øyvind Åkesson-Delacroix", 60),
                       21_000, ["Velcro Saints", "Aurora Vale", "Søren Ørbæk"], n_tracks=3, n_genres=3,
                       profile="evening", locale="en"))
    U.append(auto_user(rng, "display-120", sized(
        "Александра Константиновна Преображенская-Волконская 🎻 aka "
        "The Queen of Late-Night Radio and Every Single Playlist", 120),
        33_000, ["Кира Звёздная", "Бригада Ёж", "Hollow Pine Orchestra", "Aurora Vale"], n_tracks=5, n_genres=4,
        profile="night-owl", percentile=1, locale="ru"))
    U.append(auto_user(rng, "very-long-name", LONG_300, 15_000,
                       ["Aurora Vale", "Кира Звёздная", "空のクジラ", "ليلى نور", "मीरा राग"],
                       profile="evening", percentile=5, locale="en", images=True))

    # --- markup-hostile strings (SVG / XML / Handlebars escaping) -------------------
    U.append(user(
        "xml-escapes", "Tom & Jerry's <Mix> \"Tape\"", 9_999,
        [{"name": "AC/DC & The <Ampersands>", "minutes": 1500},
         {"name": "{{display_name}} {{{raw}}}", "minutes": 1000},
         {"name": "</text><script>alert(1)</script>", "minutes": 800},
         {"name": "Quote \"Unquote\" 'Single'", "minutes": 600},
         {"name": "Tab\tand  double  spaces\u00a0nbsp\u200bzwsp", "minutes": 300}],
        [{"title": "Rock & Roll <Live>", "artist": "AC/DC & The <Ampersands>", "plays": 99},
         {"title": "&amp; &lt; &#x1F600; ]]> <![CDATA[x]]>", "artist": "</text><script>alert(1)</script>",
          "plays": 42},
         {"title": "{{#each top_artists}}{{/each}}", "artist": "{{display_name}} {{{raw}}}", "plays": 7},
         {"title": "Back\\slash / C:\\path", "artist": "Quote \"Unquote\" 'Single'", "plays": 3}],
        [{"name": "<rock & roll>", "share": 0.5}, {"name": "\"quoted\" genre", "share": 0.2}],
        make_clock(9_999, "afternoon", rng), 5, "en",
    ))

    # --- images ---------------------------------------------------------------------
    U.append(user(
        "missing-image", "Imogen Missing", 18_500,
        [{"name": "Velcro Saints", "minutes": 3100, "image": "photos/missing.jpg"},
         {"name": "Aurora Vale", "minutes": 2200, "image": img_path("aurora-vale")},
         {"name": "Lil Stapler", "minutes": 1300}],
        [{"title": "Parking Lot Hymn", "artist": "Velcro Saints", "plays": 210},
         {"title": "Slow Comet", "artist": "Aurora Vale", "plays": 160},
         {"title": "Paper Jam", "artist": "Lil Stapler", "plays": 90}],
        [{"name": "garage rock", "share": 0.4}, {"name": "dream pop", "share": 0.3}, {"name": "hip hop", "share": 0.2}],
        make_clock(18_500, "commuter", rng), 2, "en",
    ))
    U.append(user(
        "corrupt-image", "Corinna Corrupt", 16_400,
        [{"name": "❤️ Static", "minutes": 2900, "image": "photos/corrupt.jpg"},
         {"name": "Pixel Tidewater", "minutes": 2500, "image": img_path("pixel-tidewater")},
         {"name": "Saltwater Arcade", "minutes": 1100}],
        [{"title": "Broken 💔 Antenna", "artist": "❤️ Static", "plays": 260},
         {"title": "Packet Loss Lullaby", "artist": "Pixel Tidewater", "plays": 190},
         {"title": "Claw Machine Heart", "artist": "Saltwater Arcade", "plays": 70}],
        [{"name": "shoegaze", "share": 0.45}, {"name": "synthwave", "share": 0.3}, {"name": "chillhop", "share": 0.1}],
        make_clock(16_400, "night-owl", rng), 1, "en",
    ))
    U.append(user(
        "data-uri-image", "Dana Inline", 11_111,
        [{"name": "Kofi Amankwah-Reyes", "minutes": 2222, "image": data_uri_avatar()},
         {"name": "Copper Lantern Society", "minutes": 1111, "image": img_path("copper-lantern-society")}],
        [{"title": "Palm Wine Groove", "artist": "Kofi Amankwah-Reyes", "plays": 222},
         {"title": "Ember & Oak", "artist": "Copper Lantern Society", "plays": 111}],
        [{"name": "afrobeats", "share": 0.6}, {"name": "folk", "share": 0.3}],
        make_clock(11_111, "afternoon", rng), 2, "en",
    ))
    U.append(auto_user(rng, "all-images", "Picture Perfect Pat", 42_000,
                       ["Ελένη Άστρα", "ليلى نور", "נועה שחר", "ดาวเหนือ",
                        "林月镜"],
                       profile="evening", percentile=0.5, locale="en", images=True))

    # --- list shapes and optional fields ---------------------------------------------
    U.append(auto_user(rng, "no-optional", "Plain Jane", 12_000,
                       ["Velcro Saints", "Copper Lantern Society", "Aurora Vale"], n_tracks=3, n_genres=3,
                       profile=None))
    U.append(auto_user(rng, "few-items", "Fewer Fran", 3_210,
                       ["Joaquín Peñalba"], n_tracks=2, n_genres=1, profile="evening", locale="es"))
    U.append(auto_user(rng, "artists-only", "Artie Only", 8_765,
                       ["Lotte Großmann", "Velcro Saints", "Neon Bunny 🐰🔥"],
                       n_tracks=0, n_genres=0, profile="workday", locale="de"))
    U.append(user("tracks-only", "Trax Only", 4_321, [],
                  [{"title": "Kettle Smoke", "artist": "Copper Lantern Society", "plays": 87},
                   {"title": "Glass Harbour", "artist": "Aurora Vale", "plays": 54}],
                  [], make_clock(4_321, "early-bird", rng), None, "en"))
    U.append(user("genres-only", "Jenna Genre", 2_500, [], [],
                  [{"name": "jazz", "share": 0.62}, {"name": "soul", "share": 0.21}, {"name": "funk", "share": 0.09}],
                  None, 5, "fr"))
    U.append(user(  # equal values everywhere: sort stability
        "ties", "Tia Tie", 10_000,
        [{"name": n, "minutes": 1000} for n in ["Aurora Vale", "Velcro Saints", "Lil Stapler", "Saltwater Arcade",
                                                "Pixel Tidewater"]],
        [{"title": t, "artist": a, "plays": 100} for t, a in [("Slow Comet", "Aurora Vale"),
                                                              ("Fuzz for Breakfast", "Velcro Saints"),
                                                              ("Paper Jam", "Lil Stapler")]],
        [{"name": g, "share": 0.2} for g in ["dream pop", "garage rock", "hip hop", "lo-fi beats", "synthwave"]],
        [10_000 // 24] * 23 + [10_000 - 23 * (10_000 // 24)], 2, "en",
    ))
    U.append(user(  # clock given in fractional minutes (numbers, not only integers)
        "fractional-clock", "Fraction Frida", 1_234,
        [{"name": "Søren Ørbæk", "minutes": 400}],
        [{"title": "Blå Time", "artist": "Søren Ørbæk", "plays": 61}],
        [{"name": "ambient", "share": 0.8}],
        fractional_clock(1_234, "afternoon"), 0.5, "sv",
    ))
    U.append(auto_user(rng, "last-year", "Ana Luísa Brandão 🇧🇷", 38_500,
                       ["Samba Sereia 🇧🇷", "Ana Conceição", "Trio Açaí Elétrico", "Joaquín Peñalba"],
                       profile="evening", percentile=1, locale="pt", year=2025, images=True))
    U.append(auto_user(rng, "turkish", "İbrahim Çelik", 24_680,
                       ["Ağaçkakan Kolektif", "ليلى نور", "Kofi Amankwah-Reyes"],
                       n_tracks=5, n_genres=3, profile="commuter", percentile=2, locale="tr"))
    return U


# ---------------------------------------------------------------------------
# random users
# ---------------------------------------------------------------------------

def random_users(rng: random.Random, n: int, n_images: int) -> list[dict]:
    """n users u0001..; exactly n_images of them show artist photos."""
    out = []
    image_users = set(rng.sample(range(1, n + 1), min(n, max(0, n_images))))
    used_names: set[str] = set()
    regions = list(REGION_WEIGHTS)
    weights = [REGION_WEIGHTS[r] for r in regions]
    profiles = list(CLOCK_PROFILES)
    for i in range(1, n + 1):
        region = rng.choices(regions, weights=weights)[0]
        locale, names = REGIONS[region]
        fresh = [x for x in names if x not in used_names]
        name = rng.choice(fresh or names)
        used_names.add(name)
        minutes = int(min(95_000, max(5_000, rng.lognormvariate(math.log(22_000), 0.55))))
        # list lengths: mostly 5, sometimes fewer, occasionally none
        def length():
            return rng.choices([5, 4, 3, 2, 1, 0], weights=[60, 10, 10, 8, 6, 4])[0]
        n_art = length()
        local = REGION_ARTISTS.get(region, [])
        others = [a for a in ARTISTS if a.region != region]
        k_local = min(len(local), rng.randint(max(1, n_art // 2), n_art) if n_art else 0)
        arts = rng.sample(local, k_local) + rng.sample(others, n_art - k_local)
        # mostly local favourites on top, but not always
        if len(arts) > 1 and rng.random() < 0.35:
            j = rng.randrange(1, len(arts))
            arts[0], arts[j] = arts[j], arts[0]
        images = i in image_users
        if images and not any(a.photo for a in arts):
            # make sure an "image user" really shows a photo: put a photographed artist in
            photographed = [a for a in ARTISTS if a.photo and a not in arts]
            if arts:
                arts[0] = rng.choice(photographed)
            else:
                arts = [rng.choice(photographed)]
        u = user(
            f"u{i:04d}", name, minutes,
            make_artists(minutes, arts, rng, images),
            make_tracks(minutes, arts, length() if arts else rng.choice([0, 2]), rng, extra_pool=ARTISTS),
            make_genres(arts, min(length(), 5), rng, extra=["pop", "indie", "electronic", "jazz", "soul"]),
            make_clock(minutes, rng.choice(profiles), rng) if rng.random() < 0.8 else None,
            rng.choice(PERCENTILES) if arts and rng.random() < 0.6 else None,
            (locale if rng.random() < 0.85 else None) if locale else None,
        )
        out.append(u)
    return out


def build(n_random: int = N_RANDOM) -> list[dict]:
    rng = random.Random(SEED)
    curated = curated_users(rng)
    with_img = sum(1 for u in curated if any("image" in a for a in u["top_artists"]))
    # top the photo users up so that about IMAGE_USER_FRACTION of all users have them
    n_images = round(IMAGE_USER_FRACTION * (len(curated) + n_random)) - with_img
    return curated + random_users(random.Random(SEED + 1), n_random, n_images)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, "sample.jsonl"))
    ap.add_argument("--random", type=int, default=N_RANDOM, help="number of random users u0001.. (default %(default)s)")
    args = ap.parse_args(argv)

    users = build(args.random)
    base = os.path.dirname(os.path.abspath(args.out))
    ids = set()
    bad = 0
    for u in users:
        errs, _warns = check_user(u, base)
        if u["user_id"] in ids:
            errs.append("duplicate user_id")
        if u["user_id"] != u["user_id"].lower():
            errs.append("user_id not lowercase")
        ids.add(u["user_id"])
        for e in errs:
            print(f"{u['user_id']}: {e}", file=sys.stderr)
            bad += 1
    if bad:
        print(f"{bad} validation error(s); nothing written", file=sys.stderr)
        return 1
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for u in users:
            f.write(json.dumps(u, ensure_ascii=False, separators=(", ", ": ")) + "\n")
    with_img = sum(1 for u in users if any("image" in a for a in u["top_artists"]))
    print(f"wrote {len(users)} users to {args.out} ({with_img} with artist images)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
