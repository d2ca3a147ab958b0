#!/usr/bin/env python3
"""Write the single-user test fixtures in tests/fixtures/ (pretty-printed JSON).

Each fixture is one user's stats object; artist images are relative to
tests/fixtures/ (so "photos/aurora-vale.jpg" is tests/fixtures/photos/aurora-vale.jpg).
The script also copies three generated photos from data/photos/ (run
generate_photos.py first) and writes tests/fixtures/photos/corrupt.jpg, a small
text file that is deliberately not an image.

Deterministic: fixed seeds, byte-identical output on every run.

Usage:
    python3 data/generate_fixtures.py [--out tests/fixtures]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # keep data/ free of __pycache__
sys.path.insert(0, HERE)
from generate_photos import CORRUPT_TEXT  # noqa: E402
from generate_sample import distribute, make_clock, sized  # noqa: E402
from validate_stats import check_user  # noqa: E402

SEED = 4242
FIXTURE_PHOTOS = ["aurora-vale", "midnight-cartographers", "neon-bunny"]


def photo(slug: str) -> str:
    return f"photos/{slug}.jpg"


ARTIST_FILL = ("featuring", "the", "extended", "family", "of", "touring", "musicians", "and", "special", "guests")
TRACK_FILL = ("extended", "mix", "live", "at", "the", "harbour", "stadium", "remastered", "2026", "version")
GENRE_FILL = ("crossover", "revival", "fusion", "experimental", "alternative", "wave")


def fixtures(rng: random.Random) -> dict[str, dict]:
    F: dict[str, dict] = {}

    F["typical"] = {
        "user_id": "typical",
        "display_name": "Alex Rivera",
        "year": 2026,
        "minutes_listened": 48213,
        "top_artists": [
            {"name": "Aurora Vale", "minutes": 6120, "image": photo("aurora-vale")},
            {"name": "Zoë Åkerlund", "minutes": 4875},
            {"name": "Midnight Cartographers", "minutes": 3390, "image": photo("midnight-cartographers")},
            {"name": "Łukasz Wróbel", "minutes": 2716},
            {"name": "Copper Lantern Society", "minutes": 1984},
        ],
        "top_tracks": [
            {"title": "Glass Harbour", "artist": "Aurora Vale", "plays": 312},
            {"title": "Neon Fjäril", "artist": "Zoë Åkerlund", "plays": 247},
            {"title": "Maps of Nowhere", "artist": "Midnight Cartographers", "plays": 198},
            {"title": "Lanterns in July", "artist": "Aurora Vale", "plays": 176},
            {"title": "Żółty Tramwaj", "artist": "Łukasz Wróbel", "plays": 141},
        ],
        "top_genres": [
            {"name": "dream pop", "share": 0.31},
            {"name": "synth-pop", "share": 0.22},
            {"name": "post-rock", "share": 0.17},
            {"name": "indie rock", "share": 0.12},
            {"name": "folk", "share": 0.08},
        ],
        "listening_clock": make_clock(48213, "commuter", rng),
        "top_artist_percentile": 0.5,
        "locale": "en",
    }

    F["empty"] = {
        "user_id": "empty",
        "display_name": "Nobody Yet",
        "year": 2026,
        "minutes_listened": 0,
        "top_artists": [],
        "top_tracks": [],
        "top_genres": [],
    }

    F["zeros"] = {
        "user_id": "zeros",
        "display_name": "Zero Zeroes",
        "year": 2026,
        "minutes_listened": 0,
        "top_artists": [
            {"name": "Aurora Vale", "minutes": 0},
            {"name": "Velcro Saints", "minutes": 0},
        ],
        "top_tracks": [
            {"title": "Glass Harbour", "artist": "Aurora Vale", "plays": 0},
        ],
        "top_genres": [
            {"name": "dream pop", "share": 0},
            {"name": "garage rock", "share": 0.0},
        ],
        "listening_clock": [0] * 24,
        "locale": "en",
    }

    F["maximal"] = {
        "user_id": "maximal",
        "display_name": "Maximilian Maximus, the Maximal Listener",
        "year": 2026,
        "minutes_listened": 999999999,
        "top_artists": [
            {"name": "Maximilian Thunderclap & the Loud Hours", "minutes": 199999999,
             "image": photo("aurora-vale")},
            {"name": "The Extraordinarily Long Lunch Quartet", "minutes": 188888888,
             "image": photo("midnight-cartographers")},
            {"name": "Kofi Amankwah-Reyes & Friends Unlimited", "minutes": 177777777,
             "image": photo("neon-bunny")},
            {"name": "Los Cóndores de Neón y Orquesta Ñuñoa", "minutes": 166666666,
             "image": photo("aurora-vale")},
            {"name": "Hollow Pine Orchestra of Greater Fjord", "minutes": 155555555,
             "image": photo("midnight-cartographers")},
        ],
        "top_tracks": [
            {"title": "Overture for a Very Small Town (Live)", "artist": "Maximilian Thunderclap & the Loud Hours",
             "plays": 99999999},
            {"title": "A Lunch That Lasted Until Next Tuesday", "artist": "The Extraordinarily Long Lunch Quartet",
             "plays": 99999998},
            {"title": "Golden Hour in Osu (Extended Sunrise)", "artist": "Kofi Amankwah-Reyes & Friends Unlimited",
             "plays": 88888888},
            {"title": "Cumbia del Satélite Número Ochocientos", "artist": "Los Cóndores de Neón y Orquesta Ñuñoa",
             "plays": 77777777},
            {"title": "Adagio in Fog for Eleven Foghorns, Op. 9", "artist": "Hollow Pine Orchestra of Greater Fjord",
             "plays": 66666666},
        ],
        "top_genres": [
            {"name": "progressive symphonic post-rock fusion", "share": 0.29},
            {"name": "afrobeats and highlife crossover revival", "share": 0.24},
            {"name": "cumbia electrónica psicodélica andina", "share": 0.19},
            {"name": "neo-classical cinematic soundtrack music", "share": 0.14},
            {"name": "experimental lo-fi bedroom shoegaze pop", "share": 0.13},
        ],
        "listening_clock": make_clock(999999999, "evenly", rng),
        "top_artist_percentile": 0.001,
        "locale": "en",
    }

    long_artists = [
        sized("Hollow Pine Orchestra of Greater Somewhere-upon-Thames", 60, ARTIST_FILL),
        sized("Кирилл Звёздный и Оркестр Невероятно Длинных Названий Песен и Альбомов", 90, ARTIST_FILL),
        sized("宇多田ミカと東京湾岸ロマンティック・シンフォニー・オーケストラ・アンド・フレンズ・フィーチャリング・夜明けの合唱団", 120, ARTIST_FILL),
        sized("ليلى نور والفرقة الموسيقية الكبيرة لمدينة الإسكندرية مع ضيوف الشرف من كل أنحاء العالم العربي", 160, ARTIST_FILL),
        sized("Los Cóndores de Neón y la Orquesta Sinfónica Electrónica de Ñuñoa con Ελένη Άστρα και "
              "मीरा राग और दोस्त และ ดาวเหนือ", 200, ARTIST_FILL),
    ]
    F["long-names"] = {
        "user_id": "long-names",
        "display_name": sized(
            "Maria-Magdalena Anastasia Konstantinopoulou-Wróblewska von Hohenzollern-Åkerlund "
            "Александра Константиновна Преображенская 山本美咲・東京都在住の音楽好き 하늘빛을 사랑하는 사람 "
            "林月镜的忠实听众 فاطمة الزهراء נועה שחר प्रिया वर्मा นภัสสร", 300),
        "year": 2026,
        "minutes_listened": 27182,
        "top_artists": [{"name": n, "minutes": m} for n, m in zip(long_artists, [4100, 3200, 2100, 1500, 900])],
        "top_tracks": [
            {"title": sized("A Song Whose Title Is So Long That It Would Never Fit On One Line Of A Story Card "
                            "(Extended Director's Cut Remix feat. Everyone)", 150, TRACK_FILL),
             "artist": long_artists[0], "plays": 420},
            {"title": sized("Песня с очень длинным названием, которое не помещается ни в одну строку карточки, "
                            "и продолжается дальше", 150, TRACK_FILL),
             "artist": long_artists[1], "plays": 240},
            {"title": sized("とても長いタイトルの曲・夜明けまで続くメロディーと終わらないサビのリフレインそして二番の歌詞も"
                            "まだまだ続いていくのでカードの幅には絶対に収まらない", 150, TRACK_FILL),
             "artist": long_artists[2], "plays": 120},
            {"title": sized("أغنية بعنوان طويل جدا لا يتسع في سطر واحد من البطاقة مهما حاولنا", 150, TRACK_FILL),
             "artist": long_artists[3], "plays": 60},
            {"title": sized("Supercalifragilisticexpialidociousantidisestablishmentarianismfloccinaucinihilipilification"
                            "pneumonoultramicroscopicsilicovolcanoconiosis", 150, TRACK_FILL),
             "artist": long_artists[4], "plays": 30},
        ],
        "top_genres": [
            {"name": sized("progressive symphonic post-neo-classical crossover darkwave", 80, GENRE_FILL), "share": 0.4},
            {"name": sized("экспериментальная электроакустическая музыка", 80, GENRE_FILL), "share": 0.2},
            {"name": sized("ネオ・シティポップ・リバイバル・アンド・ヴェイパーウェイヴ", 80, GENRE_FILL), "share": 0.15},
            {"name": sized("हिंदुस्तानी शास्त्रीय संगीत", 80, GENRE_FILL), "share": 0.1},
            {"name": sized("ลูกทุ่งประยุกต์", 80, GENRE_FILL), "share": 0.05},
        ],
        "listening_clock": make_clock(27182, "workday", rng),
        "top_artist_percentile": 2,
        "locale": "en",
    }

    F["cjk"] = {
        "user_id": "cjk",
        "display_name": "山本 美咲 · 김민준 · 王小明",
        "year": 2026,
        "minutes_listened": 52314,
        "top_artists": [
            {"name": "空のクジラ", "minutes": 7310},
            {"name": "하늘빛", "minutes": 6120},
            {"name": "林月镜", "minutes": 4480},
            {"name": "月島ハル", "minutes": 2950},
            {"name": "도윤 & 서아", "minutes": 1800},
        ],
        "top_tracks": [
            {"title": "夜明けのプール", "artist": "空のクジラ", "plays": 488},
            {"title": "별빛 정류장", "artist": "하늘빛", "plays": 402},
            {"title": "雨后的霓虹", "artist": "林月镜", "plays": 315},
            {"title": "真夜中のソーダ水", "artist": "月島ハル", "plays": 207},
            {"title": "편의점 새벽 세 시", "artist": "도윤 & 서아", "plays": 133},
        ],
        "top_genres": [
            {"name": "J-ロック", "share": 0.28},
            {"name": "케이팝", "share": 0.24},
            {"name": "华语流行", "share": 0.18},
            {"name": "シティポップ", "share": 0.12},
            {"name": "인디 발라드", "share": 0.09},
        ],
        "listening_clock": make_clock(52314, "night-owl", rng),
        "top_artist_percentile": 0.5,
        "locale": "ja",
    }

    F["rtl"] = {
        "user_id": "rtl",
        "display_name": "سلمى حداد",
        "year": 2026,
        "minutes_listened": 31415,
        "top_artists": [
            {"name": "فيروزة الليل", "minutes": 5200},
            {"name": "נועה שחר", "minutes": 4100},
            {"name": "Yasmin ياسمين & The Cedars", "minutes": 2900},
            {"name": "להקת הגלים feat. DJ Sami", "minutes": 2100},
            {"name": "فرقة الرمال", "minutes": 1400},
        ],
        "top_tracks": [
            {"title": "قمر على البحر", "artist": "فيروزة الليل", "plays": 377},
            {"title": "אור של בוקר", "artist": "נועה שחר", "plays": 290},
            {"title": "Beirut Nights ليالي", "artist": "Yasmin ياسمين & The Cedars", "plays": 215},
            {"title": "גלים של אוגוסט (Remix 2026)", "artist": "להקת הגלים feat. DJ Sami", "plays": 160},
            {"title": "طريق الصحراء ٢", "artist": "فرقة الرمال", "plays": 98},
        ],
        "top_genres": [
            {"name": "طرب", "share": 0.33},
            {"name": "פופ ישראלי", "share": 0.25},
            {"name": "Arabic pop بوب عربي", "share": 0.17},
            {"name": "מזרחית", "share": 0.11},
            {"name": "خليجي", "share": 0.07},
        ],
        "listening_clock": make_clock(31415, "evening", rng),
        "top_artist_percentile": 2,
        "locale": "ar",
    }

    F["indic-thai"] = {
        "user_id": "indic-thai",
        "display_name": "अनन्या क्षत्रिय",
        "year": 2026,
        "minutes_listened": 58760,
        "top_artists": [
            {"name": "मीरा राग", "minutes": 8800},
            {"name": "ดาวเหนือ", "minutes": 6100},
            {"name": "श्रीनिवास त्रिपाठी", "minutes": 4300},
            {"name": "วงน้ำค้าง", "minutes": 3050},
            {"name": "Kabir कबीर & ก๊วยเตี๋ยว Club", "minutes": 1720},
        ],
        "top_tracks": [
            {"title": "चाँद की चिट्ठी", "artist": "मीरा राग", "plays": 612},
            {"title": "ก๋วยเตี๋ยวเที่ยงคืน", "artist": "ดาวเหนือ", "plays": 455},
            {"title": "क्षितिज के पार", "artist": "श्रीनिवास त्रिपाठी", "plays": 301},
            {"title": "ลมหนาวที่เชียงใหม่", "artist": "วงน้ำค้าง", "plays": 188},
            {"title": "Monsoon मानसून ฝน", "artist": "Kabir कबीर & ก๊วยเตี๋ยว Club", "plays": 97},
        ],
        "top_genres": [
            {"name": "फ़िल्मी", "share": 0.34},
            {"name": "ลูกทุ่ง", "share": 0.22},
            {"name": "हिंदुस्तानी शास्त्रीय", "share": 0.16},
            {"name": "ทีป็อป", "share": 0.12},
            {"name": "सूफ़ी", "share": 0.08},
        ],
        "listening_clock": make_clock(58760, "commuter", rng),
        "top_artist_percentile": 1,
        "locale": "hi",
    }

    F["cyrillic-greek"] = {
        "user_id": "cyrillic-greek",
        "display_name": "Фёдор Щукин",
        "year": 2026,
        "minutes_listened": 45678,
        "top_artists": [
            {"name": "Кира Звёздная", "minutes": 7020},
            {"name": "Ελένη Άστρα", "minutes": 5410},
            {"name": "Гурт Соняшник", "minutes": 3990},
            {"name": "Бригада Ёж", "minutes": 2480},
            {"name": "Οι Γλάροι του Βορρά", "minutes": 1350},
        ],
        "top_tracks": [
            {"title": "Ночной Экспресс", "artist": "Кира Звёздная", "plays": 530},
            {"title": "Αλάτι στα Μαλλιά", "artist": "Ελένη Άστρα", "plays": 402},
            {"title": "Ґанок і Зорі", "artist": "Гурт Соняшник", "plays": 287},
            {"title": "Подъезд №7", "artist": "Бригада Ёж", "plays": 164},
            {"title": "Ωκεανός από Γυαλί", "artist": "Οι Γλάροι του Βορρά", "plays": 88},
        ],
        "top_genres": [
            {"name": "русский поп", "share": 0.3},
            {"name": "λαϊκό", "share": 0.22},
            {"name": "фолк-рок", "share": 0.18},
            {"name": "русский рок", "share": 0.12},
            {"name": "έντεχνο", "share": 0.07},
        ],
        "listening_clock": make_clock(45678, "afternoon", rng),
        "top_artist_percentile": 1,
        "locale": "ru",
    }

    F["emoji"] = {
        "user_id": "emoji",
        "display_name": "Mia 👍🏽 👨‍👩‍👧‍👦 🇯🇵🇧🇷 1️⃣ ❤️",
        "year": 2026,
        "minutes_listened": 28888,
        "top_artists": [
            {"name": "Neon Bunny 🐰🔥", "minutes": 4800, "image": photo("neon-bunny")},
            {"name": "ok 👍🏽", "minutes": 3600},
            {"name": "The 👨‍👩‍👧‍👦 Family Band", "minutes": 2700},
            {"name": "Kyoto Tape Club 🇯🇵 × Samba Sereia 🇧🇷", "minutes": 1900},
            {"name": "1️⃣ Hit Wonderland ❤️", "minutes": 1100},
        ],
        "top_tracks": [
            {"title": "Hop Hop Heartbeat ❤️", "artist": "Neon Bunny 🐰🔥", "plays": 505},
            {"title": "thumbs up (acoustic) 👍🏽", "artist": "ok 👍🏽", "plays": 404},
            {"title": "Minivan Singalong 👨‍👩‍👧‍👦🚐", "artist": "The 👨‍👩‍👧‍👦 Family Band", "plays": 303},
            {"title": "Shinkansen 🇯🇵 → Rio 🇧🇷", "artist": "Kyoto Tape Club 🇯🇵 × Samba Sereia 🇧🇷", "plays": 202},
            {"title": "Number 1️⃣ Song", "artist": "1️⃣ Hit Wonderland ❤️", "plays": 101},
        ],
        "top_genres": [
            {"name": "hyperpop 🐰🔥", "share": 0.3},
            {"name": "bedroom pop 👍🏽", "share": 0.25},
            {"name": "family 👨‍👩‍👧‍👦 folk", "share": 0.15},
            {"name": "city pop 🇯🇵", "share": 0.12},
            {"name": "samba 🇧🇷 ❤️", "share": 0.1},
        ],
        "listening_clock": make_clock(28888, "evening", rng),
        "top_artist_percentile": 0.5,
        "locale": "pt",
    }

    F["mixed"] = {
        "user_id": "mixed",
        "display_name": "Zoë 宇多田 سلام 👍🏽",
        "year": 2026,
        "minutes_listened": 36912,
        "top_artists": [
            {"name": "Arijit अरिजीत سلام", "minutes": 5040},
            {"name": "Neon Bunny 🐰🔥", "minutes": 4410, "image": photo("neon-bunny")},
            {"name": "ok 👍🏽", "minutes": 3030},
            {"name": "宇多田ミカ & Beyoncé", "minutes": 2020},
        ],
        "top_tracks": [
            {"title": "दिल का रेडियो Radio", "artist": "Arijit अरिजीत سلام", "plays": 404},
            {"title": "Carrot Cake Riot 🥕", "artist": "Neon Bunny 🐰🔥", "plays": 303},
            {"title": "fine i guess 🤷🏽‍♀️", "artist": "ok 👍🏽", "plays": 202},
            {"title": "Lumière 光の中で", "artist": "宇多田ミカ & Beyoncé", "plays": 101},
        ],
        "top_genres": [
            {"name": "Bollywood बॉलीवुड", "share": 0.3},
            {"name": "hyperpop", "share": 0.25},
            {"name": "bedroom pop", "share": 0.2},
            {"name": "J-POP", "share": 0.15},
        ],
        "listening_clock": make_clock(36912, "night-owl", rng),
        "top_artist_percentile": 1,
        "locale": "hi",
    }

    F["missing-image"] = {
        "user_id": "missing-image",
        "display_name": "Imogen Missing",
        "year": 2026,
        "minutes_listened": 18500,
        "top_artists": [
            {"name": "Velcro Saints", "minutes": 3100, "image": "photos/does-not-exist.jpg"},
            {"name": "Aurora Vale", "minutes": 2200, "image": photo("aurora-vale")},
            {"name": "Lil Stapler", "minutes": 1300},
        ],
        "top_tracks": [
            {"title": "Parking Lot Hymn", "artist": "Velcro Saints", "plays": 210},
            {"title": "Slow Comet", "artist": "Aurora Vale", "plays": 160},
            {"title": "Paper Jam", "artist": "Lil Stapler", "plays": 90},
        ],
        "top_genres": [
            {"name": "garage rock", "share": 0.4},
            {"name": "dream pop", "share": 0.3},
            {"name": "hip hop", "share": 0.2},
        ],
        "listening_clock": make_clock(18500, "commuter", rng),
        "top_artist_percentile": 2,
        "locale": "en",
    }

    F["corrupt-image"] = {
        "user_id": "corrupt-image",
        "display_name": "Corinna Corrupt",
        "year": 2026,
        "minutes_listened": 16400,
        "top_artists": [
            {"name": "❤️ Static", "minutes": 2900, "image": "photos/corrupt.jpg"},
            {"name": "Midnight Cartographers", "minutes": 2500, "image": photo("midnight-cartographers")},
            {"name": "Saltwater Arcade", "minutes": 1100},
        ],
        "top_tracks": [
            {"title": "Broken 💔 Antenna", "artist": "❤️ Static", "plays": 260},
            {"title": "Contour Lines", "artist": "Midnight Cartographers", "plays": 190},
            {"title": "Claw Machine Heart", "artist": "Saltwater Arcade", "plays": 70},
        ],
        "top_genres": [
            {"name": "shoegaze", "share": 0.45},
            {"name": "post-rock", "share": 0.3},
            {"name": "chillhop", "share": 0.1},
        ],
        "listening_clock": make_clock(16400, "evening", rng),
        "top_artist_percentile": 1,
        "locale": "en",
    }

    F["night-owl"] = {
        "user_id": "night-owl",
        "display_name": "Luna Nachtigall 🦉",
        "year": 2026,
        "minutes_listened": 61440,
        "top_artists": [
            {"name": "Midnight Cartographers", "minutes": 8200, "image": photo("midnight-cartographers")},
            {"name": "Кира Звёздная", "minutes": 6300},
            {"name": "Pixel Tidewater", "minutes": 4700},
            {"name": "❤️ Static", "minutes": 3100},
            {"name": "Saltwater Arcade", "minutes": 2050},
        ],
        "top_tracks": [
            {"title": "The Quiet Meridian", "artist": "Midnight Cartographers", "plays": 540},
            {"title": "Ночной Экспресс", "artist": "Кира Звёздная", "plays": 470},
            {"title": "Packet Loss Lullaby", "artist": "Pixel Tidewater", "plays": 360},
            {"title": "Boardwalk at 3AM", "artist": "Saltwater Arcade", "plays": 255},
            {"title": "Heart in Static ❤️", "artist": "❤️ Static", "plays": 140},
        ],
        "top_genres": [
            {"name": "post-rock", "share": 0.27},
            {"name": "synthwave", "share": 0.22},
            {"name": "русский поп", "share": 0.16},
            {"name": "shoegaze", "share": 0.12},
            {"name": "lo-fi beats", "share": 0.1},
        ],
        # hand-written: peaks between 22:00 and 03:00, almost nothing in the morning
        "listening_clock": distribute(61440, [
            9.0, 8.4, 6.9, 5.2, 2.1, 0.6, 0.2, 0.1, 0.1, 0.2, 0.3, 0.4,
            0.6, 0.7, 0.6, 0.6, 0.8, 1.1, 1.6, 2.4, 3.6, 5.3, 7.4, 8.8]),
        "top_artist_percentile": 1,
        "locale": "de",
    }

    F["early-bird"] = {
        "user_id": "early-bird",
        "display_name": "Sunny Morgenstern",
        "year": 2026,
        "minutes_listened": 22905,
        "top_artists": [
            {"name": "Copper Lantern Society", "minutes": 3900},
            {"name": "Ana Conceição", "minutes": 2800},
            {"name": "Hollow Pine Orchestra", "minutes": 2200},
            {"name": "Fenna van IJsselmonde", "minutes": 1300},
        ],
        "top_tracks": [
            {"title": "Kettle Smoke", "artist": "Copper Lantern Society", "plays": 330},
            {"title": "Maré Alta às Três", "artist": "Ana Conceição", "plays": 250},
            {"title": "Overture for a Small Town", "artist": "Hollow Pine Orchestra", "plays": 180},
            {"title": "Fietsen in de Mist", "artist": "Fenna van IJsselmonde", "plays": 120},
        ],
        "top_genres": [
            {"name": "folk", "share": 0.35},
            {"name": "bossa nova", "share": 0.25},
            {"name": "classical", "share": 0.2},
            {"name": "nederpop", "share": 0.1},
        ],
        # hand-written: peaks 05:00-08:00, in bed by 22:00
        "listening_clock": distribute(22905, [
            0.0, 0.0, 0.0, 0.1, 0.8, 5.5, 9.0, 8.6, 5.2, 2.0, 1.1, 0.9,
            1.4, 1.0, 0.7, 0.6, 0.7, 0.9, 0.8, 0.5, 0.3, 0.1, 0.0, 0.0]),
        "top_artist_percentile": 2,
        "locale": "nl",
    }
    return F


def dump(u: dict) -> str:
    """Pretty JSON (2-space indent), but the 24-number clock on one line."""
    s = json.dumps(u, ensure_ascii=False, indent=2)
    if "listening_clock" in u:
        s = re.sub(r'"listening_clock": \[[^\]]*\]',
                   lambda _m: '"listening_clock": ' + json.dumps(u["listening_clock"]), s)
    return s + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "fixtures"))
    ap.add_argument("--photos", default=os.path.join(HERE, "photos"), help="where generate_photos.py wrote")
    args = ap.parse_args(argv)

    photos_out = os.path.join(args.out, "photos")
    os.makedirs(photos_out, exist_ok=True)
    for slug in FIXTURE_PHOTOS:
        shutil.copyfile(os.path.join(args.photos, slug + ".jpg"), os.path.join(photos_out, slug + ".jpg"))
    with open(os.path.join(photos_out, "corrupt.jpg"), "w", encoding="ascii", newline="\n") as f:
        f.write(CORRUPT_TEXT)

    F = fixtures(random.Random(SEED))
    bad = 0
    for name, u in F.items():
        assert u["user_id"] == name, name
        errs, _ = check_user(u, args.out)
        for e in errs:
            print(f"{name}: {e}", file=sys.stderr)
            bad += 1
    if bad:
        return 1
    for name, u in F.items():
        with open(os.path.join(args.out, name + ".json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(dump(u))
    print(f"wrote {len(F)} fixtures to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
