"""The domain: plain Python objects and rules, no Textual."""
