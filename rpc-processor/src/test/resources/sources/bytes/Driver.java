package bytes;

import com.google.protobuf.ByteString;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/** Serves {@link Files} on the in-memory transport and calls every method once. */
public final class Driver {
  private Driver() {}

  public static Map<String, Object> run() throws Exception {
    Map<String, Object> results = new LinkedHashMap<>();
    RpcServer server =
        RpcServer.builder().listen("mem:files").addService(FilesRpc.bind(new Impl())).build();
    server.start();
    try (RpcChannel channel = RpcChannel.connect(URI.create("mem:files"))) {
      Files files = FilesRpc.newStub(channel);
      results.put("reverse", files.reverse(new byte[] {1, 2, 3}));
      results.put("download", files.download("a").get(10, TimeUnit.SECONDS));
      results.put("chunks", collect(files.chunks("c", 3)));
      results.put(
          "upload",
          files
              .upload(Driver.<byte[]>publish(List.of(new byte[3], new byte[5], new byte[0])))
              .get(10, TimeUnit.SECONDS));
      results.put(
          "echo", collect(files.echo(publish(List.of(utf8("x"), ByteString.EMPTY, utf8("yz"))))));
      results.put("concat", files.concat(utf8("ab"), utf8("cd")));
      Blob blob =
          new Blob(
              "b", utf8("data"), List.of(utf8("p1"), ByteString.EMPTY), Optional.of(utf8("e")),
              Map.of("k", utf8("v")));
      results.put("store", files.store(blob));
      results.put("storeEquals", files.store(blob).equals(blob));
    } finally {
      server.shutdown();
    }
    return results;
  }

  static ByteString utf8(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  static <T> List<T> collect(Flow.Publisher<T> publisher) throws Exception {
    CompletableFuture<List<T>> done = new CompletableFuture<>();
    publisher.subscribe(
        new Flow.Subscriber<T>() {
          final List<T> items = new ArrayList<>();

          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(T item) {
            items.add(item);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            done.complete(items);
          }
        });
    return done.get(10, TimeUnit.SECONDS);
  }

  /** Emits {@code items} as requested, then completes. */
  static <T> Flow.Publisher<T> publish(List<T> items) {
    return subscriber ->
        subscriber.onSubscribe(
            new Flow.Subscription() {
              int next;
              long demand;
              boolean emitting;

              @Override
              public synchronized void request(long n) {
                demand += n;
                if (emitting) {
                  return;
                }
                emitting = true;
                while (demand > 0 && next < items.size()) {
                  demand--;
                  subscriber.onNext(items.get(next++));
                }
                if (next == items.size()) {
                  next++;
                  subscriber.onComplete();
                }
                emitting = false;
              }

              @Override
              public void cancel() {}
            });
  }

  static final class Impl implements Files {
    @Override
    public byte[] reverse(byte[] data) {
      byte[] out = new byte[data.length];
      for (int i = 0; i < data.length; i++) {
        out[i] = data[data.length - 1 - i];
      }
      return out;
    }

    @Override
    public CompletableFuture<byte[]> download(String name) {
      return CompletableFuture.completedFuture(name.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Flow.Publisher<byte[]> chunks(String name, int count) {
      List<byte[]> out = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        out.add(new byte[] {(byte) i, (byte) name.charAt(0)});
      }
      return publish(out);
    }

    @Override
    public CompletableFuture<Integer> upload(Flow.Publisher<byte[]> chunks) {
      CompletableFuture<Integer> total = new CompletableFuture<>();
      chunks.subscribe(
          new Flow.Subscriber<byte[]>() {
            int bytes;

            @Override
            public void onSubscribe(Flow.Subscription s) {
              s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(byte[] item) {
              bytes += item.length;
            }

            @Override
            public void onError(Throwable t) {
              total.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
              total.complete(bytes);
            }
          });
      return total;
    }

    @Override
    public Flow.Publisher<ByteString> echo(Flow.Publisher<ByteString> chunks) {
      return chunks;
    }

    @Override
    public ByteString concat(ByteString a, ByteString b) {
      return a.concat(b);
    }

    @Override
    public Blob store(Blob blob) {
      return blob;
    }
  }
}
