"""Server-side time and query count of the index and a post page (in-process, SQLite)."""

from datetime import timedelta

from common import measure, setup_django, write_result


def main():
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from posts.models import Page, Post

    author = get_user_model().objects.create_user("bench", "bench@example.com")
    now = timezone.now()
    for n in range(200):
        post = Post.objects.create(
            title=f"Benchmark post {n}", author=author, status="published",
            published_at=now - timedelta(days=n),
            body=("A paragraph about *medical education* and networks. " * 20 + "\n\n") * 5,
        )  # fmt: skip
        post.tags.add(f"tag{n % 15}", "medical education")
    Page.objects.create(title="About", body="About this blog.")
    client = Client()
    post_url = Post.objects.published().first().get_absolute_url()

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    write_result(
        "pages",
        {
            "posts": 200,
            "index": measure(lambda: get("/")),
            "index_page_5": measure(lambda: get("/?page=5")),
            "post": measure(lambda: get(post_url)),
            "month_archive": measure(lambda: get(post_url.rsplit("/", 2)[0] + "/")),
            "tag": measure(lambda: get("/tag/tag3/")),
            "feed": measure(lambda: get("/feeds/posts/")),
        },
    )


if __name__ == "__main__":
    main()
