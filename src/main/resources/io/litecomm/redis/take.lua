-- litecomm redis format 1: take the next message of one of several channels into this process's pending list
-- (docs/REDIS.md 3.3). One channel for a receive, several for a select: exactly one message is taken, from the
-- first channel, in order from FIRST, that has one.
-- KEYS: 1 domain hash, then per channel i (0-based): 2+3i meta, 3+3i stream, 4+3i signal
-- ARGV: 1 process id (the consumer), 2 alive channel prefix, 3 '1' to adopt this process's orphans (sent only when
--       no other take of it is under way), 4 FIRST (0-based), 5 N channels, 6..5+N their epochs,
--       6+N.. ids this process has in flight
-- reply: {1, i, id, payload} taken from channel i; {0, s_0, ..., s_N-1} nothing, where s_i is channel i's newest
--        signal id, followed by ' d' if it is closed and empty (drained), or by ' p' if other processes hold
--        messages of it taken and not yet acknowledged (the
--        caller looks again within a second: the holder may die), or '-2' if it was deleted or replaced, or '-3'
--        if the domain is gone from the server
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

-- stream ids compare as two numbers, not as text ('10-0' is newer than '9-0')
local function older(a, b)
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  am, bm = tonumber(am), tonumber(bm)
  if am ~= bm then return am < bm end
  return tonumber(as) < tonumber(bs)
end

-- the next message of channel i for this process, or nil; the state is set for a channel that is gone, and
-- 'held' when other processes hold messages of it unacknowledged
local function takeFrom(i)
  local meta, stream = KEYS[2 + 3 * i], KEYS[3 + 3 * i]
  if redis.call('HGET', meta, 'epoch') ~= ARGV[6 + i] then
    if redis.call('EXISTS', KEYS[1]) == 0 then return nil, '-3' end
    return nil, '-2'
  end
  local summary = redis.call('XPENDING', stream, 'g')
  local held = nil
  if summary[1] > 0 then
    held = ' p'
  elseif redis.call('HGET', meta, 'closed') == '1' and redis.call('XLEN', stream) == 0 then
    held = ' d'
  end
  -- of what is pending under gone processes (and, when adopting, under this one unknowingly), the oldest
  -- message goes first: a reclaimed message is delivered before newer ones, whichever consumer held it
  local best, owner, ownerCount = nil, nil, 0
  if summary[1] > 0 and summary[4] then
    for _, c in ipairs(summary[4]) do
      if c[1] == me then
        if ARGV[3] == '1' then
          -- a reply lost on the way: pending under this process but in flight in none of its threads
          local mine = redis.call('XPENDING', stream, 'g', '-', '+', #ARGV - 4 - n, me)
          for _, p in ipairs(mine) do
            if not inflight[p[1]] then
              if best == nil or older(p[1], best) then best, owner, ownerCount = p[1], nil, 0 end
              break
            end
          end
        end
      elseif redis.call('PUBSUB', 'NUMSUB', ARGV[2] .. c[1])[2] == 0 then
        -- the process that took it is gone (its liveness subscription with it): its oldest is a candidate
        local p = redis.call('XPENDING', stream, 'g', '-', '+', 1, c[1])
        if #p > 0 and (best == nil or older(p[1][1], best)) then
          best, owner, ownerCount = p[1][1], c[1], tonumber(c[2])
        end
      end
    end
  end
  if best then
    if owner then
      redis.call('XCLAIM', stream, 'g', me, 0, best)
      if ownerCount == 1 then
        -- its last one: forget the dead process
        redis.call('XGROUP', 'DELCONSUMER', stream, 'g', owner)
      end
    end
    local e = entry(stream, best)
    if e then return e end
  end
  local r = redis.call('XREADGROUP', 'GROUP', 'g', me, 'COUNT', 1, 'STREAMS', stream, '>')
  if r then
    local e = r[1][2][1]
    return {e[1], payload(e[2])}
  end
  return nil, nil, held
end

local states = {}
local helds = {}
for k = 0, n - 1 do
  local i = (first + k) % n
  local e, state, held = takeFrom(i)
  if e then return {1, i, e[1], e[2]} end
  states[i + 1] = state
  helds[i + 1] = held
end
local reply = {0}
for i = 0, n - 1 do
  local state = states[i + 1]
  if not state then
    local s = redis.call('XREVRANGE', KEYS[4 + 3 * i], '+', '-', 'COUNT', 1)
    state = '0-0'
    if #s > 0 then state = s[1][1] end
    if helds[i + 1] then state = state .. helds[i + 1] end
  end
  reply[i + 2] = state
end
return reply
