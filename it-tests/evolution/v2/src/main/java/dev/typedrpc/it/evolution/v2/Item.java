package dev.typedrpc.it.evolution.v2;

import dev.typedrpc.annotations.Since;
import java.util.Optional;

/** An item, as version 2 knows it: with a colour. */
public record Item(String sku, String name, Category category, @Since(2) Optional<String> color) {}
