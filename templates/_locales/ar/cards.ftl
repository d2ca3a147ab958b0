# cardfarm cards: Arabic (Modern Standard Arabic).
# Provenance: written for cardfarm from the English reference (2026-11), as product copy;
# not yet reviewed by a professional linguist. Plurals use all six CLDR categories (zero,
# one, two, few, many, other). Digits stay Western, as the number formatting does.

footer = CARDFARM · حصاد العام
# "#1" reads left to right inside the right-to-left card.
rank-badge = { "\u2066" }#{ $rank }{ "\u2069" }
# The number and its sign stay one left-to-right unit: "34٪".
percent = { "\u2066" }{ $value }٪{ "\u2069" }
minutes-unit = { $count ->
    [zero] دقيقة
    [one] دقيقة
    [two] دقيقتان
    [few] دقائق
    [many] دقيقة
   *[other] دقيقة
}
minutes-count = { $minutes ->
    [zero] { $minutes } دقيقة
    [one] دقيقة واحدة
    [two] دقيقتان
    [few] { $minutes } دقائق
    [many] { $minutes } دقيقة
   *[other] { $minutes } دقيقة
}
minutes-short = { $minutes } د
artists-will-show = شغّل الموسيقى وسيظهرون هنا

summary-name = عام { $name }
summary-title = حصاد { $year }
label-top-artists = فنانوك المفضلون
label-top-songs = أغانيك المفضلة
label-top-artist = فنانك الأول
label-top-song = أغنيتك الأولى
label-minutes = دقائق الاستماع
label-top-genre = نوعك الأول
label-personality = شخصيتك في الاستماع
label-personality-short = شخصيتك
label-year-in-review = عامك مع الموسيقى
hours-of-music = أي { $hours ->
    [zero] { $hours } ساعة
    [one] ساعة واحدة
    [two] ساعتان
    [few] { $hours } ساعات
    [many] { $hours } ساعة
   *[other] { $hours } ساعة
} من الموسيقى
hours-short = أي { $hours ->
    [zero] { $hours } ساعة
    [one] ساعة واحدة
    [two] ساعتان
    [few] { $hours } ساعات
    [many] { $hours } ساعة
   *[other] { $hours } ساعة
}
year-starts-next-song = عامك يبدأ مع الأغنية التالية
press-play-to-start = شغّل الموسيقى
still-warming-up = ما زال في البداية
nothing-on-repeat = لا شيء على التكرار بعد
no-artists-yet = لا فنانين بعد
no-songs-yet = لا أغاني بعد
songs-will-land = أغانيك المكررة ستظهر هنا
still-exploring = ما زلت تستكشف

heading-top-artists = فنانوك الأكثر استماعًا
top-percentile = ضمن أعلى { "\u2066" }{ $percent }٪{ "\u2069" } من مستمعيه
top-artists-empty = فنانوك المفضلون ما زالوا في الطريق
heading-top-songs = أغانيك الأكثر استماعًا
plays-count = { $plays ->
    [zero] { $plays } مرة
    [one] مرة واحدة
    [two] مرتان
    [few] { $plays } مرات
    [many] { $plays } مرة
   *[other] { $plays } مرة
}
one-song-chart = أغنية واحدة فقط دخلت قائمتك هذا العام
top-songs-empty = أغانيك المفضلة ما زالت في الطريق
number-one-lands-here = شغّل الموسيقى وستظهر أغنيتك الأولى هنا

heading-top-genres = أنواعك الموسيقية المفضلة
of-your-listening = من استماعك
sound-of-your-year = كان صوت عامك
sound-taking-shape = ذوقك الموسيقي ما زال يتشكّل
genres-will-land = واصل الاستماع وستظهر أنواعك المفضلة هنا

heading-minutes = عامك بالدقائق
you-listened-for = استمعت إلى الموسيقى لمدة
minutes-days-of-music = أي { $days ->
    [zero] { $days } يوم
    [one] يوم واحد
    [two] يومان
    [few] { $days } أيام
    [many] { $days } يومًا
   *[other] { $days } يوم
} من الموسيقى
minutes-hours-of-music = أي { $hours ->
    [zero] { $hours } ساعة
    [one] ساعة واحدة
    [two] ساعتان
    [few] { $hours } ساعات
    [many] { $hours } ساعة
   *[other] { $hours } ساعة
} من الموسيقى
back-to-back = في { $year }، متواصلة ومن دون تخطٍّ
soundtrack-getting-started = موسيقى عامك { $year } بدأت للتو
every-minute-counts = كل دقيقة لها قيمة
your-year-in-music = عامك مع الموسيقى
starts-now = يبدأ الآن
zero-minutes-press-play = 0 دقيقة حتى الآن. شغّل الموسيقى

heading-clock = ساعة استماعك
heading-personality = شخصيتك في الاستماع
clock-dial-hour = { $hour12 } { $period ->
    [am] ص
   *[pm] م
}
clock-hour = { $hour12 } { $period ->
    [am] صباحًا
   *[pm] مساءً
}
peak-hour = ذروة الاستماع: { clock-hour }
peak-hour-secret = ذروة الاستماع: ما زالت سرًّا
clock-hours-unit = { $count ->
    [two] ساعتان
    [few] ساعات
   *[other] ساعة
}
clock-minutes-unit = { $count ->
    [two] دقيقتان
    [few] دقائق
   *[other] دقيقة
}
personality-name = { $key ->
    [night-owl] بومة الليل
    [early-bird] طائر الصباح
    [commuter] رفيق الطريق
    [sunset-chaser] صائد الغروب
    [daydreamer] حالم النهار
    [around-the-clock] على مدار الساعة
   *[mystery] مستمع غامض
}
personality-tagline = { $key ->
    [night-owl] موسيقاك تنبض بالحياة بعد حلول الظلام
    [early-bird] شغّلت الموسيقى قبل أن يستيقظ العالم
    [commuter] موسيقاك رافقتك إلى العمل وفي طريق العودة
    [sunset-chaser] الأمسيات كانت وقتك الذهبي
    [daydreamer] أيامك كانت تسير على الموسيقى
    [around-the-clock] كل ساعة كانت ساعة مناسبة
   *[mystery] موسيقاك احتفظت بمواعيدها لنفسها
}
