-- One announce in one round trip: check registration, purge expired peers, store the peer,
-- update counters and timeline, and return what the handout policy needs.
--
-- KEYS: 1 torrent, 2 peers, 3 seen, 4 seeds, 5 origins, 6 racks, 7 stats
--   (all hash-tagged by info-hash: one Redis Cluster slot per swarm)
-- ARGV: 1 now (ms), 2 peer ttl (ms), 3 event, 4 peer key, 5 left, 6 origin (0|1), 7 port, 8 ip,
--   9 region, 10 zone, 11 rack, 12 rack key prefix, 13 own-rack limit, 14 per-rack limit,
--   15 purge limit, 16 key ttl (s), 17 mode (topology|random), 18 random sample size,
--   19 rack limit
-- Returns {-1} when the info-hash is not registered, else
--   {1, size, seeds, peers, downloaded, self record or false, key1, record1, key2, record2, ...}
-- A peer record is "joined,progress,left,lastSeen,origin,port,ip,region,zone,rack".

local torrent, peers, seen, seeds, origins, racks, stats =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local size = redis.call('HGET', torrent, 'size')
if not size then
  return {-1}
end

local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local event, pk, left, origin = ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
local prefix = ARGV[12]
local keyTtl = tonumber(ARGV[16])

local function rackKey(region, zone, rack)
  return prefix .. region .. '/' .. zone .. '/' .. rack
end

local function parse(rec)
  local j, p, l, o, region, zone, rack = string.match(rec,
    '^(%d+),(%d+),(%d+),%d+,(%d),%d+,[^,]*,([^,]*),([^,]*),([^,]*)$')
  return tonumber(j), tonumber(p), tonumber(l), o, rackKey(region, zone, rack)
end

local function leaveGroup(o, rk, member)
  if o == '1' then
    redis.call('SREM', origins, member)
  else
    redis.call('ZREM', rk, member)
    if redis.call('ZCARD', rk) == 0 then
      redis.call('SREM', racks, rk)
    end
  end
end

local function remove(member)
  local rec = redis.call('HGET', peers, member)
  if rec then
    local _, _, _, o, rk = parse(rec)
    leaveGroup(o, rk, member)
    redis.call('HDEL', peers, member)
  end
  redis.call('ZREM', seen, member)
  redis.call('SREM', seeds, member)
end

local function counts()
  local s = redis.call('SCARD', seeds)
  local n = redis.call('HLEN', peers)
  local d = tonumber(redis.call('HGET', stats, 'downloaded') or '0')
  return s, n, d
end

for _, member in ipairs(redis.call('ZRANGEBYSCORE', seen, '-inf', '(' .. (now - ttl),
    'LIMIT', 0, tonumber(ARGV[15]))) do
  remove(member)
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
  redis.call('HINCRBY', stats, 'downloaded', 1)
  redis.call('HSETNX', stats, 'firstCompleted', now)
  redis.call('HSET', stats, 'lastCompleted', now)
end

if event == 'stopped' then
  remove(pk)
  local s, n, d = counts()
  return {1, tonumber(size), s, n, d, false}
end

local rk = rackKey(ARGV[9], ARGV[10], ARGV[11])
local joined, progress = now, now
if old then
  joined = oj
  if left >= ol then
    progress = op
  end
  if oo ~= origin or ork ~= rk then
    leaveGroup(oo, ork, pk)
  end
else
  redis.call('HSETNX', stats, 'firstStarted', now)
end

local rec = joined .. ',' .. progress .. ',' .. left .. ',' .. now .. ',' .. origin .. ','
  .. ARGV[7] .. ',' .. ARGV[8] .. ',' .. ARGV[9] .. ',' .. ARGV[10] .. ',' .. ARGV[11]
redis.call('HSET', peers, pk, rec)
redis.call('ZADD', seen, now, pk)
if origin == '1' then
  redis.call('SADD', origins, pk)
else
  redis.call('ZADD', rk, joined, pk)
  redis.call('SADD', racks, rk)
  redis.call('EXPIRE', rk, keyTtl)
end
if left == 0 then
  redis.call('SADD', seeds, pk)
else
  redis.call('SREM', seeds, pk)
end
for _, k in ipairs({peers, seen, seeds, origins, racks}) do
  redis.call('EXPIRE', k, keyTtl)
end

local members = {}
if ARGV[17] == 'random' then
  members = redis.call('HRANDFIELD', peers, tonumber(ARGV[18]))
else
  if origin ~= '1' then
    members = redis.call('ZRANGE', rk, 0, tonumber(ARGV[13]) - 1)
  end
  local perRack = tonumber(ARGV[14]) - 1
  local rackLimit = tonumber(ARGV[19])
  for i, other in ipairs(redis.call('SMEMBERS', racks)) do
    if i > rackLimit then
      break
    end
    if other ~= rk or origin == '1' then
      for _, m in ipairs(redis.call('ZRANGE', other, 0, perRack)) do
        members[#members + 1] = m
      end
    end
  end
  for _, m in ipairs(redis.call('SMEMBERS', origins)) do
    members[#members + 1] = m
  end
end

local s, n, d = counts()
local out = {1, tonumber(size), s, n, d, rec}
for i = 1, #members, 500 do
  local chunk = {}
  for j = i, math.min(i + 499, #members) do
    chunk[#chunk + 1] = members[j]
  end
  local recs = redis.call('HMGET', peers, unpack(chunk))
  for j, r in ipairs(recs) do
    if r then
      out[#out + 1] = chunk[j]
      out[#out + 1] = r
    end
  end
end
return out
