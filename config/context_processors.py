from django.conf import settings


def site(request):
    """The site's name and medical disclaimer, for every template."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_DISCLAIMER": settings.SITE_DISCLAIMER}
