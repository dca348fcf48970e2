-- litecomm redis format 1: compare-and-set a shared-memory key, the write of update (docs/REDIS-store.md 1.5)
-- KEYS: 1 values hash, 2 revisions hash, 3 version string
-- ARGV: 1 key, 2 the revision the caller read ('' = absent), 3 'set' or 'del', 4 value as JSON text (for 'set')
-- reply: {'ok', new revision} written ('' after 'del'; a 'del' of an absent key changes nothing);
--        {'conflict', current revision, current value} the key moved since it was read (nothing changed);
--        {'foreign', key name, type} if one of KEYS is not of the store's type (nothing changed)
-- (kv-common.lua ran before this: the key type checks and bump())
local value = redis.call('HGET', KEYS[1], ARGV[1])
local rev = redis.call('HGET', KEYS[2], ARGV[1])
if not value then
  rev = ''
elseif not rev then
  rev = '0'
end
if rev ~= ARGV[2] then
  return {'conflict', rev, value}
end
if ARGV[3] == 'del' then
  if value then
    local _, bad = bump()
    if bad then return bad end
    redis.call('HDEL', KEYS[1], ARGV[1])
    redis.call('HDEL', KEYS[2], ARGV[1])
  end
  return {'ok', ''}
end
local bumped, bad = bump()
if bad then return bad end
local version = string.format('%.0f', bumped)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[1], version)
return {'ok', version}
