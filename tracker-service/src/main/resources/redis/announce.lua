-- One announce: check registration, store the peer, keep counters and the timeline, and return
-- what the handout policy needs beyond the peer's own rack. The tracker reads the rack itself
-- with a plain HRANDFIELD sent in the same write as this script, so the common answer (a rack
-- member re-announcing) moves no records through Lua at all. Expired peers are purged and key
-- expiries refreshed only every maintenance interval.
--
-- KEYS (all hash-tagged by info-hash, so a swarm lives in one Redis Cluster slot):
--   1 torrent (registration, counters, timeline), 2 peers (key -> record), 3 seeds,
--   4 seniors (key -> record of every rack's representative candidates and of the origins),
--   5 racks (the rack keys), 6 the peer's rack (key -> record), 7 the peer's rack by seniority
-- A rack's keys are "<prefix><region>/<zone>/<rack>" (sorted set by join time) and the same with
-- ":records" appended (hash of records).
-- ARGV: 1 now (ms), 2 peer ttl (ms), 3 event, 4 peer key, 5 left, 6 origin (0|1), 7 port, 8 ip,
--   9 region, 10 zone, 11 rack, 12 rack key prefix, 13 candidates per rack (R + 1),
--   14 sample size (numwant + 1), 15 key ttl (s), 16 maintenance interval (ms),
--   17 most records read from "seniors", 18 mode (topology|random: no representatives)
-- Returns {-1} when the info-hash is not registered, else
--   {1, size, seeds, peers, downloaded, self record or false, seniors, rack top}
-- where seniors (records, or false) is there for candidates and origins, and rack top (records,
-- or false) names the rack's candidates when the rack is larger than the sample the tracker
-- reads. A peer record is "key,joined,progress,left,lastSeen,origin,port,ip,region,zone,rack".

local torrent, peers, seeds, seniors, racks = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local meta = redis.call('HMGET', torrent, 'size', 'maintainedAt', 'downloaded', 'maintainCursor')
local size = meta[1]
if not size then
  return {-1}
end

-- Numbers that only travel into records stay strings: Lua formats numbers with printf.
local nowS = ARGV[1]
local now = tonumber(nowS)
local event, pk, leftS, origin = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local left = tonumber(leftS)
local downloaded = tonumber(meta[3] or '0')
local prefix = ARGV[12]
local senior = tonumber(ARGV[13])
local keyTtl = tonumber(ARGV[15])

-- Joined, progress, left (a number), origin and rack key of a stored record.
local function parse(rec)
  local j, p, l, o, region, zone, rack = string.match(rec,
    '^[^,]*,(%d+),(%d+),(%d+),%d+,(%d),%d+,[^,]*,([^,]*),([^,]*),([^,]*)$')
  return j, p, tonumber(l), o, prefix .. region .. '/' .. zone .. '/' .. rack
end

-- After a candidate left a rack, the next most senior members take its place in "seniors".
local function promote(rk)
  local top = redis.call('ZRANGE', rk, 0, senior - 1)
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
  end
end

local function leaveGroup(o, rk, member)
  local wasSenior = redis.call('HDEL', seniors, member) == 1
  if o ~= '1' then
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
  local _, _, _, o, rk = parse(rec)
  redis.call('HDEL', peers, member)
  redis.call('SREM', seeds, member)
  leaveGroup(o, rk, member)
end

-- Maintenance: drop peers that stopped announcing, refresh the expiry of every swarm key. A run
-- reads at most MAX_SCAN records, so that no announce blocks Redis for long in a large swarm:
-- a larger swarm is walked with HSCAN over several announces (the cursor stays in the torrent
-- hash), and the run counts as done only when the walk is complete.
local MAX_SCAN = 1000
if not meta[2] or now - tonumber(meta[2]) > tonumber(ARGV[16]) then
  local cutoff = now - tonumber(ARGV[2])
  -- Records carry their key, and only the last-seen time of each is needed: one capture per
  -- record, the full parse only for the few that go.
  local function purge(rec)
    local member, seen = string.match(rec, '^([^,]*),[^,]*,[^,]*,[^,]*,(%d+)')
    if tonumber(seen) < cutoff then
      remove(member, rec)
    end
  end
  local cursor = '0'
  if meta[4] or redis.call('HLEN', peers) > MAX_SCAN then
    local page = redis.call('HSCAN', peers, meta[4] or '0', 'COUNT', MAX_SCAN)
    cursor = page[1]
    for i = 2, #page[2], 2 do
      purge(page[2][i])
    end
  else
    for _, rec in ipairs(redis.call('HVALS', peers)) do
      purge(rec)
    end
  end
  if cursor ~= '0' then
    redis.call('HSET', torrent, 'maintainCursor', cursor)
  else
    for _, k in ipairs({peers, seeds, seniors, racks}) do
      redis.call('EXPIRE', k, keyTtl)
    end
    for _, k in ipairs(redis.call('SMEMBERS', racks)) do
      redis.call('EXPIRE', k, keyTtl)
      redis.call('EXPIRE', k .. ':records', keyTtl)
    end
    redis.call('HSET', torrent, 'maintainedAt', now)
    if meta[4] then
      redis.call('HDEL', torrent, 'maintainCursor')
    end
  end
end

-- A download is complete when the tracker sees the peer go from needing bytes to needing none,
-- whatever event carries it (some clients send 'stopped' with left=0 and no 'completed'), or
-- on a 'completed' from a peer it does not know; a repeated 'completed' is not counted again.
local old = redis.call('HGET', peers, pk)
local finished = left == 0 and event == 'completed'
local oj, op, ol, oo, ork
if old then
  oj, op, ol, oo, ork = parse(old)
  finished = left == 0 and ol > 0
end
if finished then
  downloaded = redis.call('HINCRBY', torrent, 'downloaded', 1)
  redis.call('HSETNX', torrent, 'firstCompleted', now)
  redis.call('HSET', torrent, 'lastCompleted', now)
end

local function counts()
  return redis.call('SCARD', seeds), redis.call('HLEN', peers), downloaded
end

if event == 'stopped' then
  if old then
    remove(pk, old)
  end
  local s, n, d = counts()
  return {1, tonumber(size), s, n, d, false, false, false}
end

local rk, records = KEYS[7], KEYS[6]
local joined, progress = nowS, nowS
local joinsGroup = true
if old then
  joined = oj
  if left >= ol then
    progress = op
  end
  if oo ~= origin or ork ~= rk then
    leaveGroup(oo, ork, pk)
  else
    joinsGroup = false
  end
else
  redis.call('HSETNX', torrent, 'firstStarted', now)
end

local rec = pk .. ',' .. joined .. ',' .. progress .. ',' .. leftS .. ',' .. nowS .. ','
  .. origin .. ',' .. ARGV[7] .. ',' .. ARGV[8] .. ',' .. ARGV[9] .. ',' .. ARGV[10] .. ','
  .. ARGV[11]
-- Keys that appear between two maintenance runs get their expiry at once, so that nothing
-- outlives a swarm that goes quiet.
if redis.call('HSET', peers, pk, rec) == 1 then
  redis.call('EXPIRE', peers, keyTtl)
end
if origin ~= '1' then
  if redis.call('HSET', records, pk, rec) == 1 then
    redis.call('EXPIRE', records, keyTtl)
  end
  if joinsGroup then
    redis.call('ZADD', rk, joined, pk)
    redis.call('EXPIRE', rk, keyTtl)
    redis.call('SADD', racks, rk)
    redis.call('EXPIRE', racks, keyTtl)
  end
end
local wasSeed = old and ol == 0
if left == 0 and not wasSeed then
  redis.call('SADD', seeds, pk)
  redis.call('EXPIRE', seeds, keyTtl)
elseif left > 0 and wasSeed then
  redis.call('SREM', seeds, pk)
end

-- A rack's representative candidates are its most senior members. Candidates and origins keep
-- their record in "seniors" fresh and read all of it: the other racks' candidates and the
-- origins.
local seniorView, rackTop = false, false
local candidate = origin == '1' and ARGV[18] ~= 'random'
if origin ~= '1' and ARGV[18] ~= 'random' then
  candidate = redis.call('ZRANK', rk, pk) < senior
  if redis.call('ZCARD', rk) > tonumber(ARGV[14]) then
    rackTop = redis.call('HMGET', records, unpack(redis.call('ZRANGE', rk, 0, senior - 1)))
  end
end
if candidate then
  if redis.call('HSET', seniors, pk, rec) == 1 then
    redis.call('EXPIRE', seniors, keyTtl)
  end
  local most = tonumber(ARGV[17])
  if redis.call('HLEN', seniors) <= most then
    seniorView = redis.call('HVALS', seniors)
  else
    seniorView = {}
    local flat = redis.call('HRANDFIELD', seniors, most, 'WITHVALUES')
    for i = 2, #flat, 2 do
      seniorView[#seniorView + 1] = flat[i]
    end
  end
end

local s, n, d = counts()
return {1, tonumber(size), s, n, d, rec, seniorView, rackTop}
