# cardfarm cards: German.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy
# (du, as music apps do); not yet reviewed by a professional linguist. German runs long:
# these strings are the fitting rules' test bed.

footer = CARDFARM · JAHRESRÜCKBLICK
rank-badge = #{ $rank }
percent = { $value } %
minutes-unit = { $count ->
    [one] Minute
   *[other] Minuten
}
minutes-count = { $minutes } { $minutes ->
    [one] Minute
   *[other] Minuten
}
minutes-short = { $minutes } Min.
artists-will-show = Drück auf Play, dann tauchen sie hier auf

summary-name = Das Jahr von { $name }
summary-title = Rückblick { $year }
label-top-artists = DEINE TOP-ARTISTS
label-top-songs = DEINE TOP-SONGS
label-top-artist = TOP-ARTIST
label-top-song = TOP-SONG
label-minutes = GEHÖRTE MINUTEN
label-top-genre = TOP-GENRE
label-personality = DEIN HÖRTYP
label-personality-short = HÖRTYP
label-year-in-review = DEIN MUSIKJAHR
hours-of-music = Das sind { $hours } { $hours ->
    [one] Stunde
   *[other] Stunden
} Musik
hours-short = Das sind { $hours } { $hours ->
    [one] Stunde
   *[other] Stunden
}
year-starts-next-song = Dein Jahr beginnt mit dem nächsten Song
press-play-to-start = Drück auf Play
still-warming-up = Noch in den Startlöchern
nothing-on-repeat = Noch nichts in Dauerschleife
no-artists-yet = Noch keine Artists
no-songs-yet = Noch keine Songs
songs-will-land = Deine Lieblingssongs landen hier
still-exploring = Noch am Entdecken

heading-top-artists = DEINE MEISTGEHÖRTEN ARTISTS
top-percentile = Top { $percent } % seiner Hörerschaft
top-artists-empty = Deine Lieblingsartists wärmen sich noch auf
heading-top-songs = DEINE MEISTGEHÖRTEN SONGS
plays-count = { $plays } { $plays ->
    [one] Wiedergabe
   *[other] Wiedergaben
}
one-song-chart = Nur ein Song hat es dieses Jahr in deine Charts geschafft
top-songs-empty = Deine Lieblingssongs wärmen sich noch auf
number-one-lands-here = Drück auf Play, dann landet deine Nr. 1 genau hier

heading-top-genres = DEINE MEISTGEHÖRTEN GENRES
of-your-listening = DEINER HÖRZEIT
sound-of-your-year = war der Sound deines Jahres
sound-taking-shape = Dein Sound nimmt gerade erst Gestalt an
genres-will-land = Hör weiter, dann landen deine Lieblingsgenres hier

heading-minutes = DEIN JAHR IN MINUTEN
you-listened-for = du hast Musik gehört, insgesamt
minutes-days-of-music = Das sind { $days } { $days ->
    [one] Tag
   *[other] Tage
} Musik
minutes-hours-of-music = Das sind { $hours } { $hours ->
    [one] Stunde
   *[other] Stunden
} Musik
back-to-back = in { $year }, am Stück, ohne Überspringen
soundtrack-getting-started = Dein Soundtrack für { $year } fängt gerade erst an
every-minute-counts = Jede Minute zählt
your-year-in-music = dein Musikjahr
starts-now = beginnt jetzt
zero-minutes-press-play = Bisher 0 Minuten. Drück auf Play

heading-clock = DEINE HÖRUHR
heading-personality = DEIN PERSÖNLICHER HÖRTYP
clock-dial-hour = { $hour } Uhr
clock-hour = { $hour } Uhr
peak-hour = Hauptzeit: { clock-hour }
peak-hour-secret = Hauptzeit: noch ein Geheimnis
clock-hours-unit = { $count ->
    [one] STUNDE
   *[other] STUNDEN
}
clock-minutes-unit = { $count ->
    [one] MINUTE
   *[other] MINUTEN
}
personality-name = { $key ->
    [night-owl] Nachteule
    [early-bird] Frühaufsteher
    [commuter] Pendler
    [sunset-chaser] Sonnenuntergangsjäger
    [daydreamer] Tagträumer
    [around-the-clock] Rund um die Uhr
   *[mystery] Geheimnisvoller Hörer
}
personality-tagline = { $key ->
    [night-owl] Deine Musik wurde erst nach Einbruch der Dunkelheit richtig wach
    [early-bird] Du hast auf Play gedrückt, bevor die Welt aufgewacht ist
    [commuter] Dein Soundtrack ist mit dir zur Arbeit und zurück gefahren
    [sunset-chaser] Die Abende waren deine Primetime
    [daydreamer] Deine Tage liefen mit Musik
    [around-the-clock] Jede Stunde war eine gute Stunde
   *[mystery] Deine Musik hat ihre Zeiten für sich behalten
}
