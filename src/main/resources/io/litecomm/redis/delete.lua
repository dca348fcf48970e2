-- litecomm redis format 1: close and remove a channel so its name can be created again (docs/REDIS.md 3.7)
-- KEYS: 1 meta, 2 stream, 3 signal, 4 producer tokens, 5 queues set; ARGV: 1 name
-- reply: 1 it existed, 0 it did not
local existed = redis.call('EXISTS', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
redis.call('SREM', KEYS[5], ARGV[1])
if existed == 1 then
  redis.call('XADD', KEYS[3], 'MAXLEN', '1', '*', 'e', 'd')
  redis.call('PEXPIRE', KEYS[3], 60000)
end
return existed
