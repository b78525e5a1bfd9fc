"""Keys offered only where they work: a refused key leaves the footer and, pressed, says why.

A screen (or the app) names why an action cannot run now in `refusal`. Its binding is then
hidden (Textual's `check_action` returning False), and a second, hidden binding on the same
key, `explain('ACTION')`, runs instead and shows the reason: Textual tries a key's bindings in
order and skips those whose action is disabled.
"""

from __future__ import annotations

from textual.binding import Binding


def explained(key: str, action: str) -> Binding:
    """The hidden binding that says why `action` is refused, where it is."""
    return Binding(key, f"explain('{action}')", show=False)


class Refusals:
    """Mixed into an App or a Screen that has keys which work only sometimes."""

    def refusal(self, action: str) -> str | None:
        """Why `action` cannot run now, or None when it can (or is not one of these)."""
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "explain":
            return bool(parameters) and self.refusal(str(parameters[0])) is not None
        return self.refusal(action) is None

    def action_explain(self, action: str) -> None:
        reason = self.refusal(action)
        if reason is not None:
            self.notify(reason)  # type: ignore[attr-defined]
