-- litecomm redis format 1: acknowledge a taken message, checking this process still owns it (docs/REDIS.md 3.4)
-- KEYS: 1 meta, 2 stream, 3 signal, 4 this process's tokens (the send tokens' hash)
-- ARGV: 1 id, 2 process id, 3 bytes of capacity the message held, 4 '1' if this call repeats one whose reply was lost,
--       5 the acknowledging thread's lane
-- reply: 1 acknowledged (now or by an earlier call of this process), 0 another process owns it now
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
local p = redis.call('XPENDING', KEYS[2], 'g', ARGV[1], ARGV[1], 1)
if #p == 0 or p[1][2] ~= ARGV[2] then
  if ARGV[4] == '1' and redis.call('HGET', KEYS[4], 'a:' .. ARGV[5]) == ARGV[1] then return 1 end
  return 0
end
redis.call('XACK', KEYS[2], 'g', ARGV[1])
redis.call('XDEL', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'used', -tonumber(ARGV[3]))
redis.call('HSET', KEYS[4], 'a:' .. ARGV[5], ARGV[1])
redis.call('PEXPIRE', KEYS[4], 3600000)
if redis.call('HDEL', KEYS[1], 'full') == 1 or redis.call('HGET', KEYS[1], 'closed') == '1' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '1', '*', 'e', 'a')
end
return 1
