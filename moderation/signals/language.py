"""The comment's script and language against the post's and the blog's.

Letters of a script the post and the blog do not use (Cyrillic under an English post) are a
strong sign of spam: the writer did not read the post. A Latin-script language the blog does
not use is only a hint (readers abroad do write in their own language), weighed with the rest.
A comment too short to tell says nothing.
"""

from .. import langid
from . import Evidence

OTHER_SCRIPT = 2.5
OTHER_LANGUAGE = 0.7


def _on(ctx) -> str:
    return f"on {'an' if ctx.post_language[:1] in 'aeiou' else 'a'} {langid.language_name(ctx.post_language)} post"


class Language:
    name = "language"

    def check(self, ctx):
        script, language = ctx.script_and_language
        if script is None:
            return []
        scripts = {langid.script_for_language(code) for code in ctx.languages}
        if script not in ("Latin", "other") and script not in scripts:
            what = langid.NAMES.get(language or "") or langid.script_name(script)
            return [Evidence(self.name, OTHER_SCRIPT, f"in {what} {_on(ctx)}")]
        if script == "Latin" and language and language not in ctx.languages:
            return [
                Evidence(
                    self.name, OTHER_LANGUAGE, f"in {langid.language_name(language)} {_on(ctx)}"
                )
            ]
        return []
