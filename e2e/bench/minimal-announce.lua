-- The floor for e2e/bench/announce-script-cost.sh: what any announce must do in Redis (check
-- the registration, store the peer) with the announce script's keys and arguments, and nothing
-- of topology, counters or expiry. Not used by the tracker.
local meta = redis.call('HMGET', KEYS[1], 'size', 'downloaded')
if not meta[1] then
  return {-1}
end
local rec = ARGV[3] .. ',' .. ARGV[1] .. ',' .. ARGV[1] .. ',' .. ARGV[4] .. ',' .. ARGV[1]
  .. ',' .. ARGV[5] .. ',' .. ARGV[6]
redis.call('HSET', KEYS[2], ARGV[3], rec)
return {1, meta[1], meta[2] or '0', rec, false, false}
