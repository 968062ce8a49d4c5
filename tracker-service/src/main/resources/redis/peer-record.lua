-- The peer record codec: the one place in Lua that knows how a stored peer is written. The
-- tracker's own is PeerRecord; both are checked against the same golden records
-- (PeerRecordGoldenTest). A record is
--   "key,joined,progress,left,lastSeen,origin,port,ip,region,zone,rack"
-- with times in epoch milliseconds and left in bytes, all decimals without leading zeros, and
-- origin "1" or "0". Its "place", "origin,port,ip,region,zone,rack", is what stays the same while
-- a peer stays in its group: whether it moved is one comparison.
--
-- Where only a field or two is needed (maintenance reads every record of a swarm), fields are
-- found by plain searches for commas: a Lua pattern walks a record character by character,
-- and cost Redis about 5,000 instructions per record. Numbers that only travel into
-- records stay strings: Lua would format them with printf.

-- Where the n-th comma of a record is, after position at (0 for the record's start).
local function comma(rec, n, at)
  for _ = 1, n do
    at = string.find(rec, ',', at + 1, true)
  end
  return at
end

-- A record of its fields (strings) and its place.
local function recordOf(key, joined, progress, left, lastSeen, place)
  return key .. ',' .. joined .. ',' .. progress .. ',' .. left .. ',' .. lastSeen .. ',' .. place
end

-- The peer's key.
local function recordKey(rec)
  return string.sub(rec, 1, string.find(rec, ',', 1, true) - 1)
end

-- Joined and progress (strings), left (a number) and the place. Every announce reads one
-- record whole: an anchored pattern costs Redis fewer instructions than five searches.
local function recordFields(rec)
  local joined, progress, left, place = string.match(rec, '^[^,]*,(%d+),(%d+),(%d+),%d+,(.*)$')
  return joined, progress, tonumber(left), place
end

-- Whether the peer was last seen before cutoff (a decimal string). Decimals without leading
-- zeros compare as numbers once their lengths do, without tonumber.
local function recordSeenBefore(rec, cutoff)
  local at = comma(rec, 4, 0)
  local seen = string.sub(rec, at + 1, string.find(rec, ',', at + 1, true) - 1)
  return #seen < #cutoff or (#seen == #cutoff and seen < cutoff)
end

-- Whether a place is an origin's (a seeder replica's).
local function placeIsOrigin(place)
  return string.byte(place) == 49 -- '1'
end

-- Whether a record is an origin's.
local function recordIsOrigin(rec)
  return string.byte(rec, comma(rec, 5, 0) + 1) == 49 -- '1'
end

-- The "region/zone/rack" path of a place, which names its rack's keys.
local function placeRackPath(place)
  local c = comma(place, 3, 0)
  local d = string.find(place, ',', c + 1, true)
  local e = string.find(place, ',', d + 1, true)
  return string.sub(place, c + 1, d - 1) .. '/' .. string.sub(place, d + 1, e - 1) .. '/'
    .. string.sub(place, e + 1)
end
