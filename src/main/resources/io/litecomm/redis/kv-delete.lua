-- litecomm redis format 1: delete a shared-memory key (docs/REDIS-store.md 1.4)
-- KEYS: 1 values hash, 2 revisions hash, 3 version string
-- ARGV: 1 key
-- reply: 0 if the key was absent (nothing changed), else the new store version (integer);
--        {'foreign', key name, type} if one of KEYS is not of the store's type (nothing changed)
local function foreign()
  local t = redis.call('TYPE', KEYS[1]).ok
  if t ~= 'hash' and t ~= 'none' then return {'foreign', KEYS[1], t} end
  t = redis.call('TYPE', KEYS[2]).ok
  if t ~= 'hash' and t ~= 'none' then return {'foreign', KEYS[2], t} end
  t = redis.call('TYPE', KEYS[3]).ok
  if t == 'string' then
    if not tonumber(redis.call('GET', KEYS[3])) then return {'foreign', KEYS[3], 'string, not a number'} end
  elseif t ~= 'none' then
    return {'foreign', KEYS[3], t}
  end
  return nil
end
local bad = foreign()
if bad then return bad end
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('INCR', KEYS[3])
