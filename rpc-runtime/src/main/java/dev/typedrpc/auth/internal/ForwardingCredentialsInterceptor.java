package dev.typedrpc.auth.internal;

import dev.typedrpc.CallObserver;
import dev.typedrpc.ClientInterceptor;
import dev.typedrpc.OutgoingCall;
import dev.typedrpc.RpcContext;
import dev.typedrpc.auth.Authenticator;
import dev.typedrpc.internal.ServedCall;

/**
 * Adds the {@code authorization} value of the server call being served to each call made while
 * serving it, over TLS or loopback only; a call made outside a server call, or while serving one
 * that carried none, gets nothing.
 */
public final class ForwardingCredentialsInterceptor implements ClientInterceptor {
  public static final ForwardingCredentialsInterceptor INSTANCE =
      new ForwardingCredentialsInterceptor();

  private ForwardingCredentialsInterceptor() {}

  @Override
  public CallObserver interceptCall(OutgoingCall call) {
    RpcContext incoming = ServedCall.currentOrNull();
    String value = incoming == null ? null : incoming.headers().get(Authenticator.AUTHORIZATION);
    if (value != null) {
      CredentialsInterceptor.refuseCleartext(call);
      call.addHeader(Authenticator.AUTHORIZATION, value);
    }
    return CallObserver.NONE;
  }
}
