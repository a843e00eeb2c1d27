/**
 * The flood measurement: the sample chat server at a small heap against peers that send without
 * reading, with a real chat client checking that it is served throughout and SIGTERM at the end.
 */
package dev.typedrpc.bench.flood;
