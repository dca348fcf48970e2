-- litecomm redis format 1: open or create a channel (docs/REDIS.md 3.1)
-- KEYS: 1 domain hash, 2 meta, 3 stream, 4 signal, 5 queues set
-- ARGV: 1 name, 2 type descriptor, 3 capacity, 4 max message length, 5 format version
local t = redis.call('TYPE', KEYS[2]).ok
if t == 'hash' then
  return redis.call('HMGET', KEYS[2], 'format', 'type', 'capacity', 'max', 'epoch')
elseif t ~= 'none' then
  return {'foreign', t}
end
redis.call('HSETNX', KEYS[1], 'format', ARGV[5])
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('DEL', KEYS[3])
redis.call('XGROUP', 'CREATE', KEYS[3], 'g', '$', 'MKSTREAM')
redis.call('HSET', KEYS[2], 'format', ARGV[5], 'type', ARGV[2], 'capacity', ARGV[3], 'max', ARGV[4],
  'epoch', epoch, 'closed', 0, 'used', 0)
redis.call('PERSIST', KEYS[4])
redis.call('SADD', KEYS[5], ARGV[1])
return {ARGV[5], ARGV[2], ARGV[3], ARGV[4], tostring(epoch)}
