-- wrk script: every request asks for another sample user's story card (template by turn),
-- so with the server's cache off (--cache-mb 0) each request is a real render.
-- Run (docs/performance.md): cardfarm serve --cache-mb 0, then
--   wrk -t1 -c4 -d30s -s benches/wrk/cards.lua http://127.0.0.1:8080
local users = {"demo", "night-owl", "early-bird", "commuter", "afternoon", "evenly", "full-year", "zero", "one-minute", "seven-minutes", "empty", "empty-no-locale", "new-listener", "maximal", "heavy", "cjk", "japanese", "korean", "chinese", "arabic", "hebrew", "rtl-mixed", "hindi", "thai", "cyrillic", "ukrainian", "greek", "diacritics", "combining-marks", "emoji", "flags", "mixed", "long-names", "display-60", "display-120", "very-long-name", "xml-escapes", "missing-image", "corrupt-image", "data-uri-image", "all-images", "no-optional", "few-items", "artists-only", "tracks-only", "genres-only", "ties", "fractional-clock", "last-year", "turkish", "u0001", "u0002", "u0003", "u0004", "u0005", "u0006", "u0007", "u0008", "u0009", "u0010", "u0011", "u0012", "u0013", "u0014", "u0015", "u0016", "u0017", "u0018", "u0019", "u0020", "u0021", "u0022", "u0023", "u0024", "u0025", "u0026", "u0027", "u0028", "u0029", "u0030", "u0031", "u0032", "u0033", "u0034", "u0035", "u0036", "u0037", "u0038", "u0039", "u0040", "u0041", "u0042", "u0043", "u0044", "u0045", "u0046", "u0047", "u0048"}
local templates = {"minutes", "top-artists", "top-songs", "top-genres", "listening-clock", "summary"}
local n = 0
request = function()
  n = n + 1
  local user = users[(n % #users) + 1]
  local template = templates[(math.floor(n / #users) % #templates) + 1]
  return wrk.format("GET", "/v1/cards/" .. user .. "/" .. template .. ".png")
end
