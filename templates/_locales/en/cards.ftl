# cardfarm cards: English, the reference catalog.
# Provenance: written in-house as the product's source copy (2026-11). Every other catalog
# translates this one; a message missing elsewhere falls back to it.
#
# Each message says where it shows and how much room it has. Lengths are for Latin text at
# the design size; the fitting rules (shrink to the minimum size, wrap where a frame allows
# lines, then cut with "…") catch anything longer, but a cut heading is a failed translation.
# Headings are written in capitals where the script has them: the card prints them as given.
# Variables: numbers come grouped for the listener's locale (48,213); $year comes as text.

## Shared

# Footer of every story and square card, and under the avatar on the landscape summary.
# Background, 26 px, letter-spaced. Up to ~24 characters.
footer = CARDFARM · WRAPPED

# The rank badge on a #1 photo and in ranked lists ("#1", "#2"…). Up to 4 characters.
rank-badge = #{ $rank }

# Percentages: a genre's share ("34%"). Keep the number and the sign together.
percent = { $value }%

# Minutes as a plain count, after a number drawn on its own elsewhere. Lower case.
minutes-unit = { $count ->
    [one] minute
   *[other] minutes
}

# A count of minutes with its unit: under the #1 artist's name (top-artists, up to ~30
# characters) and in tests of plural forms.
minutes-count = { $minutes } { $minutes ->
    [one] minute
   *[other] minutes
}

# A short minutes figure beside a list entry ("12,345 min"). Up to ~10 characters.
minutes-short = { $minutes } min

# "Press play" empty state under an empty artists list (summary, top-artists). Up to ~40.
artists-will-show = Press play and they will show up here

## Summary (story, square, landscape)

# The listener's name above the title: a possessive. Up to ~20 characters plus the name.
summary-name = { $name }’s

# The big title under the name. 124 px; up to ~14 characters with the year.
summary-title = { $year } Wrapped

# Background label above the artists list. 26 px, letter-spaced; up to ~20 characters.
label-top-artists = TOP ARTISTS

# Background label above the songs list. 26 px, letter-spaced; up to ~20 characters.
label-top-songs = TOP SONGS

# Landscape: label above the top artist. 18 px, letter-spaced; up to ~18 characters.
label-top-artist = TOP ARTIST

# Landscape: label above the top song. 18 px, letter-spaced; up to ~18 characters.
label-top-song = TOP SONG

# Label on the minutes panel. 24 px, letter-spaced; up to ~20 characters.
label-minutes = MINUTES LISTENED

# Label of the genre box. 20 px, letter-spaced; up to ~24 characters.
label-top-genre = TOP GENRE

# Story: label of the personality box. 20 px, letter-spaced; up to ~24 characters.
label-personality = LISTENING PERSONALITY

# Square: label of the personality box, narrower. 20 px; up to ~13 characters.
label-personality-short = PERSONALITY

# Square: kicker above the name. 22 px, letter-spaced; up to ~22 characters.
label-year-in-review = YEAR IN REVIEW

# Under the minutes number (story, landscape). 26 px; up to ~32 characters.
hours-of-music = That’s { $hours } { $hours ->
    [one] hour
   *[other] hours
} of music

# Square: the shorter form under the minutes number. Up to ~22 characters.
hours-short = That’s { $hours } { $hours ->
    [one] hour
   *[other] hours
}

# Under a zero minutes number (story, landscape). Up to ~36 characters.
year-starts-next-song = Your year starts with the next song

# Square: under a zero minutes number. Up to ~22 characters.
press-play-to-start = Press play to start

# Landscape: in place of the top artist's name when there is none. Up to ~22 characters.
still-warming-up = Still warming up

# Landscape: in place of the top song when there is none. Up to ~22 characters.
nothing-on-repeat = Nothing on repeat yet

# Empty artists list. 32 px; up to ~22 characters.
no-artists-yet = No artists yet

# Empty songs list. 32 px; up to ~22 characters.
no-songs-yet = No songs yet

# Under an empty songs list. 24 px; up to ~40 characters.
songs-will-land = Your on-repeat songs will land here

# In place of a genre when there is none. 40 px; up to ~18 characters.
still-exploring = Still exploring

## Top artists

# Heading of the top-artists card. Background, 32 px, letter-spaced; up to ~26 characters.
heading-top-artists = YOUR TOP ARTISTS

# The pill under the #1 artist: how rare a fan the listener is. $percent is 0.001–100.
# 26 px in a 440 px pill; up to ~34 characters.
top-percentile = Top { $percent }% of their listeners

# Big line when there are no artists. 72 px, up to three lines; up to ~60 characters.
top-artists-empty = Your top artists are still warming up

## Top songs

# Heading of the top-songs card. Background, 32 px, letter-spaced; up to ~26 characters.
heading-top-songs = YOUR TOP SONGS

# Plays of a song: in the #1 pill and beside each runner-up. Up to ~16 characters.
plays-count = { $plays } { $plays ->
    [one] play
   *[other] plays
}

# When only one song charted, in place of the runners-up. Up to ~60 characters, two lines.
one-song-chart = Just one song made your chart this year

# Big line when there are no songs. 78 px, two lines; up to ~40 characters.
top-songs-empty = Your top songs are still warming up

# Under the empty-songs line. 36 px; up to ~42 characters.
number-one-lands-here = Press play and your #1 lands right here

## Top genres

# Heading of the top-genres card. Background, 32 px, letter-spaced; up to ~26 characters.
heading-top-genres = YOUR TOP GENRES

# Under the #1 genre's percentage inside the ring. 24 px in 300 px; up to ~20 characters.
of-your-listening = OF YOUR LISTENING

# Under the #1 genre's name. 34 px; up to ~44 characters.
sound-of-your-year = was the sound of your year

# Big line when there are no genres. 88 px, two lines; up to ~36 characters.
sound-taking-shape = Your sound is still taking shape

# Under it. 36 px, two lines; up to ~70 characters.
genres-will-land = Keep pressing play and your top genres will land here

## Minutes

# Heading of the minutes card. Background, 32 px, letter-spaced; up to ~26 characters.
heading-minutes = YOUR YEAR IN MINUTES

# Above the big number. Lower case; 42 px; up to ~28 characters.
you-listened-for = you listened for

# The pill under the number, a year of 1.5 days or more. 46 px in 700 px; up to ~32.
minutes-days-of-music = That's { $days } { $days ->
    [one] day
   *[other] days
} of music

# The pill, under a day and a half. Up to ~32 characters.
minutes-hours-of-music = That's { $hours } { $hours ->
    [one] hour
   *[other] hours
} of music

# Under the pill. 32 px; up to ~50 characters.
back-to-back = in { $year }, back to back, no skips

# Under the pill when the year has under an hour. Up to ~50 characters.
soundtrack-getting-started = Your { $year } soundtrack is just getting started

# The pill when the year has under an hour. Up to ~32 characters.
every-minute-counts = Every minute counts

# Zero minutes: above the big line. Lower case; up to ~28 characters.
your-year-in-music = your year in music

# Zero minutes: the big line. 156 px; up to ~12 characters.
starts-now = starts now

# Zero minutes: in the outlined pill. 38 px in 560 px; up to ~30 characters.
zero-minutes-press-play = 0 minutes so far. Press play

## Listening clock

# Heading of the clock card. Background, 32 px, letter-spaced; up to ~26 characters.
heading-clock = YOUR LISTENING CLOCK

# Label above the personality. Background, 26 px, letter-spaced; up to ~30 characters.
heading-personality = YOUR LISTENING PERSONALITY

# The four hours printed around the dial: 0, 6, 12 and 18 h. Background, 30 px; up to 5
# characters. $hour is 0–23, $hour12 is 1–12, $period is am or pm.
clock-dial-hour = { $hour12 }{ $period ->
    [am] am
   *[pm] pm
}

# An hour of the day in running text ("11 pm"). Same variables as clock-dial-hour.
clock-hour = { $hour12 } { $period ->
    [am] am
   *[pm] pm
}

# The pill under the tagline. 32 px in 440 px; up to ~22 characters.
peak-hour = Peak hour: { clock-hour }

# The pill when the clock is unknown. 30 px in 440 px; up to ~24 characters.
peak-hour-secret = Peak hour: still a secret

# Unit under the big number in the middle of the dial (hours, or minutes when under an
# hour). 24 px in 220 px, capitals; up to ~12 characters.
clock-hours-unit = { $count ->
    [one] HOUR
   *[other] HOURS
}
clock-minutes-unit = { $count ->
    [one] MINUTE
   *[other] MINUTES
}

# A listening personality's name, by $key. 124 px on the clock card, 40 px on the summary;
# up to ~18 characters.
personality-name = { $key ->
    [night-owl] Night Owl
    [early-bird] Early Bird
    [commuter] Commuter
    [sunset-chaser] Sunset Chaser
    [daydreamer] Daydreamer
    [around-the-clock] Around the Clock
   *[mystery] Mystery Listener
}

# The line under the personality's name. 40 px, two lines of 860 px; up to ~50 characters.
personality-tagline = { $key ->
    [night-owl] Your music came alive after dark
    [early-bird] You pressed play before the world woke up
    [commuter] Your soundtrack rode to work and back
    [sunset-chaser] Evenings were your prime time
    [daydreamer] Your days ran on music
    [around-the-clock] Any hour was a good hour
   *[mystery] Your music kept its hours to itself
}
