"""Teaching content: Markdown files with TOML front matter, parsed into typed dataclasses."""
