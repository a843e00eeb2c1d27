package dev.typedrpc.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class once per transport: its {@link RpcExtension} serves and connects
 * over each in turn (in memory, WebSocket, gRPC over HTTP/2, Server-Sent Events + POST), so every
 * test proves the same behaviour on all of them. Transports not on the class path are skipped (the
 * network ones come with {@code transport-netty}); {@link #value()} narrows the list. Each run is
 * reported under the transport's name, e.g. {@code [ws]}.
 *
 * <pre>{@code
 * @OnEveryTransport
 * class InventoryTest {
 *   @RegisterExtension
 *   static final RpcExtension rpc = RpcExtension.serving(InventoryRpc.bind(new InventoryImpl()));
 *
 *   @Test
 *   void stockStartsEmpty(Inventory inventory) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ClassTemplate
@ExtendWith(EveryTransport.class)
public @interface OnEveryTransport {
  /**
   * The transports to run on, as client URI schemes ({@code mem}, {@code ws}, {@code h2c}, {@code
   * sse}); empty (the default) means all of them.
   */
  String[] value() default {};
}
