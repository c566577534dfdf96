"""Praise that could stand under any post on any blog.

"Thanks!", "Very helpful, thank you!" and an emoji are the commonest honest comments and pass:
being short and generic is no sign of spam. What is: fluent flattery of the blog or its
writer that says nothing about the post ("You're a very skilled blogger, I've joined your
feed…", "Thanks for taking the time to discuss this, I feel strongly about it…"), the
classic comment spam and now the LLM kind, usually carrying a link or a name to promote.
"""

import re

from . import Evidence
from .context import STEM

GENERIC = 1.8
WITH_LINK = 1.0
STOCK_PHRASE = 0.6

# Words of praise and of talk about "the post"/"the blog" that say nothing of its subject.
PRAISE_WORDS = frozenset(
    """
    great nice good awesome excellent wonderful fantastic amazing brilliant informative
    helpful useful valuable insightful interesting impressive impressed beautiful lovely
    superb outstanding perfect pleasant incredible incredibly thanks thank thankful sharing
    share shared post posts posted posting article articles blog blogs blogger blogging
    weblog website websites site sites page content information info writing written write
    writer writers wrote read reading reader readers topic topics keep work working job
    bookmark bookmarked feed rss author skilled knowledge insights insight detail details
    detailed clear clearly clarity concise engaging well structured researched comprehensive
    overview quality high appreciate appreciated appreciating appreciation enjoyed enjoy
    enjoying love loved loving like liked learned learning learn stuff piece resource
    resources guide effort efforts time taking expertise points tips practical truly really
    definitely such future forward looking more come coming back visit visited visiting
    theme layout design colors template subject matter discuss discussing discussion sure
    glad happy wow hello there thanks lot lots many much found find finding stumbled upon
    came across browsing browse google yahoo search searching today recently recent always
    fine people person everyone anyone thoughts thought mind spot wish wishes best regards
    cheers continue continued writing informative knowledgeable ideas idea helpful material
    aspects essential deep depth thorough thoroughly valuable must-read goldmine treasure
    trove shines paragraph every commendable simple steps complex explanation explained
    explain explaining presented presentation manner provide provides provided highlights
    key often overlooked easy understand understanding made makes interested anyone
    audience readers value perspective thank-you opportunity unique style compared
    other others written nowadays hard difficult kind kinds type types stuff amazing
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
# Phrases comment spam is built from (also spun: "came to return the favor/go back the prefer").
_STOCK = re.compile(
    r"\b(?:stumbled upon|came across (?:your|this)|bookmark|book mark|return the favou?r|"
    r"joined your (?:feed|rss)|your (?:rss|feed)|look(?:ing)? forward to (?:seeking|reading)|"
    r"keep up the (?:good|great|excellent|amazing)|keep (?:on )?(?:working|posting|sharing|writing)|"
    r"(?:i will|i'll) be back|came to (?:check|take a look)|room ?mate|off topic|"
    r"blog (?:platform|system)|paid theme|(?:make|made) this (?:website|site|blog) yourself|"
    r"writing skills|wrote the (?:e-?)?book|read my (?:mind|thoughts)|learn my thoughts|"
    r"yahoo news|aspiring (?:writers|bloggers)|rehashed|ate my (?:first )?comment|"
    r"younger sister|taking the time to discuss|feel strongly about it|love learning more|"
    r"couldn'?t be written any better|treasure trove|goldmine|must-read|stand(?:s)? out|"
    r"spot on|shines through|well[- ](?:researched|written|structured)|in-depth|"
    r"thought-provoking|valuable (?:information|insights|knowledge|resource|content)|"
    r"useful (?:information|content)|(?:quality|great|informative) content|"
    r"sharing such|keep sharing|more (?:informative|such) (?:content|posts|articles)|"
    r"skilled blogger|(?:love|like|enjoyed?) (?:your|this) (?:blog|site|website|weblog)|"
    r"(?:your|this) (?:blog|site|website|weblog) (?:is|posts)|truly (?:enjoyed|appreciate)|"
    r"enjoyed (?:browsing|reading) your|high[- ]quality (?:writing|content)|"
    r"i (?:truly|really) appreciate people like you|detailed information you present|"
    r"sending it to a few friends|once in a while|every paragraph|your expertise|"
    r"you(?:'ve| have) (?:explained|covered)|such (?:a )?valuable|"
    r"(?:my|our) (?:facebook|myspace|twitter) group|suggested this website|"
    r"nobody else know|favou?rite (?:justification|reason)|in accession capital|"
    r"informative (?:blog|post|article)|interesting keep posting|pretty worth enough|"
    r"(?:interesting|good|nice) article like yours|browsing online|"
    r"(?:security|small|minor) (?:problems|issues) with my (?:latest|new) (?:site|website|blog))"
)  # matched against lower-cased text
MIN_CONTENT = 6  # content words for a comment to be "fluent" rather than short thanks


class GenericPraise:
    name = "praise"

    def check(self, ctx):
        content = ctx.content
        stock = {m.group(0).lower() for m in _STOCK.finditer(ctx.plain)}
        praise = [w for w in content if w in PRAISE_WORDS]
        substance = [w for w in content if w not in PRAISE_WORDS]
        post_stems = ctx.post_stems
        about_post = [w for w in substance if w[:STEM] in post_stems] if post_stems else []
        if (about_post or (not ctx.has_post and substance)) and (not stock or len(about_post) >= 2):
            return []
        fluent = len(content) >= MIN_CONTENT
        mostly_praise = content and len(praise) >= 0.6 * len(content)
        generic = (fluent and mostly_praise) or len(stock) >= 2 or (stock and fluent)
        if not generic:
            return []
        weight = GENERIC + STOCK_PHRASE * max(0, len(stock) - 1)
        reason = "praise that says nothing about the post"
        if not ctx.known:
            reason += ", first comment"
        if ctx.has_link:
            weight += WITH_LINK
            reason += ", with a link"
        return [Evidence(self.name, min(weight, 3.5), reason)]
