-- POST /v1/orders, rotating over a file of "key<TAB>customer_id<TAB>sku<TAB>quantity" lines,
-- each connection thread starting at its own offset.
-- Usage: wrk -s orders.lua URL -- CALLS_FILE
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local threads = {}
local counter = 0

function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
  table.insert(threads, thread)
end

local calls = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    local key, customer, sku, qty = line:match("^(%S+)\t(%S+)\t(%S+)\t(%d+)$")
    if key then
      table.insert(calls, {
        headers = {
          ["Authorization"] = "Bearer " .. key,
          ["Content-Type"] = "application/json",
        },
        body = string.format('{"customer_id": "%s", "sku": "%s", "quantity": %s}', customer, sku, qty),
      })
    end
  end
  i = offset % #calls
end

function request()
  i = i % #calls + 1
  local c = calls[i]
  return wrk.format("POST", "/v1/orders", c.headers, c.body)
end

done = report
