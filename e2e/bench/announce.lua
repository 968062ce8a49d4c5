-- wrk script: announces spread over many swarms, peers, zones and racks. The same requests go to
-- rackswarm and to opentracker. Generated settings (hashes, token, ...) come from bench-config.lua
-- in the working directory, written by tracker-announce.sh.
dofile("bench-config.lua")

local threads = {}
-- Per-thread counters are globals so that done() can read them with thread:get().
failures = 0
successes = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
end

function request()
  local h = math.random(#hashes)
  local p = math.random(peers_per_swarm)
  local peer_id = string.format("-BENCH-%05d%08d", h, p)
  local left = 1048576
  if math.random(4) == 1 then left = 0 end
  local path = "/announce?info_hash=" .. hashes[h] .. "&peer_id=" .. peer_id
    .. "&port=" .. (10000 + p) .. "&uploaded=0&downloaded=0&left=" .. left
    .. "&compact=1&numwant=50&region=eu&zone=z" .. (p % zones)
    .. "&rack=r" .. (p % racks) .. "&token=" .. token
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status == 200 and not string.find(body, "failure reason", 1, true) then
    successes = successes + 1
  else
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("successes")
    bad = bad + t:get("failures")
  end
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f ok=%d failed=%d "
    .. "socket_errors=%d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, ok, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
