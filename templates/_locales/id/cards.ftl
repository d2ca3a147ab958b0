# cardfarm cards: Indonesian.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy in
# the casual "kamu" of Indonesian apps; not yet reviewed by a professional linguist.
# Indonesian nouns do not change with a count.

footer = CARDFARM · REKAP TAHUNAN
rank-badge = #{ $rank }
percent = { $value }%
minutes-unit = menit
minutes-count = { $minutes } menit
minutes-short = { $minutes } mnt
artists-will-show = Putar musik dan mereka akan muncul di sini

summary-name = Tahun { $name }
summary-title = Rekap { $year }
label-top-artists = ARTIS TERATAS
label-top-songs = LAGU TERATAS
label-top-artist = ARTIS TERATAS
label-top-song = LAGU TERATAS
label-minutes = MENIT DIDENGAR
label-top-genre = GENRE TERATAS
label-personality = GAYA MENDENGAR
label-personality-short = GAYA
label-year-in-review = TAHUN MUSIKMU
hours-of-music = Itu { $hours } jam musik
hours-short = Itu { $hours } jam
year-starts-next-song = Tahunmu dimulai dari lagu berikutnya
press-play-to-start = Putar untuk mulai
still-warming-up = Masih pemanasan
nothing-on-repeat = Belum ada yang diulang-ulang
no-artists-yet = Belum ada artis
no-songs-yet = Belum ada lagu
songs-will-land = Lagu yang kamu ulang-ulang akan muncul di sini
still-exploring = Masih menjelajah

heading-top-artists = ARTIS TERATASMU
top-percentile = Top { $percent }% pendengarnya
top-artists-empty = Artis favoritmu masih pemanasan
heading-top-songs = LAGU TERATASMU
plays-count = { $plays } kali diputar
one-song-chart = Cuma satu lagu yang masuk chart-mu tahun ini
top-songs-empty = Lagu favoritmu masih pemanasan
number-one-lands-here = Putar musik dan lagu nomor 1-mu muncul di sini

heading-top-genres = GENRE TERATASMU
of-your-listening = DARI WAKTU DENGARMU
sound-of-your-year = jadi suara tahunmu
sound-taking-shape = Selera musikmu masih terbentuk
genres-will-land = Terus dengarkan dan genre favoritmu akan muncul di sini

heading-minutes = TAHUNMU DALAM MENIT
you-listened-for = kamu mendengarkan musik selama
minutes-days-of-music = Itu { $days } hari musik
minutes-hours-of-music = Itu { $hours } jam musik
back-to-back = di { $year }, nonstop, tanpa skip
soundtrack-getting-started = Soundtrack { $year }-mu baru saja dimulai
every-minute-counts = Setiap menit berarti
your-year-in-music = tahunmu dalam musik
starts-now = mulai sekarang
zero-minutes-press-play = Baru 0 menit. Ayo putar musik

heading-clock = JAM DENGARMU
heading-personality = GAYA MENDENGARMU
clock-dial-hour = { $hour }.00
clock-hour = pukul { $hour }.00
peak-hour = Jam puncak: { clock-hour }
peak-hour-secret = Jam puncak: masih rahasia
clock-hours-unit = JAM
clock-minutes-unit = MENIT
personality-name = { $key ->
    [night-owl] Burung Hantu
    [early-bird] Si Pagi
    [commuter] Anak Commuter
    [sunset-chaser] Pemburu Senja
    [daydreamer] Pemimpi Siang
    [around-the-clock] Sepanjang Hari
   *[mystery] Pendengar Misterius
}
personality-tagline = { $key ->
    [night-owl] Musikmu baru hidup setelah gelap
    [early-bird] Kamu sudah memutar musik sebelum dunia bangun
    [commuter] Soundtrack-mu ikut pergi dan pulang kerja
    [sunset-chaser] Senja adalah waktu terbaikmu
    [daydreamer] Hari-harimu berjalan dengan musik
    [around-the-clock] Setiap jam adalah jam yang pas
   *[mystery] Musikmu menyimpan jamnya sendiri
}
