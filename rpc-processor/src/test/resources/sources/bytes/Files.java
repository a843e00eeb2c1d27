package bytes;

import com.google.protobuf.ByteString;
import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Bytes in every position: chunked upload and download, as byte[] and as ByteString. */
@RpcService
public interface Files {
  byte[] reverse(byte[] data);

  CompletableFuture<byte[]> download(String name);

  Flow.Publisher<byte[]> chunks(String name, int count);

  CompletableFuture<Integer> upload(Flow.Publisher<byte[]> chunks);

  Flow.Publisher<ByteString> echo(Flow.Publisher<ByteString> chunks);

  ByteString concat(ByteString a, ByteString b);

  Blob store(Blob blob);
}
