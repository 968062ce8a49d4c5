-- One announce in one round trip: check registration, store the peer, keep counters and the
-- timeline, and return what the handout policy needs. Written for the common case, a known peer
-- re-announcing, to cost a handful of commands; expired peers are purged and key expiries
-- refreshed only every maintenance interval.
--
-- KEYS (all hash-tagged by info-hash, so a swarm lives in one Redis Cluster slot):
--   1 torrent (registration, counters, timeline), 2 peers, 3 seeds, 4 seniors, 5 racks
-- "seniors" holds the records of every rack's representative candidates (its most senior
-- members) and of the origins: all that a representative needs from outside its rack, in one
-- hash that one command reads.
-- ARGV: 1 now (ms), 2 peer ttl (ms), 3 event, 4 peer key, 5 left, 6 origin (0|1), 7 port, 8 ip,
--   9 region, 10 zone, 11 rack, 12 rack key prefix, 13 senior members read per rack,
--   14 sample size (numwant + 1), 15 key ttl (s), 16 maintenance interval (ms),
--   17 mode (topology|random), 18 most records read from "seniors"
-- Returns {-1} when the info-hash is not registered, else
--   {1, size, seeds, peers, downloaded, self record or false, view}
-- A peer record is "joined,progress,left,lastSeen,origin,port,ip,region,zone,rack"; the view is
-- one string with a line "key,record" per peer (one string costs far less to reply and to parse
-- than two per peer). A peer may appear twice in it.

local torrent, peers, seeds, seniors, racks = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local meta = redis.call('HMGET', torrent, 'size', 'maintainedAt', 'downloaded')
local size = meta[1]
if not size then
  return {-1}
end

-- Numbers that only travel into records stay strings: Lua formats numbers with printf.
local nowS = ARGV[1]
local now = tonumber(nowS)
local ttl = tonumber(ARGV[2])
local event, pk, leftS, origin = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local left = tonumber(leftS)
local downloaded = tonumber(meta[3] or '0')
local prefix = ARGV[12]
local senior = tonumber(ARGV[13])
local keyTtl = tonumber(ARGV[15])

local function rackKey(region, zone, rack)
  return prefix .. region .. '/' .. zone .. '/' .. rack
end

local function parse(rec)
  local j, p, l, s, o, region, zone, rack = string.match(rec,
    '^(%d+),(%d+),(%d+),(%d+),(%d),%d+,[^,]*,([^,]*),([^,]*),([^,]*)$')
  return j, p, tonumber(l), o, rackKey(region, zone, rack), tonumber(s)
end

-- After a candidate left a rack, the next most senior members take its place in "seniors".
local function promote(rk)
  local top = redis.call('ZRANGE', rk, 0, senior - 1)
  if #top == 0 then
    return
  end
  local recs = redis.call('HMGET', peers, unpack(top))
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

-- Maintenance: drop peers that stopped announcing, refresh the expiry of every swarm key.
if not meta[2] or now - tonumber(meta[2]) > tonumber(ARGV[16]) then
  local all = redis.call('HGETALL', peers)
  for i = 1, #all, 2 do
    local _, _, _, _, _, seen = parse(all[i + 1])
    if seen < now - ttl then
      remove(all[i], all[i + 1])
    end
  end
  for _, k in ipairs({peers, seeds, seniors, racks}) do
    redis.call('EXPIRE', k, keyTtl)
  end
  for _, k in ipairs(redis.call('SMEMBERS', racks)) do
    redis.call('EXPIRE', k, keyTtl)
  end
  redis.call('HSET', torrent, 'maintainedAt', now)
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
  return {1, tonumber(size), s, n, d, false, ''}
end

local rk = rackKey(ARGV[9], ARGV[10], ARGV[11])
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

local rec = joined .. ',' .. progress .. ',' .. leftS .. ',' .. nowS .. ',' .. origin .. ','
  .. ARGV[7] .. ',' .. ARGV[8] .. ',' .. ARGV[9] .. ',' .. ARGV[10] .. ',' .. ARGV[11]
-- Keys that appear between two maintenance runs get their expiry at once, so that nothing
-- outlives a swarm that goes quiet.
if redis.call('HSET', peers, pk, rec) == 1 then
  redis.call('EXPIRE', peers, keyTtl)
end
if joinsGroup then
  if origin ~= '1' then
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

-- The view: the peer's rack in order of seniority (its most senior members are the rack's
-- representative candidates), sampled at random when the rack is larger than the sample.
-- Candidates and origins keep their record in "seniors" fresh and read all of it: the other
-- racks' candidates and the origins.
local sample = tonumber(ARGV[14])
local lines = {}
local function addRecords(keys, recs)
  for i, r in ipairs(recs) do
    if r then
      lines[#lines + 1] = keys[i] .. ',' .. r
    end
  end
end
local function addPairs(flat)
  for i = 1, #flat, 2 do
    lines[#lines + 1] = flat[i] .. ',' .. flat[i + 1]
  end
end
if ARGV[17] == 'random' then
  addPairs(redis.call('HRANDFIELD', peers, sample, 'WITHVALUES'))
else
  local candidate = origin == '1'
  if not candidate then
    local limit = math.max(sample, senior)
    local rack = redis.call('ZRANGE', rk, 0, limit - 1)
    for i = 1, math.min(senior, #rack) do
      if rack[i] == pk then
        candidate = true
      end
    end
    if #rack == limit then
      local seen = {}
      for _, m in ipairs(rack) do
        seen[m] = true
      end
      for _, m in ipairs(redis.call('ZRANDMEMBER', rk, sample)) do
        if not seen[m] then
          rack[#rack + 1] = m
        end
      end
    end
    addRecords(rack, redis.call('HMGET', peers, unpack(rack)))
  end
  if candidate then
    if redis.call('HSET', seniors, pk, rec) == 1 then
      redis.call('EXPIRE', seniors, keyTtl)
    end
    addPairs(redis.call('HRANDFIELD', seniors, tonumber(ARGV[18]), 'WITHVALUES'))
  end
end

local s, n, d = counts()
return {1, tonumber(size), s, n, d, rec, table.concat(lines, '\n')}
