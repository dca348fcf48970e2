-- litecomm redis format 1: close a channel for every process (docs/REDIS.md 3.5)
-- KEYS: 1 meta, 2 signal; ARGV: 1 epoch
-- reply: 1 this call closed it, 0 it was closed already, -2 deleted or replaced
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then return -2 end
if redis.call('HGET', KEYS[1], 'closed') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'closed', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '1', '*', 'e', 'c')
return 1
