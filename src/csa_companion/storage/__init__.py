"""Persistence: a crash-safe TinyDB storage, the stores built on it, and the repositories."""
