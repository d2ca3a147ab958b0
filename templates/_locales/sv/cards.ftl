# cardfarm cards: Swedish.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy;
# not yet reviewed by a professional linguist.

footer = CARDFARM · MUSIKÅRET
rank-badge = #{ $rank }
percent = { $value } %
minutes-unit = { $count ->
    [one] minut
   *[other] minuter
}
minutes-count = { $minutes } { $minutes ->
    [one] minut
   *[other] minuter
}
minutes-short = { $minutes } min
artists-will-show = Tryck på play så dyker de upp här

summary-name = För { $name }
summary-title = Musikåret { $year }
label-top-artists = DINA TOPPARTISTER
label-top-songs = DINA TOPPLÅTAR
label-top-artist = TOPPARTIST
label-top-song = TOPPLÅT
label-minutes = LYSSNADE MINUTER
label-top-genre = TOPPGENRE
label-personality = LYSSNARPROFIL
label-personality-short = PROFIL
label-year-in-review = DITT MUSIKÅR
hours-of-music = Det är { $hours } { $hours ->
    [one] timme
   *[other] timmar
} musik
hours-short = Det är { $hours } { $hours ->
    [one] timme
   *[other] timmar
}
year-starts-next-song = Ditt år börjar med nästa låt
press-play-to-start = Tryck på play
still-warming-up = Värmer fortfarande upp
nothing-on-repeat = Inget på repeat än
no-artists-yet = Inga artister än
no-songs-yet = Inga låtar än
songs-will-land = Dina låtar på repeat hamnar här
still-exploring = Utforskar fortfarande

heading-top-artists = DINA MEST SPELADE ARTISTER
top-percentile = Topp { $percent } % av lyssnarna
top-artists-empty = Dina favoritartister värmer fortfarande upp
heading-top-songs = DINA MEST SPELADE LÅTAR
plays-count = { $plays } { $plays ->
    [one] spelning
   *[other] spelningar
}
one-song-chart = Bara en låt tog sig in på din lista i år
top-songs-empty = Dina favoritlåtar värmer fortfarande upp
number-one-lands-here = Tryck på play så hamnar din etta här

heading-top-genres = DINA MEST SPELADE GENRER
of-your-listening = AV DITT LYSSNANDE
sound-of-your-year = var ljudet av ditt år
sound-taking-shape = Ditt sound tar fortfarande form
genres-will-land = Fortsätt lyssna så hamnar dina favoritgenrer här

heading-minutes = DITT ÅR I MINUTER
you-listened-for = du lyssnade i
minutes-days-of-music = Det är { $days } { $days ->
    [one] dag
   *[other] dagar
} musik
minutes-hours-of-music = Det är { $hours } { $hours ->
    [one] timme
   *[other] timmar
} musik
back-to-back = under { $year }, i ett svep, utan att skippa
soundtrack-getting-started = Ditt soundtrack för { $year } har bara börjat
every-minute-counts = Varje minut räknas
your-year-in-music = ditt år i musik
starts-now = börjar nu
zero-minutes-press-play = 0 minuter hittills. Tryck på play

heading-clock = DIN LYSSNARKLOCKA
heading-personality = DIN LYSSNARPROFIL
clock-dial-hour = { $hour }.00
clock-hour = kl. { $hour }
peak-hour = Topptimme: { clock-hour }
peak-hour-secret = Topptimme: en hemlighet
clock-hours-unit = { $count ->
    [one] TIMME
   *[other] TIMMAR
}
clock-minutes-unit = { $count ->
    [one] MINUT
   *[other] MINUTER
}
personality-name = { $key ->
    [night-owl] Nattuggla
    [early-bird] Morgonpigg
    [commuter] Pendlare
    [sunset-chaser] Solnedgångsjägare
    [daydreamer] Dagdrömmare
    [around-the-clock] Dygnet runt
   *[mystery] Mystisk lyssnare
}
personality-tagline = { $key ->
    [night-owl] Din musik vaknade till liv när mörkret föll
    [early-bird] Du tryckte på play innan världen vaknat
    [commuter] Ditt soundtrack åkte med till jobbet och hem igen
    [sunset-chaser] Kvällarna var din bästa sändningstid
    [daydreamer] Dina dagar gick på musik
    [around-the-clock] Varje timme var en bra timme
   *[mystery] Din musik höll sina tider för sig själv
}
