# cardfarm cards: Hindi.
# Provenance: written for cardfarm from the English reference (2026-11), as product copy in
# everyday Hindi (आप, with common English loanwords such as "प्ले" where apps use them); not
# yet reviewed by a professional linguist.

footer = CARDFARM · साल की झलक
rank-badge = #{ $rank }
percent = { $value }%
minutes-unit = मिनट
minutes-count = { $minutes } मिनट
minutes-short = { $minutes } मिनट
artists-will-show = प्ले दबाइए, वे यहाँ दिखेंगे

summary-name = { $name } का साल
summary-title = { $year } की झलक
label-top-artists = टॉप आर्टिस्ट
label-top-songs = टॉप गाने
label-top-artist = टॉप आर्टिस्ट
label-top-song = टॉप गाना
label-minutes = सुने गए मिनट
label-top-genre = टॉप जॉनर
label-personality = सुनने का अंदाज़
label-personality-short = अंदाज़
label-year-in-review = आपका संगीत भरा साल
hours-of-music = यानी { $hours } घंटे का संगीत
hours-short = यानी { $hours } घंटे
year-starts-next-song = आपका साल अगले गाने से शुरू होगा
press-play-to-start = प्ले दबाइए
still-warming-up = अभी शुरुआत है
nothing-on-repeat = अभी कुछ भी रिपीट पर नहीं
no-artists-yet = अभी कोई आर्टिस्ट नहीं
no-songs-yet = अभी कोई गाना नहीं
songs-will-land = रिपीट पर सुने गाने यहाँ आएँगे
still-exploring = खोज जारी है

heading-top-artists = आपके टॉप आर्टिस्ट
top-percentile = उनके टॉप { $percent }% श्रोताओं में
top-artists-empty = आपके पसंदीदा आर्टिस्ट अभी आ रहे हैं
heading-top-songs = आपके टॉप गाने
plays-count = { $plays } बार सुना
one-song-chart = इस साल बस एक गाना आपकी लिस्ट में आया
top-songs-empty = आपके पसंदीदा गाने अभी आ रहे हैं
number-one-lands-here = प्ले दबाइए, आपका नंबर 1 यहीं आएगा

heading-top-genres = आपके टॉप जॉनर
of-your-listening = आपकी सुनवाई का
sound-of-your-year = रहा आपके साल का संगीत
sound-taking-shape = आपका संगीत अभी आकार ले रहा है
genres-will-land = सुनते रहिए, आपके पसंदीदा जॉनर यहाँ आएँगे

heading-minutes = मिनटों में आपका साल
you-listened-for = आपने संगीत सुना
minutes-days-of-music = यानी { $days } दिन का संगीत
minutes-hours-of-music = यानी { $hours } घंटे का संगीत
back-to-back = { $year } में, लगातार, बिना स्किप किए
soundtrack-getting-started = आपका { $year } का साउंडट्रैक अभी शुरू हुआ है
every-minute-counts = हर मिनट मायने रखता है
your-year-in-music = संगीत में आपका साल
starts-now = अब शुरू
zero-minutes-press-play = अभी तक 0 मिनट। प्ले दबाइए

heading-clock = आपकी लिसनिंग घड़ी
heading-personality = सुनने का आपका अंदाज़
clock-dial-hour = { $hour }:00
clock-hour = { $hour }:00 बजे
peak-hour = सबसे ज़्यादा: { clock-hour }
peak-hour-secret = सबसे ज़्यादा: अभी राज़ है
clock-hours-unit = घंटे
clock-minutes-unit = मिनट
personality-name = { $key ->
    [night-owl] रात का उल्लू
    [early-bird] सुबह का पंछी
    [commuter] सफ़र का साथी
    [sunset-chaser] शाम का दीवाना
    [daydreamer] दिन का सपना
    [around-the-clock] चौबीसों घंटे
   *[mystery] रहस्यमय श्रोता
}
personality-tagline = { $key ->
    [night-owl] अंधेरा होते ही आपका संगीत जाग उठा
    [early-bird] दुनिया जागने से पहले ही आपने प्ले दबा दिया
    [commuter] आपका साउंडट्रैक ऑफ़िस आते-जाते साथ रहा
    [sunset-chaser] शाम ही आपका प्राइम टाइम थी
    [daydreamer] आपके दिन संगीत पर चले
    [around-the-clock] हर घड़ी संगीत की घड़ी थी
   *[mystery] आपके संगीत ने अपना वक़्त राज़ रखा
}
