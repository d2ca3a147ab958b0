# cardfarm cards: Simplified Chinese.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy for
# mainland readers; not yet reviewed by a professional linguist. Also serves zh, zh-CN and,
# until a Traditional catalog exists, other zh tags.

footer = CARDFARM · 年度回顾
rank-badge = #{ $rank }
percent = { $value }%
minutes-unit = 分钟
minutes-count = { $minutes } 分钟
minutes-short = { $minutes } 分钟
artists-will-show = 开始播放，他们就会出现在这里

summary-name = { $name } 的
summary-title = { $year } 年度回顾
label-top-artists = 热门歌手
label-top-songs = 热门歌曲
label-top-artist = 年度歌手
label-top-song = 年度歌曲
label-minutes = 收听分钟数
label-top-genre = 年度曲风
label-personality = 收听人格
label-personality-short = 收听人格
label-year-in-review = 你的音乐年
hours-of-music = 相当于 { $hours } 小时的音乐
hours-short = { $hours } 小时
year-starts-next-song = 你的一年从下一首歌开始
press-play-to-start = 按下播放开始
still-warming-up = 还在热身
nothing-on-repeat = 还没有单曲循环
no-artists-yet = 还没有歌手
no-songs-yet = 还没有歌曲
songs-will-land = 你循环播放的歌会出现在这里
still-exploring = 还在探索

heading-top-artists = 你的年度歌手
top-percentile = 位列其听众前 { $percent }%
top-artists-empty = 你最爱的歌手还在热身
heading-top-songs = 你的年度歌曲
plays-count = 播放 { $plays } 次
one-song-chart = 今年只有一首歌登上你的榜单
top-songs-empty = 你最爱的歌曲还在热身
number-one-lands-here = 按下播放，你的第一名就会出现在这里

heading-top-genres = 你的年度曲风
of-your-listening = 的收听时间
sound-of-your-year = 是你这一年的声音
sound-taking-shape = 你的音乐风格正在成形
genres-will-land = 继续收听，你喜爱的曲风会出现在这里

heading-minutes = 你的年度收听分钟
you-listened-for = 你今年听了
minutes-days-of-music = 相当于 { $days } 天的音乐
minutes-hours-of-music = 相当于 { $hours } 小时的音乐
back-to-back = 在 { $year } 年，连续播放，一首不跳
soundtrack-getting-started = 你的 { $year } 年原声带才刚刚开始
every-minute-counts = 每一分钟都算数
your-year-in-music = 你的音乐之年
starts-now = 现在开始
zero-minutes-press-play = 目前 0 分钟，按下播放吧

heading-clock = 你的收听时钟
heading-personality = 你的收听人格
clock-dial-hour = { $hour }:00
clock-hour = { $hour }:00
peak-hour = 高峰时段：{ clock-hour }
peak-hour-secret = 高峰时段：还是个秘密
clock-hours-unit = 小时
clock-minutes-unit = 分钟
personality-name = { $key ->
    [night-owl] 夜猫子
    [early-bird] 早起鸟
    [commuter] 通勤族
    [sunset-chaser] 追日落的人
    [daydreamer] 白日梦想家
    [around-the-clock] 全天候
   *[mystery] 神秘听众
}
personality-tagline = { $key ->
    [night-owl] 天黑之后，你的音乐才真正醒来
    [early-bird] 世界还没醒，你已按下播放
    [commuter] 你的原声带陪你上班，也陪你回家
    [sunset-chaser] 傍晚是你的黄金时段
    [daydreamer] 你的每一天都靠音乐驱动
    [around-the-clock] 每个小时都是好时光
   *[mystery] 你的音乐把时间藏成了秘密
}
