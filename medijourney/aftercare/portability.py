"""Export and erasure (filled below)."""
