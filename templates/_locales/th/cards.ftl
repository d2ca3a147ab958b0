# cardfarm cards: Thai.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy;
# not yet reviewed by a professional linguist. Thai has no plural forms and no capitals.

footer = CARDFARM · สรุปปี
rank-badge = #{ $rank }
percent = { $value }%
minutes-unit = นาที
minutes-count = { $minutes } นาที
minutes-short = { $minutes } นาที
artists-will-show = กดเล่นเพลง แล้วพวกเขาจะมาอยู่ตรงนี้

summary-name = ปีของ { $name }
summary-title = สรุปปี { $year }
label-top-artists = ศิลปินอันดับต้น
label-top-songs = เพลงอันดับต้น
label-top-artist = ศิลปินอันดับ 1
label-top-song = เพลงอันดับ 1
label-minutes = นาทีที่ฟัง
label-top-genre = แนวเพลงอันดับ 1
label-personality = สไตล์การฟัง
label-personality-short = สไตล์
label-year-in-review = ปีแห่งดนตรีของคุณ
hours-of-music = เท่ากับฟังเพลง { $hours } ชั่วโมง
hours-short = { $hours } ชั่วโมง
year-starts-next-song = ปีของคุณเริ่มที่เพลงถัดไป
press-play-to-start = กดเล่นเพื่อเริ่ม
still-warming-up = กำลังอุ่นเครื่อง
nothing-on-repeat = ยังไม่มีเพลงที่ฟังวน
no-artists-yet = ยังไม่มีศิลปิน
no-songs-yet = ยังไม่มีเพลง
songs-will-land = เพลงที่คุณฟังวนจะมาอยู่ตรงนี้
still-exploring = กำลังค้นหา

heading-top-artists = ศิลปินที่คุณฟังมากที่สุด
top-percentile = ติดท็อป { $percent }% ของแฟนเพลง
top-artists-empty = ศิลปินคนโปรดของคุณกำลังอุ่นเครื่อง
heading-top-songs = เพลงที่คุณฟังมากที่สุด
plays-count = ฟัง { $plays } ครั้ง
one-song-chart = ปีนี้มีเพลงเดียวที่ติดชาร์ตของคุณ
top-songs-empty = เพลงโปรดของคุณกำลังอุ่นเครื่อง
number-one-lands-here = กดเล่นเพลง แล้วอันดับ 1 ของคุณจะมาอยู่ตรงนี้

heading-top-genres = แนวเพลงที่คุณฟังมากที่สุด
of-your-listening = ของเวลาฟังเพลง
sound-of-your-year = คือเสียงแห่งปีของคุณ
sound-taking-shape = สไตล์เพลงของคุณกำลังก่อตัว
genres-will-land = ฟังต่อไป แล้วแนวเพลงโปรดของคุณจะมาอยู่ตรงนี้

heading-minutes = ปีของคุณเป็นนาที
you-listened-for = คุณฟังเพลงไปทั้งหมด
minutes-days-of-music = เท่ากับฟังเพลง { $days } วัน
minutes-hours-of-music = เท่ากับฟังเพลง { $hours } ชั่วโมง
back-to-back = ในปี { $year } แบบต่อเนื่อง ไม่ข้ามสักเพลง
soundtrack-getting-started = เพลงประกอบปี { $year } ของคุณเพิ่งเริ่มต้น
every-minute-counts = ทุกนาทีมีความหมาย
your-year-in-music = ปีแห่งดนตรีของคุณ
starts-now = เริ่มเลย
zero-minutes-press-play = ตอนนี้ 0 นาที กดเล่นเลย

heading-clock = นาฬิกาการฟังของคุณ
heading-personality = สไตล์การฟังของคุณ
clock-dial-hour = { $hour }:00
clock-hour = { $hour }:00 น.
peak-hour = ช่วงฟังมากที่สุด: { clock-hour }
peak-hour-secret = ช่วงฟังมากที่สุด: ยังเป็นความลับ
clock-hours-unit = ชั่วโมง
clock-minutes-unit = นาที
personality-name = { $key ->
    [night-owl] นกฮูกราตรี
    [early-bird] นกตื่นเช้า
    [commuter] เพื่อนร่วมทาง
    [sunset-chaser] นักล่าพระอาทิตย์ตก
    [daydreamer] นักฝันกลางวัน
    [around-the-clock] ฟังได้ทุกเวลา
   *[mystery] นักฟังปริศนา
}
personality-tagline = { $key ->
    [night-owl] เพลงของคุณมีชีวิตชีวาหลังฟ้ามืด
    [early-bird] คุณกดเล่นเพลงก่อนโลกจะตื่น
    [commuter] เพลงของคุณเดินทางไปทำงานและกลับบ้านกับคุณ
    [sunset-chaser] ยามเย็นคือไพรม์ไทม์ของคุณ
    [daydreamer] วันของคุณขับเคลื่อนด้วยเสียงเพลง
    [around-the-clock] ทุกชั่วโมงคือชั่วโมงที่ดี
   *[mystery] เพลงของคุณเก็บเวลาไว้เป็นความลับ
}
