/**
 * RxJava 3's {@code Flowable}, {@code Single} and {@code Completable} in {@code @RpcService}
 * interfaces: the adapter generated code calls. Add this module (and your own {@code rxjava}) to
 * use them.
 */
package dev.typedrpc.rxjava3;
