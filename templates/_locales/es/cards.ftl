# cardfarm cards: Spanish (neutral, for Spain and Latin America).
# Provenance: written for cardfarm from the English reference (2026-11), as product copy
# rather than word for word; not yet reviewed by a professional linguist. Tú throughout.

footer = CARDFARM · RESUMEN
rank-badge = #{ $rank }
percent = { $value } %
minutes-unit = { $count ->
    [one] minuto
   *[other] minutos
}
minutes-count = { $minutes } { $minutes ->
    [one] minuto
   *[other] minutos
}
minutes-short = { $minutes } min
artists-will-show = Dale al play y aparecerán aquí

summary-name = El año de { $name }
summary-title = Resumen { $year }
label-top-artists = TUS ARTISTAS
label-top-songs = TUS CANCIONES
label-top-artist = ARTISTA TOP
label-top-song = CANCIÓN TOP
label-minutes = MINUTOS ESCUCHADOS
label-top-genre = GÉNERO TOP
label-personality = PERFIL DE ESCUCHA
label-personality-short = PERFIL
label-year-in-review = TU AÑO EN MÚSICA
hours-of-music = Son { $hours } { $hours ->
    [one] hora
   *[other] horas
} de música
hours-short = Son { $hours } { $hours ->
    [one] hora
   *[other] horas
}
year-starts-next-song = Tu año empieza con la próxima canción
press-play-to-start = Dale al play
still-warming-up = Calentando motores
nothing-on-repeat = Nada en bucle todavía
no-artists-yet = Aún no hay artistas
no-songs-yet = Aún no hay canciones
songs-will-land = Tus canciones en bucle llegarán aquí
still-exploring = Explorando

heading-top-artists = TUS ARTISTAS DEL AÑO
top-percentile = Top { $percent } % de sus oyentes
top-artists-empty = Tus artistas favoritos aún están calentando
heading-top-songs = TUS CANCIONES DEL AÑO
plays-count = { $plays } { $plays ->
    [one] reproducción
   *[other] reproducciones
}
one-song-chart = Solo una canción entró en tu lista este año
top-songs-empty = Tus canciones favoritas aún están calentando
number-one-lands-here = Dale al play y tu n.º 1 aparecerá aquí

heading-top-genres = TUS GÉNEROS DEL AÑO
of-your-listening = DE LO QUE ESCUCHASTE
sound-of-your-year = fue el sonido de tu año
sound-taking-shape = Tu sonido aún está tomando forma
genres-will-land = Sigue escuchando y tus géneros favoritos aparecerán aquí

heading-minutes = TU AÑO EN MINUTOS
you-listened-for = escuchaste música durante
minutes-days-of-music = Son { $days } { $days ->
    [one] día
   *[other] días
} de música
minutes-hours-of-music = Son { $hours } { $hours ->
    [one] hora
   *[other] horas
} de música
back-to-back = en { $year }, sin pausas ni saltos
soundtrack-getting-started = Tu banda sonora de { $year } acaba de empezar
every-minute-counts = Cada minuto cuenta
your-year-in-music = tu año en música
starts-now = empieza ya
zero-minutes-press-play = 0 minutos por ahora. Dale al play

heading-clock = TU RELOJ MUSICAL
heading-personality = TU PERFIL DE ESCUCHA
clock-dial-hour = { $hour } h
clock-hour = { $hour }:00
peak-hour = Hora pico: { clock-hour }
peak-hour-secret = Hora pico: un misterio
clock-hours-unit = { $count ->
    [one] HORA
   *[other] HORAS
}
clock-minutes-unit = { $count ->
    [one] MINUTO
   *[other] MINUTOS
}
personality-name = { $key ->
    [night-owl] Ave nocturna
    [early-bird] Madrugador
    [commuter] Viajero diario
    [sunset-chaser] Cazador de atardeceres
    [daydreamer] Soñador diurno
    [around-the-clock] A todas horas
   *[mystery] Oyente misterioso
}
personality-tagline = { $key ->
    [night-owl] Tu música cobraba vida al caer la noche
    [early-bird] Le diste al play antes de que el mundo despertara
    [commuter] Tu banda sonora fue y volvió del trabajo contigo
    [sunset-chaser] Las tardes fueron tu mejor momento
    [daydreamer] Tus días funcionaron a base de música
    [around-the-clock] Cualquier hora era buena hora
   *[mystery] Tu música guardó sus horarios en secreto
}
