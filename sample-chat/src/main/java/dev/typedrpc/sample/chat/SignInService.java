package dev.typedrpc.sample.chat;

import dev.typedrpc.annotations.RpcService;

/**
 * How a client of a server in dev mode gets its token. The only call of the chat a client makes
 * without credentials; every {@link ChatService} call needs the token it returns.
 */
@RpcService(name = "typedrpc.chat.SignInService", version = 1)
public interface SignInService {
  /**
   * A new token for {@code user}, who must not be in any room at the moment ({@code ALREADY_EXISTS}
   * otherwise); it replaces the token that name had. A server with a users file issues no tokens:
   * it answers {@code FAILED_PRECONDITION} (its users have theirs already).
   */
  String signIn(String user);
}
