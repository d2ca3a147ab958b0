# cardfarm cards: Japanese.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy in
# the friendly polite style of music apps; not yet reviewed by a professional linguist.

footer = CARDFARM · 年間まとめ
rank-badge = #{ $rank }
percent = { $value }%
minutes-unit = 分
minutes-count = { $minutes }分
minutes-short = { $minutes }分
artists-will-show = 再生すると、ここに表示されます

summary-name = { $name }さんの
summary-title = { $year }年まとめ
label-top-artists = トップアーティスト
label-top-songs = トップソング
label-top-artist = トップアーティスト
label-top-song = トップソング
label-minutes = 再生時間（分）
label-top-genre = トップジャンル
label-personality = リスナータイプ
label-personality-short = タイプ
label-year-in-review = 今年の音楽
hours-of-music = 音楽を{ $hours }時間聴きました
hours-short = { $hours }時間
year-starts-next-song = 次の曲から、あなたの一年が始まります
press-play-to-start = 再生してスタート
still-warming-up = まだウォームアップ中
nothing-on-repeat = リピート中の曲はまだありません
no-artists-yet = アーティストはまだいません
no-songs-yet = 曲はまだありません
songs-will-land = リピートした曲がここに並びます
still-exploring = 探索中

heading-top-artists = あなたのトップアーティスト
top-percentile = このアーティストのリスナー上位{ $percent }%
top-artists-empty = お気に入りのアーティストはまだ準備中です
heading-top-songs = あなたのトップソング
plays-count = { $plays }回再生
one-song-chart = 今年チャート入りしたのは1曲だけ
top-songs-empty = お気に入りの曲はまだ準備中です
number-one-lands-here = 再生すると、あなたの1位がここに表示されます

heading-top-genres = あなたのトップジャンル
of-your-listening = 再生時間の割合
sound-of-your-year = あなたの一年を彩ったサウンド
sound-taking-shape = あなたのサウンドはまだ形になる途中です
genres-will-land = 聴き続けると、お気に入りのジャンルがここに表示されます

heading-minutes = 分で見るあなたの一年
you-listened-for = あなたが音楽を聴いた時間
minutes-days-of-music = なんと{ $days }日分の音楽
minutes-hours-of-music = なんと{ $hours }時間分の音楽
back-to-back = { $year }年、ノンストップ・スキップなしで
soundtrack-getting-started = あなたの{ $year }年のサウンドトラックは始まったばかり
every-minute-counts = 1分1分が大切
your-year-in-music = 音楽で振り返る一年
starts-now = ここから
zero-minutes-press-play = まだ0分。再生してみましょう

heading-clock = リスニング時計
heading-personality = あなたのリスナータイプ
clock-dial-hour = { $hour }時
clock-hour = { $hour }時
peak-hour = ピーク：{ clock-hour }
peak-hour-secret = ピーク：まだ秘密
clock-hours-unit = 時間
clock-minutes-unit = 分
personality-name = { $key ->
    [night-owl] 夜ふかし派
    [early-bird] 早起き派
    [commuter] 通勤リスナー
    [sunset-chaser] 夕暮れ派
    [daydreamer] 昼間の夢見人
    [around-the-clock] 24時間派
   *[mystery] ミステリアスなリスナー
}
personality-tagline = { $key ->
    [night-owl] 暗くなってから、あなたの音楽は動き出しました
    [early-bird] 世界が目覚める前に再生ボタンを押していました
    [commuter] 通勤の行き帰りにいつも音楽がありました
    [sunset-chaser] 夕方があなたのゴールデンタイム
    [daydreamer] あなたの毎日は音楽で回っていました
    [around-the-clock] どの時間も音楽にぴったりでした
   *[mystery] あなたの音楽は時間を秘密にしていました
}
