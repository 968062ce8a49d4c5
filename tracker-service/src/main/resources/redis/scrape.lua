-- Scrape counters of one swarm (BEP 48).
-- KEYS: 1 torrent, 2 peers, 3 seeds
-- Returns {-1} for an unregistered info-hash, else {1, seeds, peers, downloaded}.
local downloaded = redis.call('HMGET', KEYS[1], 'size', 'downloaded')
if not downloaded[1] then
  return {-1}
end
return {1, redis.call('SCARD', KEYS[3]), redis.call('HLEN', KEYS[2]),
  tonumber(downloaded[2] or '0')}
