-- litecomm redis format 1: publish one message (docs/REDIS-store.md 2.2)
-- KEYS: 1 published stream
-- ARGV: 1 topic, 2 payload, 3 capacity in bytes (the publisher's pubSubCapacity)
-- Each entry has the id 0-SEQ (SEQ = 1, 2, 3, ... given by the server: XADD 0-*) and the fields
-- topic, payload and end: the bytes of every frame published on the stream so far, this one included,
-- where a frame is 32 * ceil((24 + #topic + #payload) / 32) bytes. The oldest entries are trimmed
-- until the frames kept (from the first kept entry's start, end - frame, to the newest end) fit
-- the capacity; the newest is always kept.
-- reply: the new entry's id ('0-SEQ'); {'foreign', key name, type} if KEYS[1] is not a stream
local t = redis.call('TYPE', KEYS[1]).ok
if t ~= 'stream' and t ~= 'none' then return {'foreign', KEYS[1], t} end
local function field(entry, name)
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return nil
end
local function frame(topic, payload)
  return 32 * math.ceil((24 + #topic + #payload) / 32)
end
local total = 0
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last > 0 then
  total = tonumber(field(last[1], 'end')) or 0
end
local finish = total + frame(ARGV[1], ARGV[2])
local id = redis.call('XADD', KEYS[1], '0-*', 'topic', ARGV[1], 'payload', ARGV[2],
  'end', string.format('%.0f', finish))
local capacity = tonumber(ARGV[3])
local first = nil
local keep = nil
local from = '-'
local count = 1
while not keep do
  local chunk = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', count)
  if #chunk == 0 then
    keep = id
  end
  for i = 1, #chunk do
    local entry = chunk[i]
    if not first then first = entry[1] end
    local stop = tonumber(field(entry, 'end'))
    local start = stop and (stop - frame(field(entry, 'topic') or '', field(entry, 'payload') or '')) or 0
    if finish - start <= capacity or entry[1] == id then
      keep = entry[1]
      break
    end
    from = '(' .. entry[1]
  end
  count = 32
end
if first and keep ~= first then
  redis.call('XTRIM', KEYS[1], 'MINID', keep)
end
return id
