-- litecomm redis format 1: a process that closes forgets its traces in a channel (docs/REDIS.md 3.8)
-- KEYS: 1 meta, 2 stream, 3 this process's send tokens; ARGV: 1 process id
-- reply: 1 if the process left the consumer group, 0 if it still has messages taken there
redis.call('DEL', KEYS[3])
if redis.call('EXISTS', KEYS[2]) == 0 then return 1 end
local summary = redis.call('XPENDING', KEYS[2], 'g')
if summary[4] then
  for _, c in ipairs(summary[4]) do
    if c[1] == ARGV[1] then return 0 end
  end
end
redis.call('XGROUP', 'DELCONSUMER', KEYS[2], 'g', ARGV[1])
return 1
