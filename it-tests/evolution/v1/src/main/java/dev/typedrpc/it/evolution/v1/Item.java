package dev.typedrpc.it.evolution.v1;

/** An item, as version 1 knows it. */
public record Item(String sku, String name, Category category) {}
