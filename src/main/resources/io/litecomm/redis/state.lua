-- litecomm redis format 1: a channel's state (docs/REDIS.md 3.6)
-- KEYS: 1 meta, 2 stream; ARGV: 1 epoch
-- reply: {epoch matches (1/0), closed (1/0), messages in the stream, of which taken and not yet acknowledged}
local m = redis.call('HMGET', KEYS[1], 'epoch', 'closed')
if m[1] ~= ARGV[1] then return {0, 1, 0, 0} end
local n = redis.call('XLEN', KEYS[2])
local pending = 0
if n > 0 then pending = redis.call('XPENDING', KEYS[2], 'g')[1] end
return {1, tonumber(m[2]), n, pending}
