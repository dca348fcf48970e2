-- litecomm redis format 1: set a shared-memory key (docs/REDIS-store.md 1.3)
-- KEYS: 1 values hash, 2 revisions hash, 3 version string
-- ARGV: 1 key, 2 value as JSON text
-- reply: the new store version (integer), also the key's new revision;
--        {'foreign', key name, type} if one of KEYS is not of the store's type (nothing changed)
-- (kv-common.lua ran before this: the key type checks and bump())
local version, bad = bump()
if bad then return bad end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], string.format('%.0f', version))
return version
