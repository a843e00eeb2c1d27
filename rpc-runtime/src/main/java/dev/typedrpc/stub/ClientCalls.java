package dev.typedrpc.stub;

import dev.typedrpc.CallOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** PLACEHOLDER: signatures only. Entry points generated stubs call. */
public final class ClientCalls {
  private ClientCalls() {}

  public static <Req, Resp> Resp blockingUnary(
      RpcChannel channel, MethodDescriptor<Req, Resp> method, CallOptions options, Req request) {
    throw new UnsupportedOperationException();
  }

  public static <Req, Resp> CompletableFuture<Resp> futureUnary(
      RpcChannel channel, MethodDescriptor<Req, Resp> method, CallOptions options, Req request) {
    throw new UnsupportedOperationException();
  }

  public static <Req, Resp> Flow.Publisher<Resp> serverStreaming(
      RpcChannel channel, MethodDescriptor<Req, Resp> method, CallOptions options, Req request) {
    throw new UnsupportedOperationException();
  }

  public static <Req, Resp> CompletableFuture<Resp> clientStreaming(
      RpcChannel channel, MethodDescriptor<Req, Resp> method, CallOptions options, Flow.Publisher<Req> requests) {
    throw new UnsupportedOperationException();
  }

  public static <Req, Resp> Flow.Publisher<Resp> bidiStreaming(
      RpcChannel channel, MethodDescriptor<Req, Resp> method, CallOptions options, Flow.Publisher<Req> requests) {
    throw new UnsupportedOperationException();
  }
}
