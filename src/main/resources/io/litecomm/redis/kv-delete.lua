-- litecomm redis format 1: delete a shared-memory key (docs/REDIS-store.md 1.4)
-- KEYS: 1 values hash, 2 revisions hash, 3 version string
-- ARGV: 1 key
-- reply: 0 if the key was absent (nothing changed), else the new store version (integer);
--        {'foreign', key name, type} if one of KEYS is not of the store's type (nothing changed)
-- (kv-common.lua ran before this: the key type checks and bump())
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
local version, bad = bump()
if bad then return bad end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return version
