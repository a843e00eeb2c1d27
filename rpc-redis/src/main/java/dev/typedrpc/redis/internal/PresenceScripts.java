package dev.typedrpc.redis.internal;

/**
 * The Lua scripts that change a topic's presence in Redis. Each runs atomically, so a change, the
 * event number it takes and the event it publishes are one step: watchers on every node see a
 * topic's events in one order, numbered without gaps. Expiry uses Redis's clock, not the nodes'.
 * Every script takes {@link PresenceKeys#keys()} and, first, the channel and the TTL in ms.
 *
 * <p>A topic's event numbers start from Redis's clock (milliseconds × 1000) whenever its counter is
 * missing, so they keep growing when Redis restarts empty or the counter expires: a node's view
 * never mistakes a new event for an old one. Numbers travel as strings (Lua numbers are doubles,
 * printed in exponent form).
 */
public final class PresenceScripts {
  private PresenceScripts() {}

  /** A record is a 32-character owner token, a bar, and the member's JSON. */
  private static final String PRELUDE =
      """
      local function now()
        local t = redis.call('TIME')
        return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      end
      local function counter()
        local seq = redis.call('GET', KEYS[3])
        if not seq then
          local t = redis.call('TIME')
          seq = t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000)) .. '000'
          redis.call('SET', KEYS[3], seq, 'PX', 2 * tonumber(ARGV[2]))
        end
        return seq
      end
      local function publish(kind, member)
        counter()
        redis.call('INCR', KEYS[3])
        local seq = redis.call('GET', KEYS[3])
        redis.call('PUBLISH', ARGV[1], kind .. '|' .. seq .. '|' .. member)
      end
      local function keep()
        local ttl = 2 * tonumber(ARGV[2])
        for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
      end
      local function sweep()
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now(), 'LIMIT', 0, 1000)
        for _, id in ipairs(expired) do
          local rec = redis.call('HGET', KEYS[1], id)
          redis.call('ZREM', KEYS[2], id)
          if rec then
            redis.call('HDEL', KEYS[1], id)
            publish('LEAVE', string.sub(rec, 34))
          end
        end
      end
      local function store(id, token, member)
        redis.call('HSET', KEYS[1], id, token .. '|' .. member)
        redis.call('ZADD', KEYS[2], now() + tonumber(ARGV[2]), id)
        keep()
      end
      """;

  /**
   * Joins, or takes over a member of the same id: ARGV id, token, member JSON, most members.
   * Returns {@code OK} or {@code FULL}.
   */
  public static final String JOIN =
      PRELUDE
          + """
          sweep()
          local old = redis.call('HGET', KEYS[1], ARGV[3])
          if not old and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[6]) then return 'FULL' end
          store(ARGV[3], ARGV[4], ARGV[5])
          if not old then
            publish('JOIN', ARGV[5])
          elseif string.sub(old, 34) ~= ARGV[5] then
            publish('UPDATE', ARGV[5])
          end
          return 'OK'
          """;

  /** Updates a member this token owns: ARGV id, token, member JSON. {@code OK} or {@code GONE}. */
  public static final String UPDATE =
      PRELUDE
          + """
          local old = redis.call('HGET', KEYS[1], ARGV[3])
          if not old or string.sub(old, 1, 32) ~= ARGV[4] then return 'GONE' end
          store(ARGV[3], ARGV[4], ARGV[5])
          if string.sub(old, 34) ~= ARGV[5] then publish('UPDATE', ARGV[5]) end
          return 'OK'
          """;

  /**
   * Pushes a member's expiry back, adding it again if it is missing (it expired while its node was
   * cut off, or Redis lost it): ARGV id, token, member JSON, most members. {@code OK}, {@code GONE}
   * (another token owns the id now) or {@code FULL}.
   */
  public static final String REFRESH =
      PRELUDE
          + """
          local old = redis.call('HGET', KEYS[1], ARGV[3])
          if old and string.sub(old, 1, 32) ~= ARGV[4] then return 'GONE' end
          if not old and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[6]) then return 'FULL' end
          store(ARGV[3], ARGV[4], ARGV[5])
          if not old then publish('JOIN', ARGV[5]) end
          return 'OK'
          """;

  /** Removes a member this token owns: ARGV id, token. {@code OK} or {@code GONE}. */
  public static final String LEAVE =
      PRELUDE
          + """
          local old = redis.call('HGET', KEYS[1], ARGV[3])
          if not old or string.sub(old, 1, 32) ~= ARGV[4] then return 'GONE' end
          redis.call('HDEL', KEYS[1], ARGV[3])
          redis.call('ZREM', KEYS[2], ARGV[3])
          publish('LEAVE', string.sub(old, 34))
          return 'OK'
          """;

  /**
   * Removes expired members (each a {@code LEAVE}); returns the topic's last event number (starting
   * the counter if it is missing).
   */
  public static final String SWEEP =
      PRELUDE
          + """
          sweep()
          return counter()
          """;

  /**
   * Removes expired members, then returns the topic's last event number followed by the JSON of
   * each member.
   */
  public static final String SNAPSHOT =
      PRELUDE
          + """
          sweep()
          local out = { counter() }
          for _, rec in ipairs(redis.call('HVALS', KEYS[1])) do
            out[#out + 1] = string.sub(rec, 34)
          end
          return out
          """;
}
