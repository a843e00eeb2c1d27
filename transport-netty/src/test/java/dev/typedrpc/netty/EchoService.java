package dev.typedrpc.netty;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.CallKind;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.MessageCodec;
import dev.typedrpc.spi.ServerStream;
import dev.typedrpc.spi.ServerStreamListener;
import dev.typedrpc.spi.ServerTransportListener;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * A server written against the transport SPI: {@code test.Echo/Echo} answers "echo:" + the request;
 * {@code test.Echo/Hold} never answers, and {@link #held} completes with the status it is cancelled
 * with.
 */
public final class EchoService implements ServerTransportListener {
  public static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.of(
          "test.Echo", "Echo", CallKind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);
  public static final MethodDescriptor<String, String> HOLD =
      MethodDescriptor.of(
          "test.Echo", "Hold", CallKind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);

  public final CompletableFuture<ServerStream> holding = new CompletableFuture<>();
  public final CompletableFuture<Status> held = new CompletableFuture<>();

  @Override
  public MethodDescriptor<?, ?> lookupMethod(String fullMethodName) {
    if (fullMethodName.equals(ECHO.fullName())) {
      return ECHO;
    }
    return fullMethodName.equals(HOLD.fullName()) ? HOLD : null;
  }

  @Override
  public ServerStreamListener streamCreated(
      ServerStream stream, MethodDescriptor<?, ?> method, Metadata headers, Deadline deadline) {
    stream.request(1);
    if (method == HOLD) {
      holding.complete(stream);
    }
    return new ServerStreamListener() {
      @Override
      public void onMessage(Object message) {
        if (method == ECHO) {
          stream.writeMessage("echo:" + message);
          stream.close(Status.OK, Metadata.EMPTY);
        }
      }

      @Override
      public void onHalfClose() {}

      @Override
      public void onReady() {}

      @Override
      public void onCancel(Status status) {
        held.complete(status);
      }
    };
  }

  /** A string as field 1 of a message. */
  enum StringCodec implements MessageCodec<String> {
    INSTANCE;

    @Override
    public int encodedSize(String value) {
      return CodedOutputStream.computeStringSize(1, value);
    }

    @Override
    public void encode(String value, CodedOutputStream out) throws IOException {
      out.writeString(1, value);
    }

    @Override
    public String decode(CodedInputStream in, int depth) throws IOException {
      String value = "";
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == 1) {
          value = in.readStringRequireUtf8();
        } else {
          in.skipField(tag);
        }
      }
      return value;
    }
  }
}
