from comments.models import Comment
from moderation import demo
from moderation.models import Decision
from posts.models import Post
from posts.tests.factories import make_post


def test_seed_story_through_the_real_pipeline(db):
    post = make_post(slug=demo.SEED_STORY_SLUG)
    added = demo.add_seed_comments(post)
    assert [c.status for c in added] == ["approved", "pending", "pending", "pending"]
    genuine, nice_post, advert, longer_advert = added
    assert genuine.reasons == []
    for spam in added[1:]:
        assert spam.reasons and spam.score > 0.5
    # Held for the school's name, not for being "Anonymous" (no sign of anything).
    assert "names a business or school the post does not mention ('avalon university')" in (
        nice_post.reasons
    ), nice_post.reasons
    assert not any("anonymous" in r for r in nice_post.reasons)
    assert all(s.status == "pending" for s in (advert, longer_advert)), advert.reasons
    assert f"near-duplicate of comment {advert.pk} (100% contained)" in longer_advert.reasons
    assert Decision.objects.filter(comment__in=added).count() == 4
    assert Decision.objects.get(comment=advert).actor is None


def test_seed_demo_module_is_idempotent(db):
    make_post(slug=demo.SEED_STORY_SLUG)

    class Out:
        lines = []

        def write(self, line):
            self.lines.append(line)

    assert demo.seed(Out()) == 4
    assert demo.seed(Out()) == 0
    post = Post.objects.get(slug=demo.SEED_STORY_SLUG)
    assert post.comments.filter(status=Comment.Status.APPROVED).count() == 1
    assert post.comment_count == 1
