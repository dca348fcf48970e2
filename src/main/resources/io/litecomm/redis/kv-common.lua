-- litecomm redis format 1: what every shared-memory write script starts with (docs/REDIS-store.md 1.1):
-- the text run is this file, a newline, then the script's own file.
-- KEYS: 1 values hash, 2 revisions hash, 3 version string
-- Replies {'foreign', key name, type} at once if KEYS[1] or KEYS[2] is neither a hash nor absent;
-- defines bump(), which moves the version and returns it, or nil and the 'foreign' reply for KEYS[3].
local t = redis.call('TYPE', KEYS[1]).ok
if t ~= 'hash' and t ~= 'none' then return {'foreign', KEYS[1], t} end
t = redis.call('TYPE', KEYS[2]).ok
if t ~= 'hash' and t ~= 'none' then return {'foreign', KEYS[2], t} end
-- the version moves first, before any write: INCR refuses a key of another type or a string that is not a number
local function bump()
  local version = redis.pcall('INCR', KEYS[3])
  if type(version) == 'table' and version.err then
    local vt = redis.call('TYPE', KEYS[3]).ok
    if vt == 'string' then vt = 'string, not a number' end
    return nil, {'foreign', KEYS[3], vt}
  end
  return version, nil
end
