"""Textual's Footer, rebuilt only when the keys it shows have changed.

Textual's Footer rebuilds itself (re-mounting and re-styling every key) each time the screen
says its bindings may have changed: on focus changes, when a screen is shown, and on idle. On
Home that was three rebuilds before the first frame settled, about 25 ms of CPU for keys that
had not changed. This subclass skips a rebuild that would produce the same keys.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter

Shown = tuple[object, ...]


class Footer(TextualFooter):
    _shown: Shown | None = None

    def _keys_shown(self) -> Shown:
        ready = bool(getattr(self, "_bindings_ready", True))
        bindings = self.screen.active_bindings.values() if ready else ()
        keys = tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for _node, binding, enabled, tooltip in bindings
            if binding.show
        )
        return (ready, self.compact, self.show_command_palette, self.app.theme, keys)

    async def recompose(self) -> None:
        if not self.is_attached:  # a rebuild scheduled just before its screen closed
            return
        shown = self._keys_shown()
        if shown == self._shown:
            return
        self._shown = shown
        await super().recompose()
