/**
 * The annotations a service author writes: {@link dev.typedrpc.annotations.RpcService} marks the
 * interface, {@link dev.typedrpc.annotations.Field}, {@link dev.typedrpc.annotations.Since} and
 * {@link dev.typedrpc.annotations.Reserved} pin the wire schema, {@link
 * dev.typedrpc.annotations.Unrecognized} marks the fallback for values from newer peers and {@link
 * dev.typedrpc.annotations.AcceptBreakingChange} accepts an intended break, {@link
 * dev.typedrpc.annotations.Idempotent} lets clients retry a method, {@link
 * dev.typedrpc.annotations.Resumable} and {@link dev.typedrpc.annotations.Position} let a stream
 * resume after a lost connection. Read at compile time by {@code rpc-processor}, as are Jakarta's
 * {@code @RolesAllowed}, {@code @PermitAll} and {@code @DenyAll} ({@code
 * jakarta.annotation.security}, a dependency of this module) on a service or its methods.
 */
package dev.typedrpc.annotations;
