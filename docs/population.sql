-- cardfarm's population rules as one SQL query: the dataset `cardfarm stats --population`
-- writes, computed where the plays already are (a warehouse), not from exports on one disk.
--
-- PostgreSQL dialect. It uses only what BigQuery and Spark SQL also have (CTEs, GROUP BY,
-- window functions, CASE, integer division, a time zone conversion), so porting it is a
-- matter of syntax; docs/population-sql.md lists every spot that differs.
--
-- tests/population_sql.rs runs this file, unchanged but for the three parameters below,
-- against a generated population loaded into PostgreSQL, and checks that it gives the same
-- dataset as `cardfarm stats --population` over the same listeners' exports.
--
-- Input tables:
--   plays(user_id, ts, ms_played, master_metadata_track_name,
--         master_metadata_album_artist_name, …every other field of the export…)
--       one row per row of the listeners' Spotify extended streaming histories; `ts` is the
--       END of the stream (timestamptz, UTC), `ms_played` how long it played.
--   genres(artist, genre)        the --genres file's rows (may be empty)
--   opt_out(user_id)             the --opt-out list (may be empty)
-- Output: one row per listener in the dataset: user_id, stats (jsonb, the stats format).

WITH params AS (
    SELECT
        'UTC' AS tz,                   -- --tz: every listener's IANA time zone
        CAST(NULL AS integer) AS year, -- --year; NULL: the latest local year with music
        100 AS min_listeners           -- --min-listeners: the badge's floor
),

-- Duplicates: rows identical in every column count once; a row differing in any column
-- counts again.
distinct_plays AS (
    SELECT DISTINCT * FROM plays
),

-- A stream belongs to the local year and hour in which it STARTED: end minus ms played,
-- in the listener's zone. Music only: a row without a track name or an artist name
-- (podcast episodes, audiobooks; an empty string counts as none) is no music.
music AS (
    SELECT
        d.user_id,
        d.master_metadata_track_name AS track,
        d.master_metadata_album_artist_name AS artist,
        d.ms_played AS ms,
        -- A play is a stream of at least 30,000 ms; shorter ones count in minutes only.
        CASE WHEN d.ms_played >= 30000 THEN 1 ELSE 0 END AS play,
        CAST(EXTRACT(YEAR FROM (d.ts - d.ms_played * INTERVAL '1 millisecond') AT TIME ZONE p.tz) AS integer) AS local_year,
        CAST(EXTRACT(HOUR FROM (d.ts - d.ms_played * INTERVAL '1 millisecond') AT TIME ZONE p.tz) AS integer) AS local_hour
    FROM distinct_plays d
    CROSS JOIN params p
    WHERE d.master_metadata_track_name IS NOT NULL AND d.master_metadata_track_name <> ''
      AND d.master_metadata_album_artist_name IS NOT NULL AND d.master_metadata_album_artist_name <> ''
),

-- The year: --year, else the latest local year in which any listener has music.
chosen AS (
    SELECT COALESCE(p.year, (SELECT MAX(local_year) FROM music)) AS year, p.min_listeners
    FROM params p
),

year_music AS (
    SELECT m.* FROM music m JOIN chosen c ON m.local_year = c.year
),

-- Everyone with music in the year is in the dataset (unless opted out, at the very end).
listener_totals AS (
    SELECT user_id, CAST(SUM(ms) AS bigint) AS ms FROM year_music GROUP BY user_id
),

-- Artists: ms, then plays, then the name in Unicode code point order (COLLATE "C" on a
-- UTF-8 database orders by bytes, which is code point order). Names compare exactly.
artist_totals AS (
    SELECT user_id, artist, CAST(SUM(ms) AS bigint) AS ms, SUM(play) AS plays
    FROM year_music
    GROUP BY user_id, artist
),
artist_ranks AS (
    SELECT a.*,
           ROW_NUMBER() OVER (PARTITION BY user_id
                              ORDER BY ms DESC, plays DESC, artist COLLATE "C") AS rank
    FROM artist_totals a
),

-- Tracks: (title, artist) pairs with at least one play, by plays, then ms, then title, then
-- artist.
track_ranks AS (
    SELECT t.*,
           ROW_NUMBER() OVER (PARTITION BY user_id
                              ORDER BY plays DESC, ms DESC, track COLLATE "C", artist COLLATE "C") AS rank
    FROM (
        SELECT user_id, track, artist, SUM(play) AS plays, CAST(SUM(ms) AS bigint) AS ms
        FROM year_music
        GROUP BY user_id, track, artist
        HAVING SUM(play) > 0
    ) t
),

-- The listening clock: music ms started in each local hour, every hour present.
clock AS (
    SELECT l.user_id, h.hour, CAST(COALESCE(SUM(m.ms), 0) AS bigint) AS ms
    FROM listener_totals l
    CROSS JOIN generate_series(0, 23) AS h(hour)
    LEFT JOIN year_music m ON m.user_id = l.user_id AND m.local_hour = h.hour
    GROUP BY l.user_id, h.hour
),

-- Genres: a repeated (artist, genre) pair counts once; each artist's ms is split evenly among
-- its genres; a genre's share is its ms over the ms of the listener's artists that have any
-- genre. Exact arithmetic (numeric) ranks the shares, so equal shares tie exactly and go to
-- the name.
distinct_genres AS (
    SELECT DISTINCT artist, genre FROM genres
),
genre_counts AS (
    SELECT artist, COUNT(*) AS n FROM distinct_genres GROUP BY artist
),
genre_ms AS (
    SELECT a.user_id, g.genre,
           SUM(CAST(a.ms AS numeric) / c.n) AS ms
    FROM artist_totals a
    JOIN distinct_genres g ON g.artist = a.artist
    JOIN genre_counts c ON c.artist = a.artist
    GROUP BY a.user_id, g.genre
),
genre_base AS (
    SELECT a.user_id, CAST(SUM(a.ms) AS bigint) AS ms
    FROM artist_totals a
    JOIN genre_counts c ON c.artist = a.artist
    GROUP BY a.user_id
),
genre_ranks AS (
    SELECT s.user_id, s.genre, s.ms / b.ms AS share,
           ROW_NUMBER() OVER (PARTITION BY s.user_id
                              ORDER BY s.ms / b.ms DESC, s.genre COLLATE "C") AS rank
    FROM genre_ms s
    JOIN genre_base b ON b.user_id = s.user_id
    WHERE b.ms > 0
),

-- The percentile badge. An artist's listeners are everyone with at least one play of it in
-- the year, opted-out listeners included. For a listener's #1 artist:
--   value = 100 × (listeners with strictly more ms + 1) / listeners
-- (RANK() - 1 is the number with strictly more). Published only when the artist has at
-- least min_listeners listeners and the value is at most 10, rounded UP to the next of
-- 0.1, 0.5, 1, 2, 5, 10 (a value equal to a bucket keeps it). Compared in integers:
--   value <= b / 10  <=>  1000 × (more + 1) <= b × listeners.
artist_listeners AS (
    SELECT user_id, artist, ms,
           COUNT(*) OVER (PARTITION BY artist) AS listeners,
           RANK() OVER (PARTITION BY artist ORDER BY ms DESC) - 1 AS more
    FROM artist_totals
    WHERE plays > 0
),
badges AS (
    SELECT t.user_id,
           CASE
               WHEN l.listeners < c.min_listeners THEN NULL
               WHEN 1000 * (l.more + 1) <= 1 * l.listeners THEN 0.1
               WHEN 1000 * (l.more + 1) <= 5 * l.listeners THEN 0.5
               WHEN 1000 * (l.more + 1) <= 10 * l.listeners THEN 1
               WHEN 1000 * (l.more + 1) <= 20 * l.listeners THEN 2
               WHEN 1000 * (l.more + 1) <= 50 * l.listeners THEN 5
               WHEN 1000 * (l.more + 1) <= 100 * l.listeners THEN 10
           END AS percentile
    FROM artist_ranks t
    JOIN artist_listeners l ON l.user_id = t.user_id AND l.artist = t.artist
    CROSS JOIN chosen c
    WHERE t.rank = 1
),

-- The lists as JSON arrays, one row per listener.
top_artists AS (
    SELECT user_id,
           jsonb_agg(jsonb_build_object('name', artist, 'minutes', ms / 60000) ORDER BY rank) AS list
    FROM artist_ranks WHERE rank <= 5 GROUP BY user_id
),
top_tracks AS (
    SELECT user_id,
           jsonb_agg(jsonb_build_object('title', track, 'artist', artist, 'plays', plays) ORDER BY rank) AS list
    FROM track_ranks WHERE rank <= 5 GROUP BY user_id
),
top_genres AS (
    SELECT user_id,
           jsonb_agg(jsonb_build_object('name', genre, 'share', CAST(share AS double precision)) ORDER BY rank) AS list
    FROM genre_ranks WHERE rank <= 5 GROUP BY user_id
),
clocks AS (
    SELECT user_id, jsonb_agg(ms / 60000 ORDER BY hour) AS list
    FROM clock GROUP BY user_id
)

-- One stats record per listener; minutes are ms / 60,000 rounded down (integer division
-- of non-negative integers). display_name is the user id.
SELECT
    l.user_id,
    jsonb_strip_nulls(jsonb_build_object(
        'user_id', l.user_id,
        'display_name', l.user_id,
        'year', c.year,
        'minutes_listened', l.ms / 60000,
        'top_artists', a.list,
        'top_tracks', COALESCE(t.list, '[]'::jsonb),
        'top_genres', COALESCE(g.list, '[]'::jsonb),
        'listening_clock', k.list,
        'top_artist_percentile', b.percentile
    )) AS stats
FROM listener_totals l
CROSS JOIN chosen c
JOIN top_artists a ON a.user_id = l.user_id
JOIN clocks k ON k.user_id = l.user_id
LEFT JOIN top_tracks t ON t.user_id = l.user_id
LEFT JOIN top_genres g ON g.user_id = l.user_id
LEFT JOIN badges b ON b.user_id = l.user_id
-- Opted-out listeners are left out here, and only here: they still count in the badges.
LEFT JOIN opt_out o ON o.user_id = l.user_id
WHERE o.user_id IS NULL
ORDER BY l.user_id COLLATE "C";
