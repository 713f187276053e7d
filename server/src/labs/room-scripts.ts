/*
 * The Lua scripts of the room's live model (room-model.ts). Each runs atomically in Redis, so a
 * build, a change and an entry of two processes cannot interleave. Keys, in every script:
 * KEYS[1] the state hash, KEYS[2] the version, KEYS[3] the applied tickets, KEYS[4] the members'
 * own dots and answers, KEYS[5] who has spoken, KEYS[6] the recent messages. Values stay opaque
 * JSON here (Lua's cjson would turn the model's empty arrays into objects).
 */

/**
 * Stores a built model only if no change came since its build began (version ARGV[1] unchanged).
 * ARGV: version, ttl, then counts of state pairs, mine pairs, spoken ids and messages, then those.
 */
export const STORE = `if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
local ttl = ARGV[2]
local nState, nMine, nSpoke, nMessages = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local i = 7
for _ = 1, nState do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) i = i + 2 end
for _ = 1, nMine do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) i = i + 2 end
for _ = 1, nSpoke do redis.call('SADD', KEYS[5], ARGV[i]) i = i + 1 end
for _ = 1, nMessages do redis.call('RPUSH', KEYS[6], ARGV[i]) i = i + 1 end
for k = 1, 6 do if k ~= 2 and k ~= 3 then redis.call('EXPIRE', KEYS[k], ttl) end end
return 1`;

/**
 * Changes parts of a built model in place. With none built, bumps the version instead, so a
 * build that read the store before the change stores nothing. ARGV: ticket, then triples
 * (target, field, value): 's' a state field and 'm' a member's own field, each applied only if
 * its ticket is newer than the last one applied to that field ('' deletes it); 'n' a state field
 * set only if absent (something made once, whose later changes come as 's'); 'p' a member who
 * spoke. A ticket is taken after the change's write and before the reads that made the value, so
 * the newest ticket's value is never older than any change (room-model.ts `ticket`).
 */
export const UPDATE = `if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('INCR', KEYS[2]) return 0 end
local ticket = tonumber(ARGV[1])
for i = 2, #ARGV, 3 do
  local target, field, value = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if target == 'p' then redis.call('SADD', KEYS[5], field)
  elseif target == 'n' then redis.call('HSETNX', KEYS[1], field, value)
  else
    local key = target == 's' and KEYS[1] or KEYS[4]
    local mark = target .. '|' .. field
    if ticket > tonumber(redis.call('HGET', KEYS[3], mark) or '0') then
      redis.call('HSET', KEYS[3], mark, ticket)
      if value == '' then redis.call('HDEL', key, field) else redis.call('HSET', key, field, value) end
    end
  end
end
local ttl = redis.call('TTL', KEYS[1])
if ttl > 0 then for k = 3, 5 do redis.call('EXPIRE', KEYS[k], ttl) end end
return 1`;

/**
 * Appends a message to a built model (KEYS[1] the state, KEYS[2] the version, KEYS[3] the list);
 * with none built, bumps the version as UPDATE does. Either way its number is no longer owed to
 * the room (KEYS[4], ARGV[3]: sequence.ts): it was pushed.
 */
export const APPEND = `redis.call('ZREM', KEYS[4], ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('INCR', KEYS[2]) return 0 end
redis.call('RPUSH', KEYS[3], ARGV[1])
redis.call('LTRIM', KEYS[3], -tonumber(ARGV[2]), -1)
return 1`;

/** Caches a seat only while the model's version is the one read before the store was asked. */
export const SEAT = `if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1`;
