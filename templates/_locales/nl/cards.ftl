# cardfarm cards: Dutch.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy
# (je/jij); not yet reviewed by a professional linguist.

footer = CARDFARM · JAAROVERZICHT
rank-badge = #{ $rank }
percent = { $value }%
minutes-unit = { $count ->
    [one] minuut
   *[other] minuten
}
minutes-count = { $minutes } { $minutes ->
    [one] minuut
   *[other] minuten
}
minutes-short = { $minutes } min
artists-will-show = Druk op play en ze verschijnen hier

summary-name = Het jaar van { $name }
summary-title = Jaaroverzicht { $year }
label-top-artists = JOUW TOPARTIESTEN
label-top-songs = JOUW TOPNUMMERS
label-top-artist = TOPARTIEST
label-top-song = TOPNUMMER
label-minutes = MINUTEN GELUISTERD
label-top-genre = TOPGENRE
label-personality = LUISTERPROFIEL
label-personality-short = PROFIEL
label-year-in-review = JOUW MUZIEKJAAR
hours-of-music = Dat is { $hours } uur muziek
hours-short = Dat is { $hours } uur
year-starts-next-song = Je jaar begint bij het volgende nummer
press-play-to-start = Druk op play
still-warming-up = Nog aan het opwarmen
nothing-on-repeat = Nog niets op repeat
no-artists-yet = Nog geen artiesten
no-songs-yet = Nog geen nummers
songs-will-land = Je nummers op repeat komen hier
still-exploring = Nog op ontdekking

heading-top-artists = JOUW TOPARTIESTEN VAN HET JAAR
top-percentile = Top { $percent }% van de luisteraars
top-artists-empty = Je favoriete artiesten zijn nog aan het opwarmen
heading-top-songs = JOUW TOPNUMMERS VAN HET JAAR
plays-count = { $plays } { $plays ->
    [one] keer gespeeld
   *[other] keer gespeeld
}
one-song-chart = Dit jaar haalde maar één nummer je lijst
top-songs-empty = Je favoriete nummers zijn nog aan het opwarmen
number-one-lands-here = Druk op play en je nummer 1 komt precies hier

heading-top-genres = JOUW TOPGENRES VAN HET JAAR
of-your-listening = VAN JE LUISTERTIJD
sound-of-your-year = was het geluid van jouw jaar
sound-taking-shape = Jouw sound krijgt nog vorm
genres-will-land = Blijf luisteren en je favoriete genres komen hier

heading-minutes = JOUW JAAR IN MINUTEN
you-listened-for = je luisterde in totaal
minutes-days-of-music = Dat is { $days } { $days ->
    [one] dag
   *[other] dagen
} muziek
minutes-hours-of-music = Dat is { $hours } uur muziek
back-to-back = in { $year }, achter elkaar, zonder skippen
soundtrack-getting-started = Je soundtrack van { $year } is net begonnen
every-minute-counts = Elke minuut telt
your-year-in-music = jouw muziekjaar
starts-now = begint nu
zero-minutes-press-play = Tot nu toe 0 minuten. Druk op play

heading-clock = JOUW LUISTERKLOK
heading-personality = JOUW LUISTERPROFIEL
clock-dial-hour = { $hour }.00
clock-hour = { $hour }.00 uur
peak-hour = Piekuur: { clock-hour }
peak-hour-secret = Piekuur: nog geheim
clock-hours-unit = { $count ->
   *[other] UUR
}
clock-minutes-unit = { $count ->
    [one] MINUUT
   *[other] MINUTEN
}
personality-name = { $key ->
    [night-owl] Nachtuil
    [early-bird] Vroege vogel
    [commuter] Forens
    [sunset-chaser] Zonsondergangjager
    [daydreamer] Dagdromer
    [around-the-clock] De klok rond
   *[mystery] Mysterieuze luisteraar
}
personality-tagline = { $key ->
    [night-owl] Je muziek kwam pas tot leven als het donker werd
    [early-bird] Jij drukte op play voordat de wereld wakker was
    [commuter] Je soundtrack reisde mee naar je werk en terug
    [sunset-chaser] De avond was jouw primetime
    [daydreamer] Jouw dagen draaiden op muziek
    [around-the-clock] Elk uur was een goed uur
   *[mystery] Je muziek hield haar tijden voor zich
}
