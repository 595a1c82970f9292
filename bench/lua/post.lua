-- wrk script for the posting benchmark (see run.py, post_bench).
--
-- Usage: wrk -s post.lua URL -- SPEC_FILE
-- SPEC_FILE lines:  PATH /path      the URL path to POST to
--                   HEADER Name: v  a request header (repeatable)
--                   ACCEPT 302      the status of an accepted (published) comment
--                   HELD 202        the status of a comment held for moderation (optional)
--                   BODY ...        a request body (repeatable); "BENCHREF" in it is replaced
--                                   by a token unique to the request, so no two texts repeat
-- At the end it prints "BENCH accepted=N held=N rejected=N status_CODE=N ..." (every other
-- status is rejected; the status_ counts say which).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  headers = {}
  bodies = {}
  accept_status, held_status = 0, -1
  counter, accepted, held, rejected = 0, 0, 0, 0
  statuses = {}
  for line in io.lines(args[1]) do
    local kind, rest = line:match("^(%u+) (.*)$")
    if kind == "PATH" then
      path = rest
    elseif kind == "HEADER" then
      local name, value = rest:match("^([^:]+): (.*)$")
      headers[name] = value
    elseif kind == "ACCEPT" then
      accept_status = tonumber(rest)
    elseif kind == "HELD" then
      held_status = tonumber(rest)
    elseif kind == "BODY" then
      table.insert(bodies, rest)
    end
  end
end

function request()
  counter = counter + 1
  local template = bodies[(counter - 1) % #bodies + 1]
  local body = template:gsub("BENCHREF", "r" .. id .. "x" .. counter)
  return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == accept_status then
    accepted = accepted + 1
  elseif status == held_status then
    held = held + 1
  else
    rejected = rejected + 1
  end
end

function done(summary, latency, requests)
  local a, h, r, by_status = 0, 0, 0, {}
  for _, thread in ipairs(threads) do
    a = a + thread:get("accepted")
    h = h + thread:get("held")
    r = r + thread:get("rejected")
    for status, n in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + n
    end
  end
  io.write(string.format("BENCH accepted=%d held=%d rejected=%d", a, h, r))
  for status, n in pairs(by_status) do
    io.write(string.format(" status_%d=%d", status, n))
  end
  io.write("\n")
end
