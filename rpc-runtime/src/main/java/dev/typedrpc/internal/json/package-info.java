/** The JSON factory and limits of proto3 JSON codecs. */
package dev.typedrpc.internal.json;
