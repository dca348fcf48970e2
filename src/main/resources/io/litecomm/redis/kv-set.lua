-- litecomm redis format 1: set a shared-memory key (docs/REDIS-store.md 1.3)
-- KEYS: 1 values hash, 2 revisions hash, 3 version string
-- ARGV: 1 key, 2 value as JSON text
-- reply: the new store version (integer), also the key's new revision;
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
local version = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], string.format('%.0f', version))
return version
