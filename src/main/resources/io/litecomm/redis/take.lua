-- litecomm redis format 1: take the next message into this process's pending list (docs/REDIS.md 3.3)
-- KEYS: 1 domain hash, 2 meta, 3 stream, 4 signal, 5 producer tokens
-- ARGV: 1 epoch, 2 process id (the consumer), 3 alive channel prefix,
--       4 '1' to adopt this process's orphans (sent only when no other take of it is under way), 5.. ids in flight
-- reply: {1, id, payload} taken; {0, signal id, closed} nothing; {-2} deleted or replaced; {-3} domain gone
local m = redis.call('HMGET', KEYS[2], 'epoch', 'closed')
if m[1] ~= ARGV[1] then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {-3} end
  return {-2}
end
local me = ARGV[2]
local function entry(id)
  local e = redis.call('XRANGE', KEYS[3], id, id)
  if #e == 0 then return nil end
  local fields = e[1][2]
  for i = 1, #fields, 2 do
    if fields[i] == 'p' then return {1, id, fields[i + 1]} end
  end
  return {1, id, ''}
end
-- stream ids compare as two numbers, not as text ('10-0' is newer than '9-0')
local function older(a, b)
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  am, bm = tonumber(am), tonumber(bm)
  if am ~= bm then return am < bm end
  return tonumber(as) < tonumber(bs)
end
-- of what is pending under gone processes (and, when adopting, under this one unknowingly), the
-- oldest message goes first: a reclaimed message is delivered before newer ones, whichever consumer held it
local best, owner, ownerCount = nil, nil, 0
local summary = redis.call('XPENDING', KEYS[3], 'g')
if summary[1] > 0 and summary[4] then
  for _, c in ipairs(summary[4]) do
    if c[1] == me then
      if ARGV[4] == '1' then
      -- a reply lost on the way: pending under this process but in flight in none of its threads
        local mine = redis.call('XPENDING', KEYS[3], 'g', '-', '+', #ARGV - 3, me)
        for _, p in ipairs(mine) do
          local known = false
          for i = 5, #ARGV do
            if ARGV[i] == p[1] then known = true break end
          end
          if not known then
            if best == nil or older(p[1], best) then best, owner, ownerCount = p[1], nil, 0 end
            break
          end
        end
      end
    elseif redis.call('PUBSUB', 'NUMSUB', ARGV[3] .. c[1])[2] == 0 then
      -- the process that took it is gone (its liveness subscription with it): its oldest is a candidate
      local p = redis.call('XPENDING', KEYS[3], 'g', '-', '+', 1, c[1])
      if #p > 0 and (best == nil or older(p[1][1], best)) then
        best, owner, ownerCount = p[1][1], c[1], tonumber(c[2])
      end
    end
  end
end
if best then
  if owner then
    redis.call('XCLAIM', KEYS[3], 'g', me, 0, best)
    if ownerCount == 1 then
      -- its last one: forget the dead process
      redis.call('XGROUP', 'DELCONSUMER', KEYS[3], 'g', owner)
      redis.call('HDEL', KEYS[2], 'ack:' .. owner)
      redis.call('HDEL', KEYS[5], owner)
    end
  end
  local e = entry(best)
  if e then return e end
end
local r = redis.call('XREADGROUP', 'GROUP', 'g', me, 'COUNT', 1, 'STREAMS', KEYS[3], '>')
if r then
  local e = r[1][2][1]
  local fields = e[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'p' then return {1, e[1], fields[i + 1]} end
  end
  return {1, e[1], ''}
end
local s = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
local sig = '0-0'
if #s > 0 then sig = s[1][1] end
return {0, sig, tonumber(m[2])}
