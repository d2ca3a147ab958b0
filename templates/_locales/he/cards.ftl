# cardfarm cards: Hebrew.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy;
# not yet reviewed by a professional linguist. Second person in a gender-neutral register
# where Hebrew allows (infinitives, nouns) rather than a masculine default.

footer = CARDFARM · סיכום השנה
# "#1" reads left to right inside the right-to-left card.
rank-badge = { "\u2066" }#{ $rank }{ "\u2069" }
# The number and its sign stay one left-to-right unit: "34%".
percent = { "\u2066" }{ $value }%{ "\u2069" }
minutes-unit = { $count ->
    [one] דקה
   *[other] דקות
}
minutes-count = { $minutes ->
    [one] דקה אחת
   *[other] { $minutes } דקות
}
minutes-short = { $minutes } דק׳
artists-will-show = מפעילים מוזיקה והם יופיעו כאן

summary-name = השנה של { $name }
summary-title = סיכום { $year }
label-top-artists = האמנים המובילים
label-top-songs = השירים המובילים
label-top-artist = האמן המוביל
label-top-song = השיר המוביל
label-minutes = דקות האזנה
label-top-genre = הז׳אנר המוביל
label-personality = פרופיל ההאזנה
label-personality-short = פרופיל
label-year-in-review = השנה במוזיקה
hours-of-music = { $hours ->
    [one] שעה אחת של מוזיקה
    [two] שעתיים של מוזיקה
   *[other] { $hours } שעות של מוזיקה
}
hours-short = { $hours ->
    [one] שעה אחת
    [two] שעתיים
   *[other] { $hours } שעות
}
year-starts-next-song = השנה מתחילה בשיר הבא
press-play-to-start = לוחצים על פליי ומתחילים
still-warming-up = עוד מתחמם
nothing-on-repeat = עוד אין שירים בלופ
no-artists-yet = עוד אין אמנים
no-songs-yet = עוד אין שירים
songs-will-land = השירים שבלופ יופיעו כאן
still-exploring = עדיין בגילוי

heading-top-artists = האמנים המובילים של השנה
top-percentile = ב־{ "\u2066" }{ $percent }%{ "\u2069" } המאזינים המובילים
top-artists-empty = האמנים האהובים עוד מתחממים
heading-top-songs = השירים המובילים של השנה
plays-count = { $plays ->
    [one] השמעה אחת
   *[other] { $plays } השמעות
}
one-song-chart = רק שיר אחד נכנס השנה למצעד
top-songs-empty = השירים האהובים עוד מתחממים
number-one-lands-here = מפעילים מוזיקה ומספר 1 יופיע בדיוק כאן

heading-top-genres = הז׳אנרים המובילים של השנה
of-your-listening = מזמן ההאזנה
sound-of-your-year = היה הצליל של השנה
sound-taking-shape = הסאונד עוד מתגבש
genres-will-land = ממשיכים להאזין והז׳אנרים האהובים יופיעו כאן

heading-minutes = השנה בדקות
you-listened-for = זמן ההאזנה השנה
minutes-days-of-music = { $days ->
    [one] יום אחד של מוזיקה
    [two] יומיים של מוזיקה
   *[other] { $days } ימים של מוזיקה
}
minutes-hours-of-music = { $hours ->
    [one] שעה אחת של מוזיקה
    [two] שעתיים של מוזיקה
   *[other] { $hours } שעות של מוזיקה
}
back-to-back = ב־{ $year }, ברצף ובלי לדלג
soundtrack-getting-started = פסקול { $year } רק מתחיל
every-minute-counts = כל דקה נחשבת
your-year-in-music = השנה במוזיקה
starts-now = מתחילה עכשיו
zero-minutes-press-play = 0 דקות בינתיים. מפעילים מוזיקה

heading-clock = שעון ההאזנה
heading-personality = פרופיל ההאזנה
clock-dial-hour = { $hour }:00
clock-hour = { $hour }:00
peak-hour = שעת השיא: { clock-hour }
peak-hour-secret = שעת השיא: עדיין סוד
clock-hours-unit = { $count ->
    [one] שעה
    [two] שעתיים
   *[other] שעות
}
clock-minutes-unit = { $count ->
    [one] דקה
   *[other] דקות
}
personality-name = { $key ->
    [night-owl] ינשוף לילה
    [early-bird] ציפור בוקר
    [commuter] מוזיקה בדרכים
    [sunset-chaser] צייד שקיעות
    [daydreamer] חלומות בהקיץ
    [around-the-clock] מסביב לשעון
   *[mystery] האזנה מסתורית
}
personality-tagline = { $key ->
    [night-owl] המוזיקה התעוררה לחיים אחרי החשיכה
    [early-bird] המוזיקה התחילה לפני שהעולם התעורר
    [commuter] הפסקול נסע לעבודה וחזרה
    [sunset-chaser] הערבים היו שעת השיא
    [daydreamer] הימים רצו על מוזיקה
    [around-the-clock] כל שעה הייתה שעה טובה
   *[mystery] המוזיקה שמרה את השעות שלה לעצמה
}
