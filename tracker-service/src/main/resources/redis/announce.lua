-- One announce: check registration, store the peer, keep counters and the timeline, and return
-- what the handout policy needs beyond the peer's own rack. The tracker reads the rack itself
-- with a plain HVALS or HRANDFIELD sent in the same write as this call, so the common answer (a
-- rack member re-announcing) moves no records through Lua at all. Expired peers are purged and
-- key expiries refreshed only every maintenance interval.
--
-- This text defines announce(KEYS, ARGV). The tracker loads it as a Redis Function library that
-- registers announce (see RedisFunction): Redis then makes the helpers below once, when it loads
-- the library, instead of on every call as it would for a script run by EVALSHA. Where a node
-- lacks the library, the same text runs as a script that ends by calling announce.
--
-- The tracker puts its settings and the record codec (peer-record.lua) in front of this text
-- when it loads it (see AnnounceScript):
-- PEER_TTL (ms), KEY_TTL (s, a string), MAINTAIN_EVERY (ms), CANDIDATES (representatives + 1
-- per rack) and LAST_CANDIDATE (CANDIDATES - 1, a string), MOST_SENIORS (records read from
-- "seniors" at most) and RANDOM (true for the random policy: no representatives). Every
-- argument costs Redis a Lua string on every call; settings cost nothing there. Values handed to
-- redis.call are strings: Redis prints a Lua number with snprintf.
--
-- KEYS (all hash-tagged by info-hash, so a swarm lives in one Redis Cluster slot):
--   1 torrent (registration, counters, timeline), 2 peers (key -> "@region/zone/rack" for a rack
--   member, whose record is in its rack's hash; key -> record for origins, and for every peer
--   under the random policy), 3 seeds,
--   4 seniors (key -> record of every rack's representative candidates and of the origins),
--   5 racks (the rack keys), 6 the peer's rack (key -> record), 7 the peer's rack by seniority
-- A rack's keys are "<swarm prefix>rack:<region>/<zone>/<rack>" (sorted set by join time) and
-- the same with ":records" appended (hash of records).
-- ARGV: 1 now (ms), 2 event, 3 peer key, 4 left, 5 origin (0|1), 6 the record's tail as the
--   tracker wrote it: "port,ip,region,zone,rack", 7 sample size (numwant + 1), 8 what the
--   tracker reads itself right after this script, two flags ("1" or "0"): first, "seniors"
--   with a plain HVALS (it expects the peer to be a candidate); second, the peer's whole rack
--   with a plain HVALS (it expects the rack to be no larger than the sample), so that the
--   script need not name the rack's candidates
-- Returns {-1} when the info-hash is not registered, else
--   {1, size, downloaded, self record or false, seniors, rack top}
-- where seniors (records, or false) is there for candidates and origins (1 instead of the
-- records when the tracker's own read after the script holds them), and rack top (records, or
-- false) names the rack's candidates when the rack is larger than the sample the tracker reads
-- (never when the tracker reads the whole rack). Records are written and read only through
-- the codec in peer-record.lua, which the tracker puts in front of this text.
-- The tracker counts seeds and peers itself, with a plain SCARD and HLEN written after this
-- call: from Lua, each would cost Redis a conversion of its arguments and of its reply.

-- The swarm's keys, set at the start of every call (Redis runs one call at a time), so that
-- the helpers below are made once, when Redis loads the library, and not on every call.
local torrent, peers, seeds, seniors, racks

-- The rack key of a "region/zone/rack" path: the swarm's rack prefix ("racks" less its "s")
-- and the path.
local function rackKey(path)
  return string.sub(racks, 1, -2) .. ':' .. path
end

-- The rack key of a record's place.
local function rackOf(place)
  return rackKey(placeRackPath(place))
end

-- A peer's stored record, found through "peers": there, a rack member's entry is "@" and the
-- path of its rack, whose records hash holds the record; an origin's entry (and every entry
-- under the random policy) is the record itself.
local function stored(member)
  local entry = redis.call('HGET', peers, member)
  if entry and string.byte(entry) == 64 then -- '@'
    return redis.call('HGET', rackKey(string.sub(entry, 2)) .. ':records', member)
  end
  return entry
end

-- After a candidate left a rack, the next most senior members take its place in "seniors".
local function promote(rk)
  local top = redis.call('ZRANGE', rk, '0', LAST_CANDIDATE)
  if #top == 0 then
    return
  end
  local recs = redis.call('HMGET', rk .. ':records', unpack(top))
  local fields = {}
  for i, m in ipairs(top) do
    if recs[i] then
      fields[#fields + 1] = m
      fields[#fields + 1] = recs[i]
    end
  end
  if #fields > 0 then
    redis.call('HSET', seniors, unpack(fields))
    redis.call('EXPIRE', seniors, KEY_TTL)
  end
end

local function leaveGroup(place, member)
  local wasSenior = redis.call('HDEL', seniors, member) == 1
  if not placeIsOrigin(place) then -- a member of its rack
    local rk = rackOf(place)
    redis.call('ZREM', rk, member)
    redis.call('HDEL', rk .. ':records', member)
    if redis.call('ZCARD', rk) == 0 then
      redis.call('SREM', racks, rk)
    elseif wasSenior then
      promote(rk)
    end
  end
end

local function remove(member, rec)
  local _, _, _, place = recordFields(rec)
  redis.call('HDEL', peers, member)
  redis.call('SREM', seeds, member)
  leaveGroup(place, member)
end

-- Maintenance: drop peers that stopped announcing, refresh the expiry of every swarm key. A run
-- reads at most MAX_SCAN records, so that no announce blocks Redis for long in a large swarm:
-- a larger swarm is walked with HSCAN over several announces (the cursor stays in the torrent
-- hash), and the run counts as done only when the walk is complete.
local MAX_SCAN, MAX_SCAN_S = 1000, '1000'

-- Removes the peer of a record if it went silent, and says whether it did. Only the last-seen
-- time is read, the whole record only for the few that go.
local function purge(member, rec, cutoff)
  if recordSeenBefore(rec, cutoff) then
    remove(member, rec)
    return true
  end
  return false
end

-- Purges the peers of a flat {key, entry, ...} read of "peers": records are checked at once,
-- rack members' records are read with one HMGET per rack. An entry whose record is gone (which
-- no write leaves behind) is dropped with the peer.
local function purgeEntries(flat, cutoff)
  local byRack = {}
  for i = 1, #flat, 2 do
    local member, entry = flat[i], flat[i + 1]
    if string.byte(entry) == 64 then -- '@'
      local path = string.sub(entry, 2)
      local members = byRack[path]
      if not members then
        members = {}
        byRack[path] = members
      end
      members[#members + 1] = member
    else
      purge(member, entry, cutoff)
    end
  end
  for path, members in pairs(byRack) do
    local recs = redis.call('HMGET', rackKey(path) .. ':records', unpack(members))
    for i, member in ipairs(members) do
      if recs[i] then
        purge(member, recs[i], cutoff)
      else
        redis.call('HDEL', peers, member)
        redis.call('SREM', seeds, member)
        redis.call('HDEL', seniors, member)
      end
    end
  end
end

-- Purges a swarm no larger than MAX_SCAN through its records where they are: every rack's
-- hash, and the origins' records in "seniors" (every origin keeps one there). Only when "peers"
-- holds more entries than live records were found (an entry without a record, or the random
-- policy's origins, which are not in "seniors") is "peers" itself read.
local function purgeByRacks(rackKeys, entries, cutoff)
  local live = 0
  for _, rk in ipairs(rackKeys) do
    for _, rec in ipairs(redis.call('HVALS', rk .. ':records')) do
      if not purge(recordKey(rec), rec, cutoff) then
        live = live + 1
      end
    end
  end
  for _, rec in ipairs(redis.call('HVALS', seniors)) do
    if recordIsOrigin(rec) and not purge(recordKey(rec), rec, cutoff) then
      live = live + 1
    end
  end
  if entries > live then
    purgeEntries(redis.call('HGETALL', peers), cutoff)
  end
end

local function maintain(meta, now, nowS)
  local cutoff = string.format('%.0f', now - PEER_TTL)
  local cursor = '0'
  local rackKeys
  local entries = not meta[4] and redis.call('HLEN', peers)
  if not entries or entries > MAX_SCAN then
    local page = redis.call('HSCAN', peers, meta[4] or '0', 'COUNT', MAX_SCAN_S)
    cursor = page[1]
    purgeEntries(page[2], cutoff)
  else
    rackKeys = redis.call('SMEMBERS', racks)
    purgeByRacks(rackKeys, entries, cutoff)
  end
  if cursor ~= '0' then
    redis.call('HSET', torrent, 'maintainCursor', cursor)
  else
    for _, k in ipairs({peers, seeds, seniors, racks}) do
      redis.call('EXPIRE', k, KEY_TTL)
    end
    -- Racks emptied by the purge are gone; their EXPIRE does nothing.
    for _, k in ipairs(rackKeys or redis.call('SMEMBERS', racks)) do
      redis.call('EXPIRE', k, KEY_TTL)
      redis.call('EXPIRE', k .. ':records', KEY_TTL)
    end
    redis.call('HSET', torrent, 'maintainedAt', nowS)
    if meta[4] then
      redis.call('HDEL', torrent, 'maintainCursor')
    end
  end
end

local function announce(KEYS, ARGV)
  torrent, peers, seeds, seniors, racks = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
  local meta = redis.call('HMGET', torrent, 'size', 'maintainedAt', 'downloaded', 'maintainCursor')
  local size = meta[1]
  if not size then
    return {-1}
  end

  -- Numbers that only travel into records stay strings: Lua formats numbers with printf.
  local nowS = ARGV[1]
  local now = tonumber(nowS)
  local event, pk, leftS, origin, tail = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
  local left = tonumber(leftS)
  -- Size and downloaded travel back as Redis sent them (strings): the tracker reads numbers from
  -- either, and Lua's tonumber costs two strtod calls.
  local downloaded = meta[3] or '0'

  if not meta[2] or now - tonumber(meta[2]) > MAINTAIN_EVERY then
    maintain(meta, now, nowS)
  end

  -- A rack member that re-announces from the same rack finds its record there, without
  -- reading "peers"; others (new, moved, origins, the random policy) find it through "peers".
  local rk, records = KEYS[7], KEYS[6]
  local inRack = origin ~= '1' and not RANDOM
  local old = inRack and redis.call('HGET', records, pk)
  local pointed = old and true
  if not old then
    old = stored(pk)
  end
  -- A download is complete when the tracker sees the peer go from needing bytes to needing none,
  -- whatever event carries it (some clients send 'stopped' with left=0 and no 'completed'), or
  -- on a 'completed' from a peer it does not know; a repeated 'completed' is not counted again.
  local finished = left == 0 and event == 'completed'
  local oj, op, ol, oplace
  if old then
    oj, op, ol, oplace = recordFields(old)
    finished = left == 0 and ol > 0
  end
  if finished then
    -- One write: the count read above, plus one; the first completion is the one that finds no
    -- count yet (both fields are only ever written here, together).
    downloaded = tostring(tonumber(downloaded) + 1)
    if meta[3] then
      redis.call('HSET', torrent, 'downloaded', downloaded, 'lastCompleted', nowS)
    else
      redis.call('HSET', torrent, 'downloaded', downloaded, 'firstCompleted', nowS,
        'lastCompleted', nowS)
    end
  end

  if event == 'stopped' then
    if old then
      remove(pk, old)
    end
    return {1, size, downloaded, false, false, false}
  end

  local place = origin .. ',' .. tail
  local joined, progress = nowS, nowS
  local joinsGroup = true
  if old then
    joined = oj
    if left >= ol then
      progress = op
    end
    if oplace ~= place then
      leaveGroup(oplace, pk)
    else
      joinsGroup = false
    end
  else
    redis.call('HSETNX', torrent, 'firstStarted', nowS)
  end

  local rec = recordOf(pk, joined, progress, leftS, nowS, place)
  -- Each record is stored once: in its rack's hash, with "@" and the rack's path in "peers"
  -- (written only when the peer joins the rack); origins' records (and all, under the random
  -- policy, which samples "peers") in "peers".
  -- Keys that appear between two maintenance runs get their expiry at once, so that nothing
  -- outlives a swarm that goes quiet: a key may be new when this write added its member (for a
  -- sorted set, when it holds one member after the write).
  local entry = rec
  if inRack then
    entry = not pointed and '@' .. string.sub(rk, #racks + 1)
  end
  if entry and redis.call('HSET', peers, pk, entry) == 1 then
    redis.call('EXPIRE', peers, KEY_TTL)
  end
  local rackSize
  if origin ~= '1' then
    redis.call('HSET', records, pk, rec)
    if joinsGroup then
      redis.call('ZADD', rk, joined, pk)
      rackSize = redis.call('ZCARD', rk)
      if rackSize == 1 then
        redis.call('EXPIRE', rk, KEY_TTL)
        redis.call('EXPIRE', records, KEY_TTL)
      end
      if redis.call('SADD', racks, rk) == 1 then
        redis.call('EXPIRE', racks, KEY_TTL)
      end
    end
  end
  local wasSeed = old and ol == 0
  if left == 0 and not wasSeed then
    if redis.call('SADD', seeds, pk) == 1 then
      redis.call('EXPIRE', seeds, KEY_TTL)
    end
  elseif left > 0 and wasSeed then
    redis.call('SREM', seeds, pk)
  end

  -- A rack's representative candidates are its most senior members. Candidates and origins keep
  -- their record in "seniors" fresh and read all of it: the other racks' candidates and the
  -- origins.
  local seniorView, rackTop = false, false
  local candidate = origin == '1' and not RANDOM
  if inRack then
    candidate = redis.call('ZRANK', rk, pk) < CANDIDATES
    if string.byte(ARGV[8], 2) ~= 49
        and (rackSize or redis.call('ZCARD', rk)) > tonumber(ARGV[7]) then
      rackTop = redis.call('HMGET', records, unpack(redis.call('ZRANGE', rk, '0', LAST_CANDIDATE)))
    end
  end
  if candidate then
    redis.call('HSET', seniors, pk, rec)
    local most = MOST_SENIORS
    local many = redis.call('HLEN', seniors)
    if many == 1 then
      redis.call('EXPIRE', seniors, KEY_TTL)
    end
    if many <= most then
      -- Records read here cross Lua twice (into a table, out in the reply): read beside the script
      -- they cost Redis one reply.
      if string.byte(ARGV[8]) == 49 then -- '1'
        seniorView = 1
      else
        seniorView = redis.call('HVALS', seniors)
      end
    else
      seniorView = {}
      local flat = redis.call('HRANDFIELD', seniors, tostring(most), 'WITHVALUES')
      for i = 2, #flat, 2 do
        seniorView[#seniorView + 1] = flat[i]
      end
    end
  end

  return {1, size, downloaded, rec, seniorView, rackTop}
end
