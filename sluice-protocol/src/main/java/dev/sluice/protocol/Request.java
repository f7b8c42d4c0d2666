package dev.sluice.protocol;

/** A request body: what a client sends (or, for CREDIT, sends with flag {@code ONEWAY}). */
public interface Request extends Message {}
