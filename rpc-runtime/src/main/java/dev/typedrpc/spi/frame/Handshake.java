package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.internal.VersionGate;
import dev.typedrpc.spi.TransportSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SETTINGS exchange and what it taught: the protocol version check, the peer's limits (frame
 * and message size, whether it reads BATCH frames), the service versions both ends announced, and
 * the version gate that fails a call the server cannot serve before it is sent. Executor only.
 */
final class Handshake {
  private static final int MAX_ANNOUNCED_SERVICES = 1000;

  private final TransportSettings settings;
  private Map<String, ServiceVersion> localServices = Map.of();
  private Map<String, ServiceVersion> peerServices = Map.of();

  /** The peer's SETTINGS arrived. */
  private boolean peerReady;

  private int peerMaxFrameSize = FrameType.MIN_MAX_FRAME_SIZE;
  private int peerMaxMessageSize = Integer.MAX_VALUE;

  /**
   * The peer's SETTINGS said it reads BATCH frames: small frames written before a flush then go out
   * as one.
   */
  private boolean peerReadsBatches;

  /** The peer's SETTINGS listed gzip among the encodings it decompresses. */
  private boolean peerAcceptsGzip;

  /**
   * This end lists JSON among its message encodings (SETTINGS field 9): a server always, a client
   * when asked ({@link MessageEncoding}).
   */
  private final boolean listsJson;

  /** The peer's SETTINGS listed JSON among its message encodings. */
  private boolean peerListsJson;

  Handshake(TransportSettings settings, boolean listsJson) {
    this.settings = settings;
    this.listsJson = listsJson;
  }

  boolean peerReady() {
    return peerReady;
  }

  int peerMaxFrameSize() {
    return peerMaxFrameSize;
  }

  int peerMaxMessageSize() {
    return peerMaxMessageSize;
  }

  boolean peerReadsBatches() {
    return peerReadsBatches;
  }

  /** Whether the peer decompresses gzip: without it, nothing is compressed for it. */
  boolean peerAcceptsGzip() {
    return peerAcceptsGzip;
  }

  /**
   * Whether every message on this connection travels as proto3 JSON: both ends listed it in their
   * SETTINGS. False until the peer's SETTINGS arrive (no call is sent or accepted before).
   */
  boolean jsonMessages() {
    return listsJson && peerListsJson;
  }

  /** The version of {@code service} the peer announced, or null. */
  ServiceVersion peerService(String service) {
    return peerServices.get(service);
  }

  /** Sends this end's SETTINGS, announcing {@code services}. */
  void writeSettings(FrameWriter writer, List<ServiceVersion> services) {
    localServices = byName(services);
    int servicesSize = 0;
    for (ServiceVersion v : services) {
      int n = serviceSize(v);
      servicesSize +=
          CodedOutputStream.computeTagSize(6) + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
    }
    int size =
        CodedOutputStream.computeUInt32Size(1, FrameType.PROTOCOL_VERSION)
            + CodedOutputStream.computeUInt32Size(2, settings.maxFrameSize())
            + CodedOutputStream.computeUInt32Size(3, settings.maxMessageSize())
            + CodedOutputStream.computeUInt32Size(4, settings.maxMetadataSize())
            + CodedOutputStream.computeUInt32Size(5, settings.maxConcurrentStreams())
            + servicesSize
            + CodedOutputStream.computeUInt32Size(7, 1)
            + CodedOutputStream.computeStringSize(8, MessageCompression.GZIP)
            + (listsJson ? CodedOutputStream.computeStringSize(9, MessageEncoding.JSON) : 0);
    writer.writeFrame(
        FrameType.SETTINGS,
        0,
        0,
        size,
        out -> {
          out.writeUInt32(1, FrameType.PROTOCOL_VERSION);
          out.writeUInt32(2, settings.maxFrameSize());
          out.writeUInt32(3, settings.maxMessageSize());
          out.writeUInt32(4, settings.maxMetadataSize());
          out.writeUInt32(5, settings.maxConcurrentStreams());
          for (ServiceVersion v : services) {
            out.writeTag(6, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(serviceSize(v));
            out.writeString(1, v.name());
            out.writeUInt32(2, v.version());
            out.writeString(3, v.fingerprint());
          }
          out.writeUInt32(7, 1); // this side reads BATCH frames
          out.writeString(8, MessageCompression.GZIP); // and decompresses gzip
          if (listsJson) {
            out.writeString(9, MessageEncoding.JSON); // and speaks JSON messages
          }
        });
  }

  private static int serviceSize(ServiceVersion v) {
    return CodedOutputStream.computeStringSize(1, v.name())
        + CodedOutputStream.computeUInt32Size(2, v.version())
        + CodedOutputStream.computeStringSize(3, v.fingerprint());
  }

  /** Reads the peer's SETTINGS and returns the services it announced. */
  List<ServiceVersion> readSettings(ByteBuffer payload) throws ProtocolException {
    if (peerReady) {
      throw ProtocolException.connection("SETTINGS sent twice");
    }
    List<ServiceVersion> services = new ArrayList<>();
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload);
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            int version = in.readUInt32();
            if (version != FrameType.PROTOCOL_VERSION) {
              throw ProtocolException.connection("unsupported protocol version " + version);
            }
          }
          case 2 -> peerMaxFrameSize = Math.max(FrameType.MIN_MAX_FRAME_SIZE, in.readUInt32());
          case 3 -> peerMaxMessageSize = positive(in.readUInt32());
          case 6 -> {
            if (services.size() >= MAX_ANNOUNCED_SERVICES) {
              throw ProtocolException.connection(
                  "SETTINGS announce more than " + MAX_ANNOUNCED_SERVICES + " services");
            }
            services.add(readService(in));
          }
          case 7 -> peerReadsBatches = in.readUInt32() == 1;
          case 8 -> peerAcceptsGzip |= MessageCompression.GZIP.equals(in.readStringRequireUtf8());
          case 9 -> peerListsJson |= MessageEncoding.JSON.equals(in.readStringRequireUtf8());
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw ProtocolException.connection("malformed SETTINGS: " + e.getMessage());
    }
    peerReady = true;
    peerServices = byName(services);
    return services;
  }

  private static ServiceVersion readService(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String name = "";
    int version = 0;
    String fingerprint = "";
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> name = in.readStringRequireUtf8();
        case 2 -> version = in.readUInt32();
        case 3 -> fingerprint = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return new ServiceVersion(name, version, fingerprint);
  }

  /**
   * Why the server cannot serve {@code method}, judged from the versions it announced; null if it
   * can, or if it announced nothing. Such a call fails at once and is never sent.
   */
  Status unsupportedByServer(MethodDescriptor<?, ?> method) {
    if (peerServices.isEmpty()) {
      return null;
    }
    ServiceVersion server = peerServices.get(method.serviceName());
    if (server == null) {
      return Status.UNIMPLEMENTED.withDescription(
          "the server does not serve "
              + method.serviceName()
              + " (it serves "
              + peerServices.keySet()
              + ")");
    }
    return VersionGate.tooNew(method, server, localServices.get(method.serviceName()));
  }

  private static Map<String, ServiceVersion> byName(List<ServiceVersion> services) {
    Map<String, ServiceVersion> map = new HashMap<>();
    for (ServiceVersion v : services) {
      map.put(v.name(), v);
    }
    return Map.copyOf(map);
  }

  private static int positive(int v) {
    return v <= 0 ? Integer.MAX_VALUE : v;
  }
}
