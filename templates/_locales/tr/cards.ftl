# cardfarm cards: Turkish.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy
# (sen); not yet reviewed by a professional linguist. Capitals keep the dotted İ; a count
# takes the singular noun, and the percent sign comes first (%34).

footer = CARDFARM · YIL ÖZETİ
rank-badge = #{ $rank }
percent = %{ $value }
minutes-unit = dakika
minutes-count = { $minutes } dakika
minutes-short = { $minutes } dk
artists-will-show = Çalmaya başla, burada görünecekler

summary-name = { $name } için
summary-title = { $year } Özeti
label-top-artists = EN ÇOK DİNLEDİKLERİN
label-top-songs = EN SEVDİĞİN ŞARKILAR
label-top-artist = 1 NUMARALI SANATÇI
label-top-song = 1 NUMARALI ŞARKI
label-minutes = DİNLENEN DAKİKA
label-top-genre = ZİRVEDEKİ TÜR
label-personality = DİNLEYİCİ PROFİLİ
label-personality-short = PROFİL
label-year-in-review = MÜZİK DOLU YILIN
hours-of-music = Tam { $hours } saat müzik
hours-short = Tam { $hours } saat
year-starts-next-song = Yılın bir sonraki şarkıyla başlıyor
press-play-to-start = Çalmaya başla
still-warming-up = Henüz ısınıyor
nothing-on-repeat = Henüz tekrarda bir şey yok
no-artists-yet = Henüz sanatçı yok
no-songs-yet = Henüz şarkı yok
songs-will-land = Tekrar tekrar dinlediğin şarkılar burada olacak
still-exploring = Keşfe devam

heading-top-artists = EN ÇOK DİNLEDİĞİN SANATÇILAR
top-percentile = En sadık %{ $percent } dinleyicisi arasındasın
top-artists-empty = Favori sanatçıların henüz ısınıyor
heading-top-songs = EN ÇOK DİNLEDİĞİN ŞARKILAR
plays-count = { $plays } dinlenme
one-song-chart = Bu yıl listene yalnızca bir şarkı girdi
top-songs-empty = Favori şarkıların henüz ısınıyor
number-one-lands-here = Çalmaya başla, 1 numaran tam buraya gelecek

heading-top-genres = EN ÇOK DİNLEDİĞİN TÜRLER
of-your-listening = DİNLEDİKLERİNİN
sound-of-your-year = yılının sesi oldu
sound-taking-shape = Tarzın henüz şekilleniyor
genres-will-land = Dinlemeye devam et, favori türlerin buraya gelecek

heading-minutes = DAKİKALARLA YILIN
you-listened-for = müzik dinlediğin süre
minutes-days-of-music = Tam { $days } gün müzik
minutes-hours-of-music = Tam { $hours } saat müzik
back-to-back = { $year } boyunca, art arda, hiç atlamadan
soundtrack-getting-started = { $year } müzik hikâyen daha yeni başlıyor
every-minute-counts = Her dakika önemli
your-year-in-music = müzikle geçen yılın
starts-now = şimdi başlıyor
zero-minutes-press-play = Şimdilik 0 dakika. Çalmaya başla

heading-clock = DİNLEME SAATİN
heading-personality = DİNLEYİCİ PROFİLİN
clock-dial-hour = { $hour }.00
clock-hour = { $hour }.00
peak-hour = En yoğun saat: { clock-hour }
peak-hour-secret = En yoğun saat: henüz sır
clock-hours-unit = SAAT
clock-minutes-unit = DAKİKA
personality-name = { $key ->
    [night-owl] Gece Kuşu
    [early-bird] Erkenci
    [commuter] Yol Arkadaşı
    [sunset-chaser] Gün Batımı Avcısı
    [daydreamer] Hayalperest
    [around-the-clock] Gece Gündüz
   *[mystery] Gizemli Dinleyici
}
personality-tagline = { $key ->
    [night-owl] Müziğin hava karardıktan sonra canlandı
    [early-bird] Dünya uyanmadan çalmaya başladın
    [commuter] Müziğin işe gidip gelirken hep yanındaydı
    [sunset-chaser] Akşamlar senin en güzel saatlerindi
    [daydreamer] Günlerin müzikle aktı
    [around-the-clock] Her saat müzik saatiydi
   *[mystery] Müziğin saatlerini kendine sakladı
}
