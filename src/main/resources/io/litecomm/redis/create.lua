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
-- an epoch names the incarnation of the domain it was made in: a domain the server lost and that was made
-- again has another, so a process's handle from before tells "lost" from "deleted" (RedisQueue.reopenIfLost)
local incarnation = redis.call('HGET', KEYS[1], 'incarnation')
if not incarnation then
  local now = redis.call('TIME')
  incarnation = now[1] .. string.format('%06d', tonumber(now[2]))
  redis.call('HSET', KEYS[1], 'incarnation', incarnation)
end
local epoch = incarnation .. '.' .. redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('DEL', KEYS[3])
redis.call('XGROUP', 'CREATE', KEYS[3], 'g', '$', 'MKSTREAM')
redis.call('HSET', KEYS[2], 'format', ARGV[5], 'type', ARGV[2], 'capacity', ARGV[3], 'max', ARGV[4],
  'epoch', epoch, 'closed', 0, 'used', 0)
redis.call('PERSIST', KEYS[4])
redis.call('SADD', KEYS[5], ARGV[1])
return {ARGV[5], ARGV[2], ARGV[3], ARGV[4], epoch}
