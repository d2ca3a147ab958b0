# cardfarm cards: Brazilian Portuguese.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy in
# the informal "você" of Brazilian apps; not yet reviewed by a professional linguist.
# A "pt" catalog, if one is added, would sit between this one and English.

footer = CARDFARM · RETROSPECTIVA
rank-badge = #{ $rank }
percent = { $value }%
minutes-unit = { $count ->
    [0] minutos
    [one] minuto
   *[other] minutos
}
minutes-count = { $minutes } { $minutes ->
    [0] minutos
    [one] minuto
   *[other] minutos
}
minutes-short = { $minutes } min
artists-will-show = Dê o play e eles vão aparecer aqui

summary-name = O ano de { $name }
summary-title = Retrospectiva { $year }
label-top-artists = SEUS ARTISTAS
label-top-songs = SUAS MÚSICAS
label-top-artist = ARTISTA TOP
label-top-song = MÚSICA TOP
label-minutes = MINUTOS OUVIDOS
label-top-genre = GÊNERO TOP
label-personality = PERFIL DE OUVINTE
label-personality-short = PERFIL
label-year-in-review = SEU ANO EM MÚSICA
hours-of-music = São { $hours } { $hours ->
    [0] horas
    [one] hora
   *[other] horas
} de música
hours-short = São { $hours } { $hours ->
    [0] horas
    [one] hora
   *[other] horas
}
year-starts-next-song = Seu ano começa na próxima música
press-play-to-start = Dê o play
still-warming-up = Esquentando ainda
nothing-on-repeat = Nada no repeat ainda
no-artists-yet = Nenhum artista ainda
no-songs-yet = Nenhuma música ainda
songs-will-land = Suas músicas no repeat vão aparecer aqui
still-exploring = Explorando

heading-top-artists = SEUS ARTISTAS DO ANO
top-percentile = Top { $percent }% dos fãs
top-artists-empty = Seus artistas favoritos ainda estão esquentando
heading-top-songs = SUAS MÚSICAS DO ANO
plays-count = { $plays } { $plays ->
    [0] plays
    [one] play
   *[other] plays
}
one-song-chart = Só uma música entrou na sua lista este ano
top-songs-empty = Suas músicas favoritas ainda estão esquentando
number-one-lands-here = Dê o play e a sua nº 1 aparece aqui

heading-top-genres = SEUS GÊNEROS DO ANO
of-your-listening = DO QUE VOCÊ OUVIU
sound-of-your-year = foi o som do seu ano
sound-taking-shape = Seu som ainda está tomando forma
genres-will-land = Continue dando play e seus gêneros favoritos vão aparecer aqui

heading-minutes = SEU ANO EM MINUTOS
you-listened-for = você ouviu música por
minutes-days-of-music = São { $days } { $days ->
    [0] dias
    [one] dia
   *[other] dias
} de música
minutes-hours-of-music = São { $hours } { $hours ->
    [0] horas
    [one] hora
   *[other] horas
} de música
back-to-back = em { $year }, sem pausa e sem pular
soundtrack-getting-started = Sua trilha sonora de { $year } está só começando
every-minute-counts = Cada minuto conta
your-year-in-music = seu ano em música
starts-now = começa já
zero-minutes-press-play = 0 minutos até agora. Dê o play

heading-clock = SEU RELÓGIO MUSICAL
heading-personality = SEU PERFIL DE OUVINTE
clock-dial-hour = { $hour }h
clock-hour = { $hour }h
peak-hour = Horário de pico: { clock-hour }
peak-hour-secret = Horário de pico: segredo
clock-hours-unit = { $count ->
    [0] HORAS
    [one] HORA
   *[other] HORAS
}
clock-minutes-unit = { $count ->
    [0] MINUTOS
    [one] MINUTO
   *[other] MINUTOS
}
personality-name = { $key ->
    [night-owl] Coruja da noite
    [early-bird] Madrugador
    [commuter] Trilha do trajeto
    [sunset-chaser] Caçador de pôr do sol
    [daydreamer] Sonhador diurno
    [around-the-clock] 24 horas no play
   *[mystery] Ouvinte misterioso
}
personality-tagline = { $key ->
    [night-owl] Sua música ganhava vida depois que escurecia
    [early-bird] Você deu play antes do mundo acordar
    [commuter] Sua trilha sonora foi e voltou do trabalho com você
    [sunset-chaser] O fim de tarde foi o seu horário nobre
    [daydreamer] Seus dias funcionaram à base de música
    [around-the-clock] Qualquer hora era hora de música
   *[mystery] Sua música guardou os horários em segredo
}
