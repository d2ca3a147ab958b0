# cardfarm cards: Italian.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy
# (tu); not yet reviewed by a professional linguist.

footer = CARDFARM · RIEPILOGO
rank-badge = #{ $rank }
percent = { $value }%
minutes-unit = { $count ->
    [one] minuto
   *[other] minuti
}
minutes-count = { $minutes } { $minutes ->
    [one] minuto
   *[other] minuti
}
minutes-short = { $minutes } min
artists-will-show = Premi play e compariranno qui

summary-name = L’anno di { $name }
summary-title = Riepilogo { $year }
label-top-artists = I TUOI ARTISTI
label-top-songs = I TUOI BRANI
label-top-artist = ARTISTA TOP
label-top-song = BRANO TOP
label-minutes = MINUTI ASCOLTATI
label-top-genre = GENERE TOP
label-personality = PROFILO DI ASCOLTO
label-personality-short = PROFILO
label-year-in-review = IL TUO ANNO IN MUSICA
hours-of-music = Sono { $hours } { $hours ->
    [one] ora
   *[other] ore
} di musica
hours-short = Sono { $hours } { $hours ->
    [one] ora
   *[other] ore
}
year-starts-next-song = Il tuo anno inizia con il prossimo brano
press-play-to-start = Premi play
still-warming-up = Ancora in riscaldamento
nothing-on-repeat = Niente in loop per ora
no-artists-yet = Ancora nessun artista
no-songs-yet = Ancora nessun brano
songs-will-land = I brani che ascolti in loop arriveranno qui
still-exploring = In esplorazione

heading-top-artists = I TUOI ARTISTI DELL’ANNO
top-percentile = Top { $percent }% dei suoi ascoltatori
top-artists-empty = I tuoi artisti preferiti si stanno ancora scaldando
heading-top-songs = I TUOI BRANI DELL’ANNO
plays-count = { $plays } { $plays ->
    [one] ascolto
   *[other] ascolti
}
one-song-chart = Quest’anno un solo brano è entrato nella tua classifica
top-songs-empty = I tuoi brani preferiti si stanno ancora scaldando
number-one-lands-here = Premi play e il tuo n. 1 arriverà proprio qui

heading-top-genres = I TUOI GENERI DELL’ANNO
of-your-listening = DEI TUOI ASCOLTI
sound-of-your-year = è stato il suono del tuo anno
sound-taking-shape = Il tuo suono sta ancora prendendo forma
genres-will-land = Continua ad ascoltare e i tuoi generi preferiti arriveranno qui

heading-minutes = IL TUO ANNO IN MINUTI
you-listened-for = hai ascoltato musica per
minutes-days-of-music = Sono { $days } { $days ->
    [one] giorno
   *[other] giorni
} di musica
minutes-hours-of-music = Sono { $hours } { $hours ->
    [one] ora
   *[other] ore
} di musica
back-to-back = nel { $year }, uno dopo l’altro, senza saltarne uno
soundtrack-getting-started = La tua colonna sonora del { $year } è appena iniziata
every-minute-counts = Ogni minuto conta
your-year-in-music = il tuo anno in musica
starts-now = inizia ora
zero-minutes-press-play = 0 minuti finora. Premi play

heading-clock = IL TUO OROLOGIO MUSICALE
heading-personality = IL TUO PROFILO DI ASCOLTO
clock-dial-hour = { $hour }:00
clock-hour = { $hour }:00
peak-hour = Ora di punta: { clock-hour }
peak-hour-secret = Ora di punta: un mistero
clock-hours-unit = { $count ->
    [one] ORA
   *[other] ORE
}
clock-minutes-unit = { $count ->
    [one] MINUTO
   *[other] MINUTI
}
personality-name = { $key ->
    [night-owl] Nottambulo
    [early-bird] Mattiniero
    [commuter] Pendolare
    [sunset-chaser] Cacciatore di tramonti
    [daydreamer] Sognatore diurno
    [around-the-clock] Giorno e notte
   *[mystery] Ascoltatore misterioso
}
personality-tagline = { $key ->
    [night-owl] La tua musica prendeva vita dopo il tramonto
    [early-bird] Premevi play prima che il mondo si svegliasse
    [commuter] La tua colonna sonora ti ha accompagnato al lavoro e ritorno
    [sunset-chaser] La sera era il tuo prime time
    [daydreamer] Le tue giornate andavano a musica
    [around-the-clock] Ogni ora era quella giusta
   *[mystery] La tua musica ha tenuto per sé i suoi orari
}
