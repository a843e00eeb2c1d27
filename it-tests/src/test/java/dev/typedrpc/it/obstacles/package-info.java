/**
 * Network obstacles for integration tests: small proxies on 127.0.0.1 that stand between a client
 * and a server and refuse WebSocket upgrades, pass only HTTP/1.1, or cut connections after a number
 * of bytes.
 */
package dev.typedrpc.it.obstacles;
