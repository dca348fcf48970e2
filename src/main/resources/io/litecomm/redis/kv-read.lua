-- litecomm redis format 1: read a shared-memory key with its revision (docs/REDIS-store.md 1.2)
-- KEYS: 1 values hash, 2 revisions hash, 3 version string
-- ARGV: 1 key
-- reply: {'ok', revision, value}: revision '' and value nil for an absent key;
--        {'foreign', key name, type} if one of KEYS is not of the store's type
local function foreign()
  local t = redis.call('TYPE', KEYS[1]).ok
  if t ~= 'hash' and t ~= 'none' then return {'foreign', KEYS[1], t} end
  t = redis.call('TYPE', KEYS[2]).ok
  if t ~= 'hash' and t ~= 'none' then return {'foreign', KEYS[2], t} end
  return nil
end
local bad = foreign()
if bad then return bad end
local value = redis.call('HGET', KEYS[1], ARGV[1])
local rev = redis.call('HGET', KEYS[2], ARGV[1])
if not value then
  rev = ''
elseif not rev then
  rev = '0'
end
return {'ok', rev, value}
