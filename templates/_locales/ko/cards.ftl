# cardfarm cards: Korean.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy in
# the polite 해요체 of Korean apps; not yet reviewed by a professional linguist.

footer = CARDFARM · 올해의 결산
rank-badge = #{ $rank }
percent = { $value }%
minutes-unit = 분
minutes-count = { $minutes }분
minutes-short = { $minutes }분
artists-will-show = 재생하면 여기에 나타나요

summary-name = { $name }님의
summary-title = { $year } 뮤직 결산
label-top-artists = 톱 아티스트
label-top-songs = 톱 트랙
label-top-artist = 톱 아티스트
label-top-song = 톱 트랙
label-minutes = 감상 시간(분)
label-top-genre = 톱 장르
label-personality = 리스닝 유형
label-personality-short = 유형
label-year-in-review = 올해의 음악
hours-of-music = 무려 { $hours }시간의 음악
hours-short = { $hours }시간
year-starts-next-song = 다음 곡부터 올해가 시작돼요
press-play-to-start = 재생하고 시작하기
still-warming-up = 아직 워밍업 중
nothing-on-repeat = 아직 반복 재생한 곡이 없어요
no-artists-yet = 아직 아티스트가 없어요
no-songs-yet = 아직 곡이 없어요
songs-will-land = 반복해서 들은 곡이 여기에 모여요
still-exploring = 탐색 중

heading-top-artists = 올해의 톱 아티스트
top-percentile = 이 아티스트 팬 중 상위 { $percent }%
top-artists-empty = 좋아하는 아티스트가 아직 워밍업 중이에요
heading-top-songs = 올해의 톱 트랙
plays-count = { $plays }회 재생
one-song-chart = 올해 차트에 오른 곡은 단 한 곡
top-songs-empty = 좋아하는 곡이 아직 워밍업 중이에요
number-one-lands-here = 재생하면 1위 곡이 바로 여기에 나타나요

heading-top-genres = 올해의 톱 장르
of-your-listening = 전체 감상 중 비율
sound-of-your-year = 올해를 채운 사운드
sound-taking-shape = 나만의 사운드가 아직 만들어지는 중이에요
genres-will-land = 계속 들으면 좋아하는 장르가 여기에 나타나요

heading-minutes = 분으로 본 나의 한 해
you-listened-for = 올해 음악을 들은 시간
minutes-days-of-music = 무려 { $days }일 분량의 음악
minutes-hours-of-music = 무려 { $hours }시간 분량의 음악
back-to-back = { $year }년, 쉬지 않고 건너뛰지 않고
soundtrack-getting-started = 나의 { $year } 사운드트랙은 이제 막 시작됐어요
every-minute-counts = 1분 1분이 소중해요
your-year-in-music = 음악으로 본 한 해
starts-now = 지금 시작
zero-minutes-press-play = 아직 0분. 재생해 보세요

heading-clock = 나의 리스닝 시계
heading-personality = 나의 리스닝 유형
clock-dial-hour = { $hour }시
clock-hour = { $period ->
    [am] 오전
   *[pm] 오후
} { $hour12 }시
peak-hour = 피크 타임: { clock-hour }
peak-hour-secret = 피크 타임: 아직 비밀
clock-hours-unit = 시간
clock-minutes-unit = 분
personality-name = { $key ->
    [night-owl] 올빼미형
    [early-bird] 아침형
    [commuter] 출퇴근형
    [sunset-chaser] 노을형
    [daydreamer] 낮 몽상가
    [around-the-clock] 24시간형
   *[mystery] 미스터리 리스너
}
personality-tagline = { $key ->
    [night-owl] 해가 지면 음악이 살아났어요
    [early-bird] 세상이 깨기 전에 재생 버튼을 눌렀어요
    [commuter] 출근길과 퇴근길을 음악과 함께했어요
    [sunset-chaser] 저녁이 나의 황금 시간대였어요
    [daydreamer] 하루하루가 음악으로 돌아갔어요
    [around-the-clock] 언제든 음악 듣기 좋은 시간이었어요
   *[mystery] 음악이 자기 시간을 비밀로 했어요
}
