-- GET a path (a page of invoices) as one caller.
-- Usage: wrk -s invoices.lua URL -- KEY PATH
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local req

function init(args)
  req = wrk.format("GET", args[2], { ["Authorization"] = "Bearer " .. args[1] })
end

function request()
  return req
end

done = report
