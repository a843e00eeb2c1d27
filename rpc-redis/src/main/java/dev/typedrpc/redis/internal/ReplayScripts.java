package dev.typedrpc.redis.internal;

/**
 * The Lua scripts of {@code RedisReplayLog}. A key's events live in a Redis stream whose entry ids
 * are the events' positions ({@code <position>-0}); a string beside it holds the key's last
 * position. Both take KEYS[1] the stream and KEYS[2] the position.
 *
 * <p>A key's positions start from Redis's clock (milliseconds × 1000) whenever its position is
 * missing (a new key, a key that expired, a Redis that restarted empty), so they keep growing and a
 * subscriber's old position is never taken for a new event. Numbers travel as strings (Lua numbers
 * are doubles, printed in exponent form).
 */
public final class ReplayScripts {
  private ReplayScripts() {}

  private static final String PRELUDE =
      """
      local function position(ttl)
        local p = redis.call('GET', KEYS[2])
        if not p then
          local t = redis.call('TIME')
          p = t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000)) .. '000'
          if ttl == '0' then
            redis.call('SET', KEYS[2], p)
          else
            redis.call('SET', KEYS[2], p, 'PX', ttl)
          end
        end
        return p
      end
      """;

  /**
   * Appends if the key's last position is still ARGV[1]: ARGV the expected last position, the new
   * position (one more), the payload, the window (approximate MAXLEN), the keys' idle expiry in ms
   * (0: none). Returns {@code {1, position}} or, if another node appended first, {@code {0, last
   * position}}.
   */
  public static final String APPEND =
      PRELUDE
          + """
          local p = position(ARGV[5])
          if p ~= ARGV[1] then return {0, p} end
          redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], ARGV[2] .. '-0', 'e', ARGV[3])
          redis.call('SET', KEYS[2], ARGV[2])
          if ARGV[5] ~= '0' then
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            redis.call('PEXPIRE', KEYS[2], ARGV[5])
          end
          return {1, ARGV[2]}
          """;

  /**
   * The key's last position and, if ARGV[1] is not empty, up to ARGV[2] entries from id ARGV[1] on
   * (ARGV[3]: the idle expiry in ms of a position made here, 0: none): {@code {position}} or {@code
   * {position, entries}} (as XRANGE returns them), read at one instant.
   */
  public static final String READ =
      PRELUDE
          + """
          local p = position(ARGV[3])
          if ARGV[1] == '' then return {p} end
          return {p, redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])}
          """;
}
