/**
 * {@code grpc.reflection.v1.ServerReflection} and {@code grpc.reflection.v1alpha.ServerReflection}:
 * {@link dev.typedrpc.services.reflection.ReflectionService} lists a server's services and serves
 * the schemas the annotation processor embeds in generated code, so that grpcurl, Postman and other
 * reflection clients can call typedrpc services without {@code .proto} files.
 */
package dev.typedrpc.services.reflection;
