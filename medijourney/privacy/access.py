"""Access helpers that pair a permission decision with its audit row (``require_perm``,
``get_visible_or_404``, ``deny``). They live in ``medijourney.accounts.access`` so that accounts
never imports privacy; every other app imports them from here or from there."""

from medijourney.accounts.access import deny, get_visible_or_404, require_perm, signed_in

__all__ = ["deny", "get_visible_or_404", "require_perm", "signed_in"]
