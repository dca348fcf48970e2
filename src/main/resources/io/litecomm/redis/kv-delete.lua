-- litecomm redis format 1: delete a shared-memory key (docs/REDIS-store.md 1.4)
-- KEYS: 1 values hash, 2 revisions hash, 3 version string
-- ARGV: 1 key
-- reply: 0 if the key was absent (nothing changed), else the new store version (integer);
--        {'foreign', key name, type} if one of KEYS is not of the store's type (nothing changed)
local t = redis.call('TYPE', KEYS[1]).ok
if t ~= 'hash' and t ~= 'none' then return {'foreign', KEYS[1], t} end
t = redis.call('TYPE', KEYS[2]).ok
if t ~= 'hash' and t ~= 'none' then return {'foreign', KEYS[2], t} end
-- the version moves first, before any write: INCR refuses a key of another type or a string that is not a number
local function bump()
  local version = redis.pcall('INCR', KEYS[3])
  if type(version) == 'table' and version.err then
    local vt = redis.call('TYPE', KEYS[3]).ok
    if vt == 'string' then vt = 'string, not a number' end
    return nil, {'foreign', KEYS[3], vt}
  end
  return version, nil
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
local version, bad = bump()
if bad then return bad end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return version
