/**
 * A JUnit 5 kit for testing typedrpc services: {@link dev.typedrpc.junit.RpcExtension} serves
 * implementations in process and injects stubs and channels into tests; {@link
 * dev.typedrpc.junit.OnEveryTransport} runs a test class once per transport. See docs/TESTING.md.
 */
package dev.typedrpc.junit;
