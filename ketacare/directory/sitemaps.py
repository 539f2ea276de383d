"""The sitemap of the public side: the directory and every published profile."""

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from ketacare.core.http import public_view
from ketacare.directory.models import ClinicProfile


class DirectorySitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["directory:directory"]

    def location(self, item: str) -> str:
        return reverse(item)


class ProfileSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "weekly"

    def items(self) -> Any:
        published = ClinicProfile.objects.filter(live__isnull=False)
        return published.select_related("clinic").order_by("clinic__slug")

    def location(self, item: ClinicProfile) -> str:
        return reverse("directory:profile", args=[item.clinic.slug])

    def lastmod(self, item: ClinicProfile) -> Any:
        return item.live_changed_at


SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {  # type: ignore[type-arg]
    "directory": DirectorySitemap,
    "profiles": ProfileSitemap,
}


@public_view
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    return sitemap(request, sitemaps=SITEMAPS)


@public_view
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Search engines may read the directory; nothing behind a sign-in is for them."""
    lines = ["User-agent: *", "Allow: /clinics/", "Disallow: /",
             f"Sitemap: {request.build_absolute_uri(reverse('directory:sitemap'))}"]  # fmt: skip
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
