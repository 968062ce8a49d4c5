-- Scrape counters of one swarm (BEP 48).
-- KEYS: 1 torrent, 2 peers, 3 seeds, 4 stats
-- Returns {-1} for an unregistered info-hash, else {1, seeds, peers, downloaded}.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1}
end
return {1, redis.call('SCARD', KEYS[3]), redis.call('HLEN', KEYS[2]),
  tonumber(redis.call('HGET', KEYS[4], 'downloaded') or '0')}
