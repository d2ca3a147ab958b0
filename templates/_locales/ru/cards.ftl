# cardfarm cards: Russian.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy
# (ты); not yet reviewed by a professional linguist. Plurals use CLDR one/few/many; Russian
# runs long, so these strings also test the fitting rules.

footer = CARDFARM · ИТОГИ ГОДА
rank-badge = №{ $rank }
percent = { $value } %
minutes-unit = { $count ->
    [one] минута
    [few] минуты
    [many] минут
   *[other] минуты
}
minutes-count = { $minutes } { $minutes ->
    [one] минута
    [few] минуты
    [many] минут
   *[other] минуты
}
minutes-short = { $minutes } мин
artists-will-show = Включи музыку — и они появятся здесь

summary-name = Твой год, { $name }
summary-title = Итоги { $year }
label-top-artists = ТВОИ АРТИСТЫ
label-top-songs = ТВОИ ТРЕКИ
label-top-artist = ГЛАВНЫЙ АРТИСТ
label-top-song = ГЛАВНЫЙ ТРЕК
label-minutes = МИНУТ ПРОСЛУШАНО
label-top-genre = ГЛАВНЫЙ ЖАНР
label-personality = ТВОЙ ТИП СЛУШАТЕЛЯ
label-personality-short = ТИП
label-year-in-review = ТВОЙ ГОД В МУЗЫКЕ
hours-of-music = Это { $hours } { $hours ->
    [one] час
    [few] часа
    [many] часов
   *[other] часа
} музыки
hours-short = Это { $hours } { $hours ->
    [one] час
    [few] часа
    [many] часов
   *[other] часа
}
year-starts-next-song = Твой год начнётся со следующего трека
press-play-to-start = Включи музыку
still-warming-up = Пока разогревается
nothing-on-repeat = Пока ничего на повторе
no-artists-yet = Пока нет артистов
no-songs-yet = Пока нет треков
songs-will-land = Любимые треки появятся здесь
still-exploring = В поиске

heading-top-artists = ТВОИ ЛЮБИМЫЕ АРТИСТЫ
top-percentile = Топ-{ $percent } % слушателей
top-artists-empty = Твои любимые артисты ещё разогреваются
heading-top-songs = ТВОИ ЛЮБИМЫЕ ТРЕКИ
plays-count = { $plays } { $plays ->
    [one] прослушивание
    [few] прослушивания
    [many] прослушиваний
   *[other] прослушивания
}
one-song-chart = В этом году в твой чарт попал всего один трек
top-songs-empty = Твои любимые треки ещё разогреваются
number-one-lands-here = Включи музыку — и твой №1 появится здесь

heading-top-genres = ТВОИ ЛЮБИМЫЕ ЖАНРЫ
of-your-listening = ТВОЕГО ВРЕМЕНИ
sound-of-your-year = звучал весь твой год
sound-taking-shape = Твой звук ещё только складывается
genres-will-land = Слушай дальше — и любимые жанры появятся здесь

heading-minutes = ТВОЙ ГОД В МИНУТАХ
you-listened-for = музыка звучала
minutes-days-of-music = Это { $days } { $days ->
    [one] день
    [few] дня
    [many] дней
   *[other] дня
} музыки
minutes-hours-of-music = Это { $hours } { $hours ->
    [one] час
    [few] часа
    [many] часов
   *[other] часа
} музыки
back-to-back = за { $year } год, подряд и без пропусков
soundtrack-getting-started = Твой саундтрек { $year } года только начинается
every-minute-counts = Каждая минута на счету
your-year-in-music = твой год в музыке
starts-now = начинается сейчас
zero-minutes-press-play = Пока 0 минут. Включи музыку

heading-clock = ТВОИ ЧАСЫ ПРОСЛУШИВАНИЯ
heading-personality = ТВОЙ ТИП СЛУШАТЕЛЯ
clock-dial-hour = { $hour }:00
clock-hour = { $hour }:00
peak-hour = Пиковый час: { clock-hour }
peak-hour-secret = Пиковый час: пока секрет
clock-hours-unit = { $count ->
    [one] ЧАС
    [few] ЧАСА
    [many] ЧАСОВ
   *[other] ЧАСА
}
clock-minutes-unit = { $count ->
    [one] МИНУТА
    [few] МИНУТЫ
    [many] МИНУТ
   *[other] МИНУТЫ
}
personality-name = { $key ->
    [night-owl] Ночная сова
    [early-bird] Ранняя пташка
    [commuter] Музыка в дороге
    [sunset-chaser] Охотник за закатами
    [daydreamer] Мечтатель
    [around-the-clock] Круглые сутки
   *[mystery] Загадочный слушатель
}
personality-tagline = { $key ->
    [night-owl] Твоя музыка оживала после заката
    [early-bird] Музыка звучала раньше, чем просыпался мир
    [commuter] Твой саундтрек ездил с тобой на работу и обратно
    [sunset-chaser] Вечера были твоим прайм-таймом
    [daydreamer] Твои дни шли под музыку
    [around-the-clock] Любой час был хорош для музыки
   *[mystery] Твоя музыка хранила своё расписание в тайне
}
