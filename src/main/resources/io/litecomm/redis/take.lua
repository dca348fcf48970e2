-- litecomm redis format 1: take the next message of one of several channels into this process's pending list
-- (docs/REDIS.md 3.3). One channel for a receive, several for a select: exactly one message is taken, from the
-- first channel, in order from FIRST, that has one.
-- KEYS: 1 domain hash, then per channel i (0-based): 2+4i meta, 3+4i stream, 4+4i signal, 5+4i producer tokens
-- ARGV: 1 process id (the consumer), 2 alive channel prefix, 3 '1' to adopt this process's orphans (sent only when
--       no other take of it is under way), 4 FIRST (0-based), 5 N channels, 6..5+N their epochs,
--       6+N.. ids this process has in flight
-- reply: {1, i, id, payload} taken from channel i; {0, s_0, ..., s_N-1} nothing, where s_i is channel i's newest
--        signal id, or '-2' if it was deleted or replaced, or '-3' if the domain is gone from the server
local me = ARGV[1]
local n = tonumber(ARGV[5])
local first = tonumber(ARGV[4])
local inflight = {}
for i = 6 + n, #ARGV do inflight[ARGV[i]] = true end

local function payload(fields)
  for j = 1, #fields, 2 do
    if fields[j] == 'p' then return fields[j + 1] end
  end
  return ''
end

local function entry(stream, id)
  local e = redis.call('XRANGE', stream, id, id)
  if #e == 0 then return nil end
  return {id, payload(e[1][2])}
end

-- the next message of channel i for this process, or nil; state is set for a channel that is gone
local function takeFrom(i)
  local meta, stream, tokens = KEYS[2 + 4 * i], KEYS[3 + 4 * i], KEYS[5 + 4 * i]
  if redis.call('HGET', meta, 'epoch') ~= ARGV[6 + i] then
    if redis.call('EXISTS', KEYS[1]) == 0 then return nil, '-3' end
    return nil, '-2'
  end
  local summary = redis.call('XPENDING', stream, 'g')
  if summary[1] > 0 and summary[4] then
    for _, c in ipairs(summary[4]) do
      if c[1] == me then
        if ARGV[3] == '1' then
          -- a reply lost on the way: pending under this process but in flight in none of its threads
          local mine = redis.call('XPENDING', stream, 'g', '-', '+', #ARGV - 4 - n, me)
          for _, p in ipairs(mine) do
            if not inflight[p[1]] then
              local e = entry(stream, p[1])
              if e then return e end
            end
          end
        end
      elseif redis.call('PUBSUB', 'NUMSUB', ARGV[2] .. c[1])[2] == 0 then
        -- the process that took it is gone (its liveness subscription with it): take its oldest over
        local p = redis.call('XPENDING', stream, 'g', '-', '+', 1, c[1])
        if #p > 0 then
          redis.call('XCLAIM', stream, 'g', me, 0, p[1][1])
          if tonumber(c[2]) == 1 then
            -- its last one: forget the dead process
            redis.call('XGROUP', 'DELCONSUMER', stream, 'g', c[1])
            redis.call('HDEL', meta, 'ack:' .. c[1])
            redis.call('HDEL', tokens, c[1])
          end
          local e = entry(stream, p[1][1])
          if e then return e end
        end
      end
    end
  end
  local r = redis.call('XREADGROUP', 'GROUP', 'g', me, 'COUNT', 1, 'STREAMS', stream, '>')
  if r then
    local e = r[1][2][1]
    return {e[1], payload(e[2])}
  end
  return nil, nil
end

local states = {}
for k = 0, n - 1 do
  local i = (first + k) % n
  local e, state = takeFrom(i)
  if e then return {1, i, e[1], e[2]} end
  states[i + 1] = state
end
local reply = {0}
for i = 0, n - 1 do
  local state = states[i + 1]
  if not state then
    local s = redis.call('XREVRANGE', KEYS[4 + 4 * i], '+', '-', 'COUNT', 1)
    state = '0-0'
    if #s > 0 then state = s[1][1] end
  end
  reply[i + 2] = state
end
return reply
