# cardfarm cards: Polish.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy
# (ty); not yet reviewed by a professional linguist. Plurals use CLDR one/few/many.

footer = CARDFARM · PODSUMOWANIE
rank-badge = #{ $rank }
percent = { $value }%
minutes-unit = { $count ->
    [one] minuta
    [few] minuty
   *[many] minut
}
minutes-count = { $minutes } { $minutes ->
    [one] minuta
    [few] minuty
    [many] minut
   *[other] minuty
}
minutes-short = { $minutes } min
artists-will-show = Włącz muzykę, a pojawią się tutaj

summary-name = Twój rok, { $name }
summary-title = Podsumowanie { $year }
label-top-artists = TWOI ARTYŚCI
label-top-songs = TWOJE UTWORY
label-top-artist = TOP ARTYSTA
label-top-song = TOP UTWÓR
label-minutes = MINUTY SŁUCHANIA
label-top-genre = TOP GATUNEK
label-personality = PROFIL SŁUCHACZA
label-personality-short = PROFIL
label-year-in-review = TWÓJ ROK Z MUZYKĄ
hours-of-music = To { $hours } { $hours ->
    [one] godzina
    [few] godziny
   *[many] godzin
} muzyki
hours-short = To { $hours } { $hours ->
    [one] godzina
    [few] godziny
   *[many] godzin
}
year-starts-next-song = Twój rok zaczyna się od następnego utworu
press-play-to-start = Włącz muzykę
still-warming-up = Jeszcze się rozgrzewa
nothing-on-repeat = Jeszcze nic w zapętleniu
no-artists-yet = Jeszcze brak artystów
no-songs-yet = Jeszcze brak utworów
songs-will-land = Twoje zapętlone utwory pojawią się tutaj
still-exploring = Wciąż odkrywasz

heading-top-artists = TWOI NAJCZĘŚCIEJ SŁUCHANI ARTYŚCI
top-percentile = Top { $percent }% słuchaczy
top-artists-empty = Twoi ulubieni artyści jeszcze się rozgrzewają
heading-top-songs = TWOJE NAJCZĘŚCIEJ SŁUCHANE UTWORY
plays-count = { $plays } { $plays ->
    [one] odtworzenie
    [few] odtworzenia
    [many] odtworzeń
   *[other] odtworzenia
}
one-song-chart = W tym roku na Twoją listę trafił tylko jeden utwór
top-songs-empty = Twoje ulubione utwory jeszcze się rozgrzewają
number-one-lands-here = Włącz muzykę, a Twój nr 1 pojawi się właśnie tutaj

heading-top-genres = TWOJE ULUBIONE GATUNKI
of-your-listening = TWOJEGO SŁUCHANIA
sound-of-your-year = to brzmienie Twojego roku
sound-taking-shape = Twoje brzmienie dopiero nabiera kształtu
genres-will-land = Słuchaj dalej, a Twoje ulubione gatunki pojawią się tutaj

heading-minutes = TWÓJ ROK W MINUTACH
you-listened-for = muzyka grała przez
minutes-days-of-music = To { $days } { $days ->
    [one] dzień
   *[other] dni
} muzyki
minutes-hours-of-music = To { $hours } { $hours ->
    [one] godzina
    [few] godziny
   *[many] godzin
} muzyki
back-to-back = w { $year } roku, bez przerwy i bez przewijania
soundtrack-getting-started = Twoja ścieżka dźwiękowa { $year } dopiero się zaczyna
every-minute-counts = Każda minuta się liczy
your-year-in-music = Twój rok z muzyką
starts-now = zaczyna się teraz
zero-minutes-press-play = Na razie 0 minut. Włącz muzykę

heading-clock = TWÓJ ZEGAR SŁUCHANIA
heading-personality = TWÓJ PROFIL SŁUCHACZA
clock-dial-hour = { $hour }:00
clock-hour = { $hour }:00
peak-hour = Godzina szczytu: { clock-hour }
peak-hour-secret = Godzina szczytu: tajemnica
clock-hours-unit = { $count ->
    [one] GODZINA
    [few] GODZINY
   *[many] GODZIN
}
clock-minutes-unit = { $count ->
    [one] MINUTA
    [few] MINUTY
   *[many] MINUT
}
personality-name = { $key ->
    [night-owl] Nocny marek
    [early-bird] Ranny ptaszek
    [commuter] Dojeżdżający
    [sunset-chaser] Łowca zachodów słońca
    [daydreamer] Marzyciel
    [around-the-clock] Całą dobę
   *[mystery] Tajemniczy słuchacz
}
personality-tagline = { $key ->
    [night-owl] Twoja muzyka ożywała po zmroku
    [early-bird] Muzyka grała, zanim świat się obudził
    [commuter] Twoja ścieżka dźwiękowa jeździła z Tobą do pracy i z powrotem
    [sunset-chaser] Wieczory były Twoim czasem antenowym
    [daydreamer] Twoje dni płynęły z muzyką
    [around-the-clock] Każda godzina była dobra
   *[mystery] Twoja muzyka zachowała swoje godziny dla siebie
}
