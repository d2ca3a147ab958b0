# cardfarm cards: French.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy
# (tutoiement, as music apps do); not yet reviewed by a professional linguist. French
# typography: a narrow no-break space before % and the colon.

footer = CARDFARM · BILAN
rank-badge = nº { $rank }
percent = { $value } %
minutes-unit = { $count ->
    [one] minute
   *[other] minutes
}
minutes-count = { $minutes } { $minutes ->
    [one] minute
   *[other] minutes
}
minutes-short = { $minutes } min
artists-will-show = Lance la musique et ils apparaîtront ici

summary-name = L’année de { $name }
summary-title = Bilan { $year }
label-top-artists = TES ARTISTES
label-top-songs = TES TITRES
label-top-artist = ARTISTE Nº 1
label-top-song = TITRE Nº 1
label-minutes = MINUTES D’ÉCOUTE
label-top-genre = GENRE Nº 1
label-personality = PROFIL D’ÉCOUTE
label-personality-short = PROFIL
label-year-in-review = TON ANNÉE EN MUSIQUE
hours-of-music = Soit { $hours } { $hours ->
    [one] heure
   *[other] heures
} de musique
hours-short = Soit { $hours } { $hours ->
    [one] heure
   *[other] heures
}
year-starts-next-song = Ton année commence au prochain titre
press-play-to-start = Lance la musique
still-warming-up = Ça chauffe encore
nothing-on-repeat = Rien en boucle pour l’instant
no-artists-yet = Pas encore d’artistes
no-songs-yet = Pas encore de titres
songs-will-land = Tes titres en boucle arriveront ici
still-exploring = En exploration

heading-top-artists = TES ARTISTES DE L’ANNÉE
top-percentile = Top { $percent } % de ses auditeurs
top-artists-empty = Tes artistes préférés s’échauffent encore
heading-top-songs = TES TITRES DE L’ANNÉE
plays-count = { $plays } { $plays ->
    [one] écoute
   *[other] écoutes
}
one-song-chart = Un seul titre a fait ton classement cette année
top-songs-empty = Tes titres préférés s’échauffent encore
number-one-lands-here = Lance la musique et ton nº 1 arrivera ici

heading-top-genres = TES GENRES DE L’ANNÉE
of-your-listening = DE TES ÉCOUTES
sound-of-your-year = a été le son de ton année
sound-taking-shape = Ton son prend encore forme
genres-will-land = Continue d’écouter et tes genres préférés arriveront ici

heading-minutes = TON ANNÉE EN MINUTES
you-listened-for = tu as écouté pendant
minutes-days-of-music = Soit { $days } { $days ->
    [one] jour
   *[other] jours
} de musique
minutes-hours-of-music = Soit { $hours } { $hours ->
    [one] heure
   *[other] heures
} de musique
back-to-back = en { $year }, d’affilée, sans rien zapper
soundtrack-getting-started = Ta bande-son { $year } ne fait que commencer
every-minute-counts = Chaque minute compte
your-year-in-music = ton année en musique
starts-now = commence ici
zero-minutes-press-play = 0 minute pour l’instant. Lance la musique

heading-clock = TON HORLOGE D’ÉCOUTE
heading-personality = TON PROFIL D’ÉCOUTE
clock-dial-hour = { $hour } h
clock-hour = { $hour } h
peak-hour = Heure de pointe : { clock-hour }
peak-hour-secret = Heure de pointe : mystère
clock-hours-unit = { $count ->
    [one] HEURE
   *[other] HEURES
}
clock-minutes-unit = { $count ->
    [one] MINUTE
   *[other] MINUTES
}
personality-name = { $key ->
    [night-owl] Oiseau de nuit
    [early-bird] Lève-tôt
    [commuter] Pendulaire
    [sunset-chaser] Chasseur de couchers de soleil
    [daydreamer] Rêveur du jour
    [around-the-clock] Non-stop
   *[mystery] Auditeur mystère
}
personality-tagline = { $key ->
    [night-owl] Ta musique s’éveillait à la nuit tombée
    [early-bird] Tu lançais la musique avant que le monde se réveille
    [commuter] Ta bande-son t’a suivi au boulot, aller et retour
    [sunset-chaser] Tes soirées étaient ton prime time
    [daydreamer] Tes journées tournaient à la musique
    [around-the-clock] Toute heure était la bonne
   *[mystery] Ta musique a gardé ses horaires secrets
}
