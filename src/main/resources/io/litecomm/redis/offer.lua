-- litecomm redis format 1: send one message (docs/REDIS.md 3.2)
-- KEYS: 1 domain hash, 2 meta, 3 stream, 4 signal, 5 this process's send tokens (expire an hour after its last send)
-- ARGV: 1 payload, 2 epoch, 3 the sending thread's lane, 4 send token (unique per send of that process)
-- reply: 1 sent, {0, signal id} full, -1 closed, -2 deleted or replaced, -3 the domain is gone from the server
local m = redis.call('HMGET', KEYS[2], 'epoch', 'closed', 'used', 'capacity')
if m[1] ~= ARGV[2] then
  if redis.call('EXISTS', KEYS[1]) == 0 then return -3 end
  return -2
end
if redis.call('HGET', KEYS[5], ARGV[3]) == ARGV[4] then return 1 end
if m[2] == '1' then return -1 end
local need = 16 * math.floor((16 + #ARGV[1] + 15) / 16)
if tonumber(m[3]) + need > tonumber(m[4]) then
  redis.call('HSET', KEYS[2], 'full', 1)
  local s = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
  if #s > 0 then return {0, s[1][1]} end
  return {0, '0-0'}
end
redis.call('XADD', KEYS[3], '*', 'p', ARGV[1])
redis.call('HINCRBY', KEYS[2], 'used', need)
redis.call('HSET', KEYS[5], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[5], 3600000)
redis.call('XADD', KEYS[4], 'MAXLEN', '1', '*', 'e', 'm')
return 1
