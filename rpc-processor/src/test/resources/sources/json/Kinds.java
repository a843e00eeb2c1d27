package json;

import dev.typedrpc.annotations.RpcService;

/** A service whose messages hold the field kinds {@code example.Post} does not (JSON tests). */
@RpcService
public interface Kinds {
  Extra echo(Extra extra);

  long count(String room, int limit);
}
