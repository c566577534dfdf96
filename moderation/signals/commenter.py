"""Who wrote it: the post's author and staff are themselves; a returning commenter is known.

A first comment is not evidence of anything by itself (most honest readers comment once);
other signals say "first comment" in their reasons when it matters to them.
"""

from . import Evidence

OWN = -20.0  # the post's author or staff: approved whatever else is said


class Commenter:
    name = "commenter"

    def check(self, ctx):
        s = ctx.sub
        if s.by_post_author:
            return [Evidence(self.name, OWN, "the post's author")]
        if s.trusted_user:
            return [Evidence(self.name, OWN, "staff")]
        if ctx.returning:
            return [Evidence(self.name, -0.8, "returning commenter")]
        return []
