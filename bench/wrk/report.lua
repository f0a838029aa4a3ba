-- Shared by the benchmark's wrk scripts: print the run's figures as one JSON line, with the
-- latency quantiles at every 0.1 % (microseconds) so that runs can be merged exactly enough.
function report(summary, latency, requests)
  local e = summary.errors
  local q = {}
  for i = 1, 999 do
    q[i] = string.format("%d", latency:percentile(i / 10))
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p99": %d, "max": %d, "mean": %.1f}, "q": [%s]}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, latency.mean,
    table.concat(q, ",")))
end
